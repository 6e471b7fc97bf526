import { serverConfigSchema } from '@charla/shared-types';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';

describe('GET /config', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { MEDIA_MAX_BYTES: String(3 * 1024 * 1024) } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('tells any client, signed in or not, the upload limit it checks before sending', async () => {
    const res = await request(t.app).get('/api/v1/config').expect(200);
    expect(serverConfigSchema.parse(res.body.data)).toEqual({
      media: { maxBytes: 3 * 1024 * 1024 },
      // The base of shareable links (a public channel's page): the web client's address.
      webUrl: 'http://charla.test',
    });
  });
});
