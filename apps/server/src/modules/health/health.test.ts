import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import type { Storage } from '../../storage/ports.ts';
import { openSqliteStorage } from '../../storage/sqlite/sqlite-storage.ts';

describe('health and the envelope', () => {
  let dir: string;
  let storage: Storage;
  let charla: ReturnType<typeof createApp>;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-health-'));
    storage = openSqliteStorage(dir);
    charla = createApp({ config: loadConfig({ DATA_DIR: dir }), storage, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await charla.close();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers /healthz with the envelope', async () => {
    const res = await request(charla.app).get('/healthz').expect(200);
    expect(res.body).toMatchObject({ error: false, status: 200, data: { status: 'ok' } });
    expect(res.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);
  });

  it('answers /readyz when the SQLite file is reachable', async () => {
    const res = await request(charla.app).get('/readyz').expect(200);
    expect(res.body.data).toEqual({ ready: true });
    expect(fs.existsSync(path.join(dir, 'charla.sqlite'))).toBe(true);
  });

  it('answers unknown API routes with a 404 envelope', async () => {
    const res = await request(charla.app).get('/api/v1/nope').expect(404);
    expect(res.body).toMatchObject({ error: true, status: 404, code: 'not_found' });
  });

  it('answers malformed JSON with a 400, not a 500', async () => {
    const res = await request(charla.app)
      .post('/api/v1/anything')
      .set('Content-Type', 'application/json')
      .send('{"broken": ')
      .expect(400);
    expect(res.body).toMatchObject({ error: true, status: 400, code: 'bad_request' });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts/);
  });

  it('answers an oversized body with a 413', async () => {
    const res = await request(charla.app)
      .post('/api/v1/anything')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ text: 'x'.repeat(100_000) }))
      .expect(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('allows the desktop renderer origin and refuses foreign origins (CORS)', async () => {
    const ok = await request(charla.app)
      .options('/api/v1/auth/me')
      .set('Origin', 'app://charla')
      .set('Access-Control-Request-Method', 'GET');
    expect(ok.headers['access-control-allow-origin']).toBe('app://charla');
    const evil = await request(charla.app)
      .options('/api/v1/auth/me')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('does not force HTTPS on a plain-HTTP deployment', async () => {
    const res = await request(charla.app).get('/healthz');
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });
});
