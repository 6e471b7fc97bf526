import { describe, expect, it } from 'vitest';
import { formatLine } from './logger.pretty.ts';

describe('development log lines', () => {
  it('says a request in one short line, without headers', () => {
    const log = {
      level: 30,
      msg: 'request completed',
      req: { method: 'GET', url: '/api/v1/conversations?limit=100', headers: { 'user-agent': 'x' } },
      res: { statusCode: 200 },
      responseTime: 4,
    };
    expect(formatLine(log, 'msg')).toBe('GET /api/v1/conversations?limit=100 200 4 ms');
    expect(formatLine({ ...log, msg: 'request aborted' }, 'msg')).toBe(
      'GET /api/v1/conversations?limit=100 200 4 ms (client went away)',
    );
  });

  it('keeps the stack of a real error and the link of a mail', () => {
    const err = { message: 'boom', stack: 'Error: boom\n    at x' };
    expect(formatLine({ level: 50, msg: 'unhandled error', err }, 'msg')).toBe(
      'unhandled error: boom\nError: boom\n    at x',
    );
    expect(formatLine({ level: 40, msg: 'redis error', err }, 'msg')).toBe('redis error: boom');
    expect(
      formatLine(
        { level: 30, msg: 'mail written to outbox', to: 'a@b.c', link: 'http://x/verify-email?token=t' },
        'msg',
      ),
    ).toBe('mail written to outbox: a@b.c http://x/verify-email?token=t');
  });
});
