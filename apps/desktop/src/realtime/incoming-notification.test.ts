import { describe, expect, it } from 'vitest';
import { message, participant, summary } from '../api/test-fixtures.ts';
import { incomingNotification } from './incoming-notification.ts';

const now = Date.parse('2026-06-01T00:00:00.000Z');

describe('the renderer tells the host the facts the notification policy needs', () => {
  it('a direct message: peer name as title, its text, not mentioned, not muted', () => {
    const r = incomingNotification(message({ seq: 2, text: 'hi' }), {
      meId: 'me',
      conversation: summary({ id: 'c1' }),
      now,
    });
    expect(r).toEqual({ tag: 'c1', title: 'Ben', body: 'hi', conversationId: 'c1', mentioned: false, muted: false });
  });

  it('muted until a future time is muted; a past mute is not', () => {
    const future = summary({ id: 'c1', me: { ...summary({ id: 'c1' }).me, mutedUntil: '2099-01-01T00:00:00.000Z' } });
    const past = summary({ id: 'c1', me: { ...summary({ id: 'c1' }).me, mutedUntil: '2026-01-01T00:00:00.000Z' } });
    expect(incomingNotification(message({ seq: 2 }), { meId: 'me', conversation: future, now }).muted).toBe(true);
    expect(incomingNotification(message({ seq: 2 }), { meId: 'me', conversation: past, now }).muted).toBe(false);
  });

  it('mentioned by the message or by the server (notifyEvenIfMuted), but not by a mention of someone else', () => {
    const c = summary({ id: 'c1' });
    expect(incomingNotification(message({ seq: 2, mentions: ['me'] }), { meId: 'me', conversation: c }).mentioned).toBe(
      true,
    );
    expect(
      incomingNotification(message({ seq: 2 }), { meId: 'me', conversation: c, notifyEvenIfMuted: ['me'] }).mentioned,
    ).toBe(true);
    expect(
      incomingNotification(message({ seq: 2, mentions: ['u9'] }), {
        meId: 'me',
        conversation: c,
        notifyEvenIfMuted: ['u9'],
      }).mentioned,
    ).toBe(false);
  });

  it('in a group: group title, sender name before the text; an attachment-only message still says something', () => {
    const group = summary({ id: 'c1', kind: 'group', title: 'Team', peer: null });
    const r = incomingNotification(message({ seq: 2, text: '', attachments: [{ id: 'a1' } as never] }), {
      meId: 'me',
      conversation: group,
      members: [participant('u2')],
    });
    expect([r.title, r.body]).toEqual(['Team', 'U2: 📎']);
  });

  it('an unknown conversation still gives a valid request', () => {
    const r = incomingNotification(message({ seq: 1, conversationId: 'zz' }), { meId: 'me', conversation: undefined });
    expect(r).toMatchObject({ title: 'Charla', tag: 'zz', muted: false });
  });
});
