/**
 * Bodies that break below the JSON layer: compressed bodies that do not decompress, encodings and
 * charsets we do not speak, compression bombs, broken multipart (issue 21 defect 10). Each must be
 * a 4xx in the envelope and must not be logged as a server error: a client's mistake (or an
 * attacker's flood of them) is not the operator's problem and must not bury real errors.
 */
import { Writable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import * as S from '@charla/shared-types';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makePdf, multipartBody } from '../../src/modules/media/media.fixtures.ts';
import { authHeader, type RegisteredUser, registerUser, startTestApp, type TestApp } from '../harness.ts';

type LogLine = { level: number; msg: string };

describe('malformed request bodies get a 4xx envelope and no error log', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });

  beforeAll(async () => {
    t = await startTestApp({ logger: pino({ level: 'warn' }, sink) });
    ana = await registerUser(t);
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => {
    logs.length = 0;
  });

  const json = JSON.stringify({ login: 'nobody@example.com', password: 'wrong password here', client: 'desktop' });
  const valid = Buffer.from(json);
  const garbage = Buffer.from('this is not compressed at all, just text pretending');

  async function post(path: string, body: Uint8Array, headers: Record<string, string>) {
    const res = await fetch(`${t.api}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, text, envelope: JSON.parse(text) as { error: boolean; status: number; code: string } };
  }

  /** The 4xx envelope with a known code, and nothing logged at error level or above. */
  async function expectRefused(
    status: number,
    body: Uint8Array,
    headers: Record<string, string>,
    path = '/auth/login',
  ) {
    const res = await post(path, body, headers);
    expect(res.status, res.text).toBe(status);
    expect(res.envelope).toMatchObject({ error: true, status });
    expect(S.errorCodes).toContain(res.envelope.code);
    expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(logs.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
  }

  it('a body labelled gzip, deflate or br that does not decompress is a 400 (issue 21 #10)', async () => {
    for (const encoding of ['gzip', 'deflate', 'br', 'GZIP'])
      await expectRefused(400, garbage, { 'content-type': 'application/json', 'content-encoding': encoding });
  });

  it('a truncated gzip body is a 400', async () => {
    const cut = gzipSync(valid).subarray(0, 20);
    await expectRefused(400, cut, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  });

  it('an encoding or charset the server does not speak is a 415', async () => {
    await expectRefused(415, valid, { 'content-type': 'application/json', 'content-encoding': 'compress' });
    await expectRefused(415, valid, { 'content-type': 'application/json', 'content-encoding': 'gzip, snappy' });
    await expectRefused(415, valid, { 'content-type': 'application/json', 'content-encoding': 'x-gzip' });
    await expectRefused(415, valid, { 'content-type': 'application/json; charset=klingon' });
  });

  it('a compression bomb stops at the body limit: 413', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expectRefused(413, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  });

  it('well-formed compressed JSON still works', async () => {
    for (const [encoding, body] of [
      ['gzip', gzipSync(valid)],
      ['deflate', deflateSync(valid)],
      ['br', brotliCompressSync(valid)],
    ] as const) {
      const res = await post('/auth/login', body, { 'content-type': 'application/json', 'content-encoding': encoding });
      // Parsed and answered by the route: wrong credentials, not a transport error.
      expect(res.status, `${encoding}: ${res.text}`).toBe(401);
    }
  });

  it('uploads: a compressed or broken multipart body is a 4xx, never a 500', async () => {
    const { body, contentType } = multipartBody('doc.pdf', makePdf(), { contentType: 'application/pdf' });
    const auth = authHeader(ana.accessToken);
    await expectRefused(
      415,
      gzipSync(body),
      { ...auth, 'content-type': contentType, 'content-encoding': 'gzip' },
      '/media',
    );
    await expectRefused(400, body.subarray(0, body.length - 30), { ...auth, 'content-type': contentType }, '/media');
    await expectRefused(400, body, { ...auth, 'content-type': 'multipart/form-data' }, '/media');
    await expectRefused(400, garbage, { ...auth, 'content-type': `${contentType}; charset=klingon` }, '/media');
  });
});
