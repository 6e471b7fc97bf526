import { PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { errorHandler, toAppError } from './error-handler.ts';

/** What http-errors (body-parser, serve-static) makes: the error with a status attached. */
const createError = (status: number, err: Error | string) =>
  Object.assign(typeof err === 'string' ? new Error(err) : err, { status, statusCode: status, expose: status < 500 });

/** zlib's own error for bytes that are not gzip, as body-parser sees it. */
function zlibError(): Promise<Error> {
  return new Promise((resolve) => {
    const gunzip = createGunzip();
    gunzip.on('error', resolve);
    const source = new PassThrough();
    source.pipe(gunzip);
    source.end(Buffer.from('not gzip at all'));
  });
}

describe("toAppError: plumbing errors are the client's, never a 500 (issue 21 #10)", () => {
  it('maps a zlib error wrapped by http-errors (no `type`) to 400', async () => {
    const err = createError(400, await zlibError());
    expect(toAppError(err)).toMatchObject({ status: 400, code: 'bad_request' });
    expect(toAppError(err)?.message).toMatch(/Content-Encoding/);
  });

  it('keeps 413 and 415 from status or statusCode, and turns other 4xx into 400', () => {
    expect(toAppError(createError(413, 'too big'))).toMatchObject({ status: 413 });
    expect(toAppError({ statusCode: 415, message: 'nope' })).toMatchObject({
      status: 415,
      code: 'unsupported_media_type',
    });
    expect(toAppError(createError(403, 'forbidden path'))).toMatchObject({ status: 400, code: 'bad_request' });
    expect(toAppError({ type: 'request.aborted', status: 400 })).toMatchObject({ status: 400 });
    expect(toAppError(new URIError('URI malformed'))).toMatchObject({ status: 400 });
  });

  it('leaves server-side failures alone', () => {
    expect(toAppError(createError(500, 'stream not readable'))).toBeUndefined();
    expect(toAppError(new Error('boom'))).toBeUndefined();
  });
});

describe('errorHandler', () => {
  function run(err: unknown, reqExtra: Partial<Request> = {}, headersSent = true) {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'debug' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const sent: { status?: number; ended: boolean } = { ended: false };
    const res = {
      headersSent,
      writableEnded: false,
      end() {
        sent.ended = true;
      },
      status(code: number) {
        sent.status = code;
        return this;
      },
      json() {
        sent.ended = true;
      },
      set() {},
    } as unknown as Response;
    errorHandler(logger)(err, { id: 'r1', ...reqExtra } as Request, res, (() => {}) as NextFunction);
    return { lines, sent };
  }

  it('does not log a client that went away as an error', () => {
    const gone = Object.assign(new Error('aborted'), { code: 'ECONNABORTED' });
    const { lines, sent } = run(gone);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(sent.ended).toBe(true);
  });

  it('answers a failure after the body was read (the request stream is destroyed then, the client is not)', () => {
    const { lines, sent } = run(new Error('upstream failed'), { destroyed: true } as Partial<Request>, false);
    expect(sent.status).toBe(500);
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual(['unhandled error']);
  });

  it('still logs a real failure after headers were sent', () => {
    const { lines } = run(new Error('disk exploded'));
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual(['error after headers were sent']);
  });
});
