import { randomUUID } from 'node:crypto';
import { createMlsEngine, fromBase64, type GroupRecord, type LocalMessage, toBase64, utf8 } from '@charla/e2ee';
import { type E2eeLogPage, e2eePaths } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../chat.ts';
import { startTestApp, type TestApp } from '../harness.ts';
import { createEncrypted, type Device, device, liveSocket, notes, person, syncAll, texts } from './e2ee-support.ts';

/*
 * Two and three real clients against the real server: encrypted direct chats and groups, messages,
 * reactions, edits, deletes, members joining and leaving, a second device, racing commits, and the
 * refusals (tampered, replayed, old epoch). The clients are the ones the UI runs.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const byText = async (d: Device, conversationId: string, text: string): Promise<LocalMessage> => {
  const m = (await d.client.history(conversationId)).find((r) => r.kind === 'message' && r.text === text);
  if (m?.kind !== 'message') throw new Error(`no "${text}" on ${d.person.username}'s device`);
  return m;
};

describe('encrypted direct chat, two clients', () => {
  it('exchanges messages, replies, reactions, edits and deletes; both devices converge', async () => {
    const alice = await device(t, await person(t));
    const bob = await device(t, await person(t));
    const id = await createEncrypted(alice.person, { kind: 'direct', userId: bob.person.id });
    expect(await alice.client.reconcile(id)).toBe(true);
    await alice.client.send(id, { t: 'text', text: 'hello bob' });
    await syncAll(id, [bob]);
    expect(texts(await bob.client.history(id))).toEqual(['hello bob']);

    const hello = await byText(bob, id, 'hello bob');
    expect(hello).toMatchObject({ senderId: alice.person.id, senderDeviceId: alice.client.deviceId });
    await bob.client.send(id, {
      t: 'text',
      text: 'hi alice',
      replyTo: { id: hello.id, senderId: hello.senderId, text: 'hello bob' },
    });
    await bob.client.send(id, { t: 'react', target: hello.id, emoji: '👍', on: true });
    await alice.client.send(id, { t: 'edit', target: hello.id, text: 'hello bob (edited)' });
    await syncAll(id, [alice, bob]);
    const atBob = await byText(bob, id, 'hello bob (edited)');
    const atAlice = await byText(alice, id, 'hello bob (edited)');
    expect(atAlice.reactions).toEqual([{ emoji: '👍', userIds: [bob.person.id] }]);
    expect(atBob.editedAt).not.toBeNull();
    expect((await byText(alice, id, 'hi alice')).replyTo).toMatchObject({ id: hello.id });

    // Bob cannot edit or delete Alice's message; Alice deletes hers for everyone.
    await bob.client.send(id, { t: 'delete', target: hello.id });
    await syncAll(id, [alice]);
    expect(texts(await alice.client.history(id))).toContain('hello bob (edited)');
    await alice.client.send(id, { t: 'delete', target: hello.id });
    await syncAll(id, [bob]);
    expect(texts(await bob.client.history(id))).toEqual(['hi alice']);
    expect(texts(await alice.client.history(id))).toEqual(['hi alice']);
    // Local search runs over the device's own decrypted store.
    expect((await bob.client.search(id, 'ALICE')).map((m) => m.text)).toEqual(['hi alice']);
  });

  it('delivers through socket events alone (the way the web client runs)', async () => {
    const alice = await device(t, await person(t));
    const bob = await device(t, await person(t));
    const live = await liveSocket(t, bob);
    try {
      const id = await createEncrypted(alice.person, { kind: 'direct', userId: bob.person.id });
      await alice.client.reconcile(id);
      await alice.client.send(id, { t: 'text', text: 'pushed to you' });
      await eventually(async () => expect(texts(await bob.client.history(id))).toEqual(['pushed to you']));
    } finally {
      live.socket.close();
    }
  });

  it('a device whose Welcome event went unheard joins when it opens the chat (reconcile)', async () => {
    const alice = await device(t, await person(t));
    const bob = await device(t, await person(t));
    const id = await createEncrypted(alice.person, { kind: 'direct', userId: bob.person.id });
    expect(await alice.client.reconcile(id)).toBe(true);
    await alice.client.send(id, { t: 'text', text: 'did you get my welcome?' });
    // Bob's device never handled the e2ee:welcome event (it came before his listeners were attached).
    expect(await bob.client.status(id)).toBe('none');
    expect(await bob.client.reconcile(id)).toBe(true);
    expect(await bob.client.status(id)).toBe('member');
    await bob.client.sync(id);
    expect(texts(await bob.client.history(id))).toEqual(['did you get my welcome?']);
  });
});

describe('encrypted groups, three clients', () => {
  it('adds and removes members; a newcomer sees only what follows; a removed member reads nothing newer', async () => {
    const [a, b, c, d] = [await person(t), await person(t), await person(t), await person(t)];
    const alice = await device(t, a);
    const bob = await device(t, b);
    const carol = await device(t, c);
    const id = await createEncrypted(a, { kind: 'group', title: 'Trio', memberIds: [b.id, c.id] });
    await alice.client.reconcile(id);
    await alice.client.send(id, { t: 'text', text: 'before dave' });
    await syncAll(id, [bob, carol]);
    expect(texts(await carol.client.history(id))).toEqual(['before dave']);

    // Dave joins: any member's device adds his devices.
    const dave = await device(t, d);
    expect((await a.rest.post(`/conversations/${id}/participants`, { userIds: [d.id] })).status).toBe(201);
    await bob.client.reconcile(id);
    await syncAll(id, [alice, carol, dave]);
    await carol.client.send(id, { t: 'text', text: 'welcome dave' });
    await syncAll(id, [alice, bob, dave]);
    const daveView = await dave.client.history(id);
    expect(texts(daveView)).toEqual(['welcome dave']);
    expect(notes(daveView)).toContain('joined_here');
    expect(texts(await alice.client.history(id))).toEqual(['before dave', 'welcome dave']);

    // Carol is removed: her devices leave the group before anything else is accepted.
    expect(texts(await carol.client.history(id))).toEqual(['before dave', 'welcome dave']);
    expect((await a.rest.del(`/conversations/${id}/participants/${c.id}`)).status).toBe(200);
    await alice.client.send(id, { t: 'text', text: 'after carol left' }); // reconciles first (group_out_of_date)
    await syncAll(id, [bob, dave]);
    expect(texts(await bob.client.history(id))).toEqual(['before dave', 'welcome dave', 'after carol left']);
    expect(texts(await dave.client.history(id))).toEqual(['welcome dave', 'after carol left']);
    // Carol's own client can no longer fetch the log, and her last state cannot decrypt the new message.
    await expect(carol.client.sync(id)).rejects.toMatchObject({ status: 404 });
    const log = await a.rest.get<E2eeLogPage>(`${e2eePaths.messages(id)}?after=0`);
    const last = log.body.data.items.at(-1);
    expect(last?.kind).toBe('application');
    const engine = createMlsEngine({ directory: { verify: async () => true } });
    const storedCarol = await readGroup(carol, id);
    const oldGroup = await engine.decodeGroup(storedCarol.state);
    await expect(engine.process(oldGroup, fromBase64(last?.data ?? ''))).rejects.toMatchObject({
      code: 'unknown_epoch',
    });
  });

  it('two members add the same new device at once: one commit wins, the other rebases; all agree', async () => {
    const [a, b, c] = [await person(t), await person(t), await person(t)];
    const alice = await device(t, a);
    const bob = await device(t, b);
    const id = await createEncrypted(a, { kind: 'group', title: 'Race', memberIds: [b.id, c.id] });
    await alice.client.reconcile(id);
    await syncAll(id, [bob]);
    const carol = await device(t, c);
    const [ra, rb] = await Promise.all([alice.client.reconcile(id), bob.client.reconcile(id)]);
    expect([ra, rb]).toEqual([true, true]);
    await syncAll(id, [alice, bob, carol]);
    const epochs = await Promise.all([alice, bob, carol].map(async (x) => (await readGroup(x, id)).epoch));
    expect(new Set(epochs).size).toBe(1);
    await carol.client.send(id, { t: 'text', text: 'carol is in' });
    await syncAll(id, [alice, bob]);
    expect(texts(await alice.client.history(id))).toEqual(['carol is in']);
    expect(texts(await bob.client.history(id))).toEqual(['carol is in']);
    const log = await a.rest.get<E2eeLogPage>(`${e2eePaths.messages(id)}?after=0`);
    expect(log.body.data.items.filter((m) => m.kind === 'commit').map((m) => m.epoch)).toEqual([0, 1]);
  });

  it('a second device of a member is added by another device and sees messages from then on', async () => {
    const [a, b] = [await person(t), await person(t)];
    const alice1 = await device(t, a, 'Alice laptop');
    const bob = await device(t, b);
    const id = await createEncrypted(a, { kind: 'group', title: 'Devices', memberIds: [b.id] });
    await alice1.client.reconcile(id);
    await bob.client.processWelcomes();
    await bob.client.send(id, { t: 'text', text: 'old news' });
    const live = await liveSocket(t, alice1);
    try {
      // The new device registers; the server tells members to reconcile; Alice's laptop adds it.
      const alice2 = await device(t, a, 'Alice phone');
      await eventually(async () => expect(await alice2.client.processWelcomes()).toContain(id), 8000);
      await bob.client.send(id, { t: 'text', text: 'fresh news' });
      await syncAll(id, [alice1, alice2]);
      const phone = await alice2.client.history(id);
      expect(texts(phone)).toEqual(['fresh news']);
      expect(notes(phone)).toContain('joined_here');
      expect(texts(await alice1.client.history(id))).toEqual(['old news', 'fresh news']);
      // Bob is told that Alice's devices changed (her safety code changed).
      await syncAll(id, [bob]);
      expect(notes(await bob.client.history(id))).toContain('devices_changed');
      // Messages from the phone reach the laptop (another leaf of the same user).
      await alice2.client.send(id, { t: 'text', text: 'from my phone' });
      await syncAll(id, [alice1, bob]);
      expect(texts(await alice1.client.history(id))).toContain('from my phone');
    } finally {
      live.socket.close();
    }
  });
});

describe('refusals', () => {
  it('tampered ciphertext is shown as undecryptable and the chat goes on; replays and old epochs are refused', async () => {
    const [a, b] = [await person(t), await person(t)];
    const alice = await device(t, a);
    const bob = await device(t, b);
    const id = await createEncrypted(a, { kind: 'direct', userId: b.id });
    await alice.client.reconcile(id);
    await alice.client.send(id, { t: 'text', text: 'genuine' });
    const log = await a.rest.get<E2eeLogPage>(`${e2eePaths.messages(id)}?after=0`);
    const genuine = log.body.data.items.at(-1);
    if (!genuine?.frankingTag) throw new Error('no message');

    // A replay of the same ciphertext is refused by the server.
    const replay = await a.rest.post(e2eePaths.messages(id), {
      deviceId: alice.client.deviceId,
      epoch: genuine.epoch,
      ciphertext: genuine.data,
      frankingTag: genuine.frankingTag,
      clientMsgId: randomUUID(),
    });
    expect(replay).toMatchObject({ status: 409, body: { code: 'conflict' } });

    // A fresh message from Alice's state with one byte flipped inside the encrypted part: the framing
    // is still valid (the server cannot tell), the receiver refuses it and is not thrown off.
    const engine = createMlsEngine({ directory: { verify: async () => true } });
    const aliceState = await engine.decodeGroup((await readGroup(alice, id)).state);
    const tag = new Uint8Array(32).fill(9);
    const fresh = await engine.encrypt(aliceState, utf8('tampered in flight'), tag);
    const bytes = fresh.message;
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0x40;
    const tampered = await a.rest.post(e2eePaths.messages(id), {
      deviceId: alice.client.deviceId,
      epoch: genuine.epoch,
      ciphertext: toBase64(bytes),
      frankingTag: toBase64(tag),
      clientMsgId: randomUUID(),
    });
    expect(tampered.status).toBe(201);
    await alice.client.send(id, { t: 'text', text: 'after the bad one' });
    await syncAll(id, [bob]);
    const view = await bob.client.history(id);
    expect(texts(view)).toEqual(['genuine', 'after the bad one']);
    const bad = view.find((r) => r.kind === 'note' && r.note === 'undecryptable');
    expect(bad).toMatchObject({ detail: 'tampered' });

    // A commit for an old epoch.
    const oldCommit = log.body.data.items.find((m) => m.kind === 'commit');
    const stale = await a.rest.post(e2eePaths.commits(id), {
      deviceId: alice.client.deviceId,
      epoch: oldCommit?.epoch ?? 0,
      commit: oldCommit?.data ?? '',
    });
    expect(stale).toMatchObject({ status: 409, body: { code: 'stale_epoch' } });
  });

  it('a KeyPackage is never used twice: a Welcome replayed to a device is refused', async () => {
    const [a, b] = [await person(t), await person(t)];
    const alice = await device(t, a);
    const bob = await device(t, b);
    const id = await createEncrypted(a, { kind: 'direct', userId: b.id });
    await alice.client.reconcile(id);
    const pending = await b.rest.get<{ welcome: string }[]>(`${e2eePaths.welcomes}?deviceId=${bob.client.deviceId}`);
    const welcome = pending.body.data[0]?.welcome ?? '';
    expect(await bob.client.processWelcomes()).toEqual([id]);
    // The one-time KeyPackage's private keys are gone after the join: the same Welcome (a server
    // replaying it) cannot be used again.
    const engine = createMlsEngine({ directory: { verify: async () => true } });
    const find = async (ref: string) =>
      (await bob.store.get<{ privateKeys: Uint8Array }>(`kp/${ref}`))?.privateKeys ?? null;
    await expect(engine.join(fromBase64(welcome), find)).rejects.toMatchObject({ code: 'key_package_used' });
  });
});

/** The device's stored group record; on disk it is ciphertext. */
async function readGroup(d: Device, conversationId: string): Promise<GroupRecord> {
  const raw = await d.raw.get(`g/${conversationId}`);
  expect(raw && new TextDecoder().decode(raw)).not.toContain('epoch');
  const rec = await d.client.groupRecord(conversationId);
  if (!rec) throw new Error('no group');
  return rec;
}
