import type { Media } from '@charla/shared-types';
import { authHeader } from '../../../test/harness.ts';
import { multipartBody } from './media.fixtures.ts';

export type Envelope<T> = { error: boolean; status: number; message: string; code?: string; data?: T };

export async function upload(
  api: string,
  token: string,
  fileName: string,
  bytes: Buffer,
  options: { path?: string; method?: string; contentType?: string } = {},
): Promise<{ status: number; body: Envelope<Media> }> {
  const { body, contentType } = multipartBody(fileName, bytes, { contentType: options.contentType });
  const res = await fetch(`${api}${options.path ?? '/media'}`, {
    method: options.method ?? 'POST',
    headers: { ...authHeader(token), 'content-type': contentType },
    body,
  });
  return { status: res.status, body: (await res.json()) as Envelope<Media> };
}

export async function uploadOk(
  api: string,
  token: string,
  fileName: string,
  bytes: Buffer,
  options: { contentType?: string } = {},
): Promise<Media> {
  const r = await upload(api, token, fileName, bytes, options);
  if (r.status !== 201 || !r.body.data) throw new Error(`upload failed: ${r.status} ${r.body.message}`);
  return r.body.data;
}

/** DTO urls are absolute under PUBLIC_URL (http://charla.test in tests): re-aim them at the test server. */
export const local = (url: string, base: string) => url.replace(/^https?:\/\/[^/]+/, base);

export async function postJson<T>(
  url: string,
  token: string,
  body: unknown,
  method = 'POST',
): Promise<{ status: number; body: Envelope<T> }> {
  const res = await fetch(url, {
    method,
    headers: { ...authHeader(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Envelope<T> };
}
