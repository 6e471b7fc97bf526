import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../platform/errors.ts';
import { Outbox, type OutboxEntry } from './outbox.ts';

let n = 0;
const fresh = () => new Outbox(`outbox-test-${++n}`);
const draft = (id: string, createdAt: string) => ({
  clientMsgId: id,
  conversationId: 'c1',
  text: id,
  mentions: [],
  attachments: [],
  createdAt,
});

describe('outbox', () => {
  it('persists entries across instances (reloads) and sends them in creation order', async () => {
    const name = `outbox-persist-${++n}`;
    const first = new Outbox(name);
    await first.add(draft('b', '2026-01-01T00:00:02.000Z'));
    await first.add(draft('a', '2026-01-01T00:00:01.000Z'));
    await first.close();

    const again = new Outbox(name);
    const sent: string[] = [];
    await again.flush(async (e) => {
      sent.push(e.clientMsgId);
      return { id: e.clientMsgId };
    });
    expect(sent).toEqual(['a', 'b']);
    expect(await again.all()).toEqual([]);
  });

  it('keeps an entry pending on a network failure and stops, then sends it exactly once later', async () => {
    const box = fresh();
    await box.add(draft('a', '2026-01-01T00:00:01.000Z'));
    await box.add(draft('b', '2026-01-01T00:00:02.000Z'));
    const offline = vi.fn(async () => {
      throw new ApiError('network', 0, 'offline');
    });
    await box.flush(offline);
    expect(offline).toHaveBeenCalledTimes(1);
    expect((await box.all()).map((e) => [e.clientMsgId, e.status])).toEqual([
      ['a', 'pending'],
      ['b', 'pending'],
    ]);
    const delivered: string[] = [];
    await box.flush(async (e) => delivered.push(e.clientMsgId));
    await box.flush(async (e) => delivered.push(e.clientMsgId));
    expect(delivered).toEqual(['a', 'b']);
  });

  it('keeps an entry pending while the server database is unavailable and retries after Retry-After', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const box = fresh();
      await box.add(draft('a', '2026-01-01T00:00:01.000Z'));
      let down = true;
      const sent: string[] = [];
      const send = vi.fn(async (e: OutboxEntry) => {
        if (down) throw new ApiError('unavailable', 503, 'database down', undefined, 3);
        sent.push(e.clientMsgId);
      });
      await box.flush(send);
      expect(await box.all()).toMatchObject([{ clientMsgId: 'a', status: 'pending', error: 'unavailable' }]);
      down = false;
      await vi.advanceTimersByTimeAsync(2_900);
      expect(sent).toEqual([]);
      await vi.advanceTimersByTimeAsync(200);
      await vi.waitFor(async () => expect(await box.all()).toEqual([]));
      expect(sent).toEqual(['a']);
      await box.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('marks an entry the server refused as failed, skips it, and retries it on demand', async () => {
    const box = fresh();
    await box.add(draft('bad', '2026-01-01T00:00:01.000Z'));
    await box.add(draft('good', '2026-01-01T00:00:02.000Z'));
    const sent: string[] = [];
    await box.flush(async (e) => {
      if (e.clientMsgId === 'bad') throw new ApiError('forbidden', 403, 'no');
      sent.push(e.clientMsgId);
    });
    expect(sent).toEqual(['good']);
    expect(await box.all()).toMatchObject([{ clientMsgId: 'bad', status: 'failed', error: 'forbidden' }]);
    await box.flush(async (e) => sent.push(e.clientMsgId));
    expect(sent).toEqual(['good']);
    await box.retry('bad');
    await box.flush(async (e) => sent.push(e.clientMsgId));
    expect(sent).toEqual(['good', 'bad']);
  });

  it('is single-flight: concurrent flushes never send an entry twice', async () => {
    const box = fresh();
    await box.add(draft('a', '2026-01-01T00:00:01.000Z'));
    const calls: string[] = [];
    let release: () => void = () => undefined;
    const slow = (e: OutboxEntry) =>
      new Promise<void>((resolve) => {
        calls.push(e.clientMsgId);
        release = resolve;
      });
    const one = box.flush(slow);
    const two = box.flush(slow);
    await vi.waitFor(() => expect(calls).toEqual(['a']));
    release();
    await Promise.all([one, two]);
    expect(calls).toEqual(['a']);
  });

  it('reopens after close(), as a React StrictMode remount does', async () => {
    const box = fresh();
    await box.add(draft('a', '2026-01-01T00:00:01.000Z'));
    await box.close();
    await box.add(draft('b', '2026-01-01T00:00:02.000Z'));
    expect((await box.all()).map((e) => e.clientMsgId)).toEqual(['a', 'b']);
  });

  it('tells subscribers about every change', async () => {
    const box = fresh();
    const seen: number[] = [];
    box.subscribe((entries) => seen.push(entries.length));
    await box.add(draft('a', '2026-01-01T00:00:01.000Z'));
    await box.remove('a');
    await vi.waitFor(() => expect(seen.slice(-2)).toEqual([1, 0]));
  });
});
