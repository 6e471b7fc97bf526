import { describe, expect, it } from 'vitest';
import { isApiError } from '../platform/errors.ts';
import { type ChatSocket, request } from './socket.ts';
import { message } from './test-fixtures.ts';

/** A connected socket whose server answers every command with `answer` (or never, when undefined). */
function fakeSocket(answer: unknown, connected = true) {
  const sent: { command: string; payload: unknown }[] = [];
  const socket = {
    connected,
    timeout: () => socket,
    emit(command: string, payload: unknown, cb: (err: Error | null, ack: unknown) => void) {
      sent.push({ command, payload });
      if (answer === undefined) cb(new Error('operation has timed out'), undefined);
      else cb(null, answer);
    },
  };
  return { socket: socket as unknown as ChatSocket, sent };
}

describe('request (socket commands through the contract)', () => {
  it('resolves with ack data that matches the command’s ack schema', async () => {
    const m = message({ seq: 3 });
    const { socket, sent } = fakeSocket({ ok: true, data: m });
    await expect(request(socket, 'message:edit', { messageId: m.id, text: 'hi' })).resolves.toEqual(m);
    expect(sent).toEqual([{ command: 'message:edit', payload: { messageId: m.id, text: 'hi' } }]);
  });

  it('rejects an ack whose data breaks the contract with bad_response', async () => {
    const { socket } = fakeSocket({ ok: true, data: { id: 'm1' } });
    const err = await request(socket, 'message:send', { conversationId: 'c1', clientMsgId: 'c:1', text: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(isApiError(err, 'bad_response')).toBe(true);
  });

  it('rejects with the server’s code, and with network when offline or unanswered', async () => {
    const refused = fakeSocket({ ok: false, error: { code: 'not_found', message: 'Message not found' } });
    const e1 = await request(refused.socket, 'message:react', { messageId: 'm', emoji: '👍', on: true }).catch(
      (e: unknown) => e,
    );
    expect(isApiError(e1, 'not_found')).toBe(true);
    const offline = fakeSocket({ ok: true, data: null }, false);
    const e2 = await request(offline.socket, 'typing:stop', { conversationId: 'c1' }).catch((e: unknown) => e);
    expect(isApiError(e2, 'network')).toBe(true);
    expect(offline.sent).toEqual([]);
    const silent = fakeSocket(undefined);
    const e3 = await request(silent.socket, 'typing:stop', { conversationId: 'c1' }).catch((e: unknown) => e);
    expect(isApiError(e3, 'network')).toBe(true);
  });
});
