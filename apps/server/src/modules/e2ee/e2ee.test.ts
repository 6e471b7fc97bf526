import { randomUUID } from 'node:crypto';
import {
  createMlsEngine,
  type DeviceRef,
  equalBytes,
  fromBase64,
  type KeyPackageBundle,
  type LocalDevice,
  type MlsGroup,
  toBase64,
  utf8,
} from '@charla/e2ee';
import {
  type ChangeFeed,
  type ClaimedKeyPackages,
  type CommitAccepted,
  type ConversationSummary,
  type E2eeEnvelope,
  type E2eeGroupState,
  type E2eeLogPage,
  type E2eeWelcome,
  e2eePaths,
  type HistoryPage,
  type KeyPackageStatus,
  type SearchResult,
} from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, eventually, nextEvent, type Rest, restAs } from '../../../test/chat.ts';
import { registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

/*
 * The Delivery Service over real HTTP, with real MLS blobs from the client engine: validation (4xx,
 * never 500), commit ordering per epoch, Welcomes held for the added devices, application messages only
 * from group devices in the current epoch. End-to-end flows with the full client are in e2ee.e2e.test.ts.
 */

const directory: LocalDevice[] = [];
const engine = createMlsEngine({
  directory: {
    verify: async (ref: DeviceRef, key: Uint8Array) =>
      directory.some(
        (d) => d.userId === ref.userId && d.deviceId === ref.deviceId && equalBytes(d.signaturePublicKey, key),
      ),
  },
});

type Dev = LocalDevice & { kps: Map<string, KeyPackageBundle> };
type Person = { id: string; token: string; rest: Rest; sessionId: string };

let t: TestApp;
let alice: Person;
let bob: Person;
let carol: Person;

async function person(): Promise<Person> {
  const u = await registerUser(t);
  return { id: u.user.id, token: u.accessToken, rest: restAs(t.api, u.accessToken), sessionId: u.sessionId };
}

async function newDevice(p: Person, packages = 3): Promise<Dev> {
  const keys = await engine.generateSignatureKeyPair();
  const d: Dev = {
    userId: p.id,
    deviceId: randomUUID(),
    signaturePublicKey: keys.publicKey,
    signaturePrivateKey: keys.privateKey,
    kps: new Map(),
  };
  directory.push(d);
  const kps: string[] = [];
  for (let i = 0; i < packages; i++) {
    const kp = await engine.createKeyPackage(d);
    d.kps.set(kp.ref, kp);
    kps.push(toBase64(kp.keyPackage));
  }
  const last = await engine.createKeyPackage(d);
  d.kps.set(last.ref, last);
  const res = await p.rest.post(e2eePaths.devices, {
    deviceId: d.deviceId,
    name: 'Test device',
    signatureKey: toBase64(d.signaturePublicKey),
    keyPackages: kps,
    lastResort: toBase64(last.keyPackage),
  });
  expect(res.status).toBe(201);
  return d;
}

async function encryptedGroup(owner: Person, members: Person[]): Promise<string> {
  const res = await owner.rest.post<ConversationSummary>('/conversations', {
    kind: 'group',
    title: 'Secret plans',
    memberIds: members.map((m) => m.id),
    encrypted: true,
  });
  expect(res.status).toBe(201);
  return res.body.data.id;
}

async function claim(p: Person, conversationId: string, devices: Dev[]) {
  const res = await p.rest.post<ClaimedKeyPackages>(e2eePaths.claim(conversationId), {
    deviceIds: devices.map((d) => d.deviceId),
  });
  expect(res.status).toBe(200);
  return res.body.data;
}

/** Creates the MLS group from `creator`'s device adding `devices`; returns the creator's state. */
async function bootstrap(
  creator: Person,
  creatorDevice: Dev,
  conversationId: string,
  devices: Dev[],
): Promise<{ group: MlsGroup; welcome: Uint8Array | null }> {
  const claimed = await claim(creator, conversationId, devices);
  const g0 = await engine.createGroup(creatorDevice, conversationId);
  const c = await engine.commit(g0, {
    add: claimed.keyPackages.map((k) => ({
      ref: { userId: k.userId, deviceId: k.deviceId },
      keyPackage: fromBase64(k.keyPackage),
    })),
  });
  const res = await creator.rest.post<CommitAccepted>(e2eePaths.commits(conversationId), {
    deviceId: creatorDevice.deviceId,
    epoch: 0,
    commit: toBase64(c.commit),
    welcome: c.welcome ? toBase64(c.welcome) : null,
    adds: claimed.keyPackages.map((k) => k.deviceId),
  });
  expect(res.status).toBe(201);
  return { group: c.group, welcome: c.welcome };
}

async function send(p: Person, d: Dev, conversationId: string, g: MlsGroup, text: string, tag = new Uint8Array(32)) {
  const m = await engine.encrypt(g, utf8(text), tag);
  const res = await p.rest.post<E2eeEnvelope>(e2eePaths.messages(conversationId), {
    deviceId: d.deviceId,
    epoch: engine.epoch(g),
    ciphertext: toBase64(m.message),
    frankingTag: toBase64(tag),
    clientMsgId: randomUUID(),
  });
  return { res, group: m.group, bytes: m.message };
}

beforeAll(async () => {
  t = await startTestApp();
  [alice, bob, carol] = [await person(), await person(), await person()];
});
afterAll(async () => {
  await t.close();
});

describe('encrypted conversations (server side)', () => {
  it('is chosen at creation for direct chats and groups, never channels, and cannot be turned off', async () => {
    const direct = await alice.rest.post<ConversationSummary>('/conversations', {
      kind: 'direct',
      userId: bob.id,
      encrypted: true,
    });
    expect(direct.status).toBe(201);
    expect(direct.body.data).toMatchObject({ kind: 'direct', encrypted: true, historyForNewcomers: false });
    const plain = await alice.rest.post<ConversationSummary>('/conversations', { kind: 'direct', userId: bob.id });
    expect(plain.body.data.encrypted).toBe(false);
    expect(plain.body.data.id).not.toBe(direct.body.data.id);
    const history = await alice.rest.get<HistoryPage>(`/conversations/${direct.body.data.id}/messages`);
    expect(history.body.data.items.map((m) => m.system?.type)).toEqual(['e2ee_enabled']);

    const channel = await alice.rest.post('/conversations', { kind: 'channel', title: 'News', encrypted: true });
    expect(channel.status).toBe(400);
    const groupId = await encryptedGroup(alice, [bob]);
    const patch = await alice.rest.patch(`/conversations/${groupId}`, { historyForNewcomers: true });
    expect(patch.status).toBe(400);
    const g = await alice.rest.get<ConversationSummary>(`/conversations/${groupId}`);
    expect(g.body.data).toMatchObject({ encrypted: true, historyForNewcomers: false });
    const lines = await alice.rest.get<HistoryPage>(`/conversations/${groupId}/messages`);
    expect(lines.body.data.items.map((m) => m.system?.type)).toEqual(['created', 'e2ee_enabled']);
  });

  it('refuses plain-text writes in encrypted conversations; server search returns nothing there', async () => {
    const id = await encryptedGroup(alice, [bob]);
    const sent = await alice.rest.post(`/conversations/${id}/messages`, { clientMsgId: randomUUID(), text: 'oops' });
    expect(sent).toMatchObject({ status: 409, body: { code: 'encrypted_conversation' } });
    const search = await alice.rest.get<SearchResult>(`/search/messages?q=created&conversationId=${id}`);
    expect(search.status).toBe(200);
    expect(search.body.data.items).toEqual([]);
    const systemLine = (await alice.rest.get<HistoryPage>(`/conversations/${id}/messages`)).body.data.items[0];
    const react = await alice.rest.put(`/messages/${systemLine?.id}/reactions/${encodeURIComponent('👍')}`);
    expect(react).toMatchObject({ status: 409, body: { code: 'encrypted_conversation' } });
    // Plain conversations are unaffected.
    const plain = await alice.rest.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Open' });
    const ok = await alice.rest.post(`/conversations/${plain.body.data.id}/messages`, {
      clientMsgId: randomUUID(),
      text: 'hello',
    });
    expect(ok.status).toBe(201);
  });
});

describe('devices and KeyPackages', () => {
  it('registers a device; bad keys, foreign or malformed KeyPackages and oversize blobs are 4xx', async () => {
    const d = await newDevice(alice, 2);
    const status = await alice.rest.get<KeyPackageStatus>(e2eePaths.keyPackages(d.deviceId));
    expect(status.body.data).toEqual({ available: 2, lastResort: true });
    const mine = await alice.rest.get<{ id: string }[]>(e2eePaths.myDevices);
    expect(mine.body.data.map((x) => x.id)).toContain(d.deviceId);

    const again = await alice.rest.post(e2eePaths.devices, {
      deviceId: d.deviceId,
      name: 'Copy',
      signatureKey: toBase64(d.signaturePublicKey),
    });
    expect(again.status).toBe(409);
    const badKey = await alice.rest.post(e2eePaths.devices, {
      deviceId: randomUUID(),
      name: 'x',
      signatureKey: 'not base64!',
    });
    expect(badKey.status).toBe(400);

    // Bob's KeyPackage uploaded to Alice's device: refused.
    const bobDevice = await newDevice(bob, 0);
    const foreign = await engine.createKeyPackage(bobDevice);
    const wrong = await alice.rest.post(e2eePaths.keyPackages(d.deviceId), {
      keyPackages: [toBase64(foreign.keyPackage)],
    });
    expect(wrong).toMatchObject({ status: 422, body: { code: 'unprocessable' } });
    const garbage = await alice.rest.post(e2eePaths.keyPackages(d.deviceId), {
      keyPackages: [toBase64(utf8('hello'))],
    });
    expect(garbage.status).toBe(400);
    const huge = await alice.rest.post(e2eePaths.keyPackages(d.deviceId), {
      keyPackages: [toBase64(new Uint8Array(17 * 1024))],
    });
    expect(huge.status).toBe(413);
    const tooBig = await fetch(`${t.api}${e2eePaths.keyPackages(d.deviceId)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ keyPackages: ['A'.repeat(4 * 1024 * 1024)] }),
    });
    expect(tooBig.status).toBe(413);
    // Someone else's device: 404.
    expect((await bob.rest.get(e2eePaths.keyPackages(d.deviceId))).status).toBe(404);
  });

  it('signing out revokes the devices that session registered', async () => {
    const u = await registerUser(t);
    const p: Person = {
      id: u.user.id,
      token: u.accessToken,
      rest: restAs(t.api, u.accessToken),
      sessionId: u.sessionId,
    };
    const d = await newDevice(p, 1);
    const out = await fetch(`${t.api}/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${u.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: u.refreshToken }),
    });
    expect(out.status).toBe(200);
    const login = await fetch(`${t.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: u.email, password: u.password, client: 'desktop' }),
    });
    const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
    await eventually(async () => {
      const mine = await restAs(t.api, token).get<{ id: string }[]>(e2eePaths.myDevices);
      expect(mine.body.data.map((x) => x.id)).not.toContain(d.deviceId);
    });
    const record = await restAs(t.api, token).get<{ revokedAt: string | null }>(e2eePaths.device(d.deviceId));
    expect(record.body.data.revokedAt).not.toBeNull();
  });

  it('hands each KeyPackage out once, only for members’ devices not yet in the group', async () => {
    const bobDevice = await newDevice(bob, 2);
    const id = await encryptedGroup(alice, [bob]);
    const outsider = await newDevice(carol, 1);
    const first = await claim(alice, id, [bobDevice, outsider]);
    expect(first.keyPackages.map((k) => k.deviceId)).toEqual([bobDevice.deviceId]);
    expect(first.unavailable).toEqual([{ deviceId: outsider.deviceId, reason: 'unknown_device' }]);
    const [a, b, c] = await Promise.all([
      claim(alice, id, [bobDevice]),
      claim(alice, id, [bobDevice]),
      claim(bob, id, [bobDevice]),
    ]);
    const all = [first, a, b, c].flatMap((r) => r.keyPackages);
    const oneTime = all.filter((k) => !k.lastResort).map((k) => k.keyPackage);
    expect(new Set(oneTime).size).toBe(oneTime.length);
    expect(oneTime).toHaveLength(2);
    expect(all.filter((k) => k.lastResort)).toHaveLength(2);
    // Not a member: 404 (the conversation's existence is not revealed).
    expect((await carol.rest.post(e2eePaths.claim(id), { deviceIds: [bobDevice.deviceId] })).status).toBe(404);
  });
});

describe('delivery: commit ordering, Welcomes, application messages', () => {
  it('orders commits per epoch (first wins, stale_epoch for the rest) and gives Welcomes to added devices only', async () => {
    const aDev = await newDevice(alice);
    const bDev = await newDevice(bob);
    const cDev = await newDevice(carol);
    const id = await encryptedGroup(alice, [bob, carol]);
    const { group: aGroup, welcome } = await bootstrap(alice, aDev, id, [bDev]);
    expect(welcome).not.toBeNull();
    const bWelcomes = await bob.rest.get<E2eeWelcome[]>(`${e2eePaths.welcomes}?deviceId=${bDev.deviceId}`);
    expect(bWelcomes.body.data).toHaveLength(1);
    expect(bWelcomes.body.data[0]).toMatchObject({ conversationId: id, epoch: 1 });
    const joined = await engine.join(
      fromBase64(bWelcomes.body.data[0]?.welcome ?? ''),
      async (ref) => bDev.kps.get(ref)?.privateKeys ?? null,
    );
    expect(engine.epoch(joined.group)).toBe(1);
    expect((await carol.rest.get<E2eeWelcome[]>(`${e2eePaths.welcomes}?deviceId=${cDev.deviceId}`)).body.data).toEqual(
      [],
    );

    // Alice and Bob both add Carol at epoch 1.
    const [ka, kb] = [await claim(alice, id, [cDev]), await claim(bob, id, [cDev])];
    const add = (k: ClaimedKeyPackages) =>
      k.keyPackages.map((x) => ({
        ref: { userId: x.userId, deviceId: x.deviceId },
        keyPackage: fromBase64(x.keyPackage),
      }));
    const ca = await engine.commit(aGroup, { add: add(ka) });
    const cb = await engine.commit(joined.group, { add: add(kb) });
    const post = (p: Person, d: Dev, c: typeof ca) =>
      p.rest.post<CommitAccepted>(e2eePaths.commits(id), {
        deviceId: d.deviceId,
        epoch: 1,
        commit: toBase64(c.commit),
        welcome: toBase64(c.welcome as Uint8Array),
        adds: [cDev.deviceId],
      });
    const results = await Promise.all([post(alice, aDev, ca), post(bob, bDev, cb)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const lost = results.find((r) => r.status === 409);
    expect(lost?.body.code).toBe('stale_epoch');
    const winnerIsAlice = results[0]?.status === 201;
    const cWelcomes = await carol.rest.get<E2eeWelcome[]>(`${e2eePaths.welcomes}?deviceId=${cDev.deviceId}`);
    expect(cWelcomes.body.data).toHaveLength(1);
    const carolGroup = await engine.join(
      fromBase64(cWelcomes.body.data[0]?.welcome ?? ''),
      async (ref) => cDev.kps.get(ref)?.privateKeys ?? null,
    );
    expect(engine.epoch(carolGroup.group)).toBe(2);
    // The held Welcome was the winner's: Carol can read the winner's next message.
    const winnerGroup = winnerIsAlice ? ca.group : cb.group;
    const m = await engine.encrypt(winnerGroup, utf8('welcome carol'), new Uint8Array(32));
    const r = await engine.process(carolGroup.group, m.message);
    expect(r.kind).toBe('application');

    // A commit for an old epoch: stale; garbage and mismatched framing: 400.
    const old = await alice.rest.post(e2eePaths.commits(id), {
      deviceId: aDev.deviceId,
      epoch: 1,
      commit: toBase64(ca.commit),
    });
    expect(old.status).toBeGreaterThanOrEqual(400);
    const empty = await engine.commit(winnerGroup, {});
    const mislabelled = await alice.rest.post(e2eePaths.commits(id), {
      deviceId: aDev.deviceId,
      epoch: 7,
      commit: toBase64(empty.commit),
    });
    expect(mislabelled.status).toBe(400);
    const junk = await alice.rest.post(e2eePaths.commits(id), {
      deviceId: aDev.deviceId,
      epoch: 2,
      commit: toBase64(utf8('definitely not MLS')),
    });
    expect(junk).toMatchObject({ status: 400, body: { code: 'bad_request' } });
    const stale = await (winnerIsAlice ? bob : alice).rest.post(e2eePaths.commits(id), {
      deviceId: (winnerIsAlice ? bDev : aDev).deviceId,
      epoch: 1,
      commit: toBase64((winnerIsAlice ? cb : ca).commit),
      welcome: toBase64((winnerIsAlice ? cb : ca).welcome as Uint8Array),
      adds: [cDev.deviceId],
    });
    expect(stale).toMatchObject({ status: 409, body: { code: 'stale_epoch' } });
    const group = await alice.rest.get<E2eeGroupState>(e2eePaths.group(id));
    expect(group.body.data).toMatchObject({ exists: true, epoch: 2, staleDevices: [] });
    expect(group.body.data.roster.map((x) => x.deviceId).sort()).toEqual(
      [aDev.deviceId, bDev.deviceId, cDev.deviceId].sort(),
    );
  });

  it('accepts application messages from group devices in the current epoch only; checks the franking tag', async () => {
    const aDev = await newDevice(alice);
    const bDev = await newDevice(bob);
    const id = await encryptedGroup(alice, [bob, carol]);
    let { group } = await bootstrap(alice, aDev, id, [bDev]);
    const bobSocket = await connectSocket(t.url, bob.token);
    try {
      const event = nextEvent(
        bobSocket,
        'e2ee:message',
        (e) => e.conversationId === id && e.message.kind === 'application',
      );
      const tag = crypto.getRandomValues(new Uint8Array(32));
      const ok = await send(alice, aDev, id, group, 'hello bob', tag);
      expect(ok.res.status).toBe(201);
      group = ok.group;
      const got = await event;
      expect(got.message.frankingTag).toBe(toBase64(tag));
      expect(got.message.data).toBe(toBase64(ok.bytes));

      // Replay of the same ciphertext.
      const replay = await alice.rest.post(e2eePaths.messages(id), {
        deviceId: aDev.deviceId,
        epoch: 1,
        ciphertext: toBase64(ok.bytes),
        frankingTag: toBase64(tag),
        clientMsgId: randomUUID(),
      });
      expect(replay).toMatchObject({ status: 409, body: { code: 'conflict' } });
      // A franking tag other than the one sealed in the message.
      const m2 = await engine.encrypt(group, utf8('tagged'), tag);
      const forged = await alice.rest.post(e2eePaths.messages(id), {
        deviceId: aDev.deviceId,
        epoch: 1,
        ciphertext: toBase64(m2.message),
        frankingTag: toBase64(new Uint8Array(32)),
        clientMsgId: randomUUID(),
      });
      expect(forged.status).toBe(400);
      // Carol is a member but her device is not in the group.
      const cDev = await newDevice(carol);
      const carolTry = await carol.rest.post(e2eePaths.messages(id), {
        deviceId: cDev.deviceId,
        epoch: 1,
        ciphertext: toBase64(m2.message),
        frankingTag: toBase64(tag),
        clientMsgId: randomUUID(),
      });
      expect(carolTry.status).toBe(403);
      // An old epoch after a commit: stale_epoch.
      const rotate = await engine.commit(m2.group, {});
      expect(
        (
          await alice.rest.post(e2eePaths.commits(id), {
            deviceId: aDev.deviceId,
            epoch: 1,
            commit: toBase64(rotate.commit),
          })
        ).status,
      ).toBe(201);
      const late = await send(alice, aDev, id, m2.group, 'late');
      expect(late.res.status).toBe(409);
      expect(late.res.body.code).toBe('stale_epoch');
      group = rotate.group;

      // Bob leaves: nothing is accepted until his device is removed from the group.
      expect((await bob.rest.post(`/conversations/${id}/leave`)).status).toBe(200);
      const blocked = await send(alice, aDev, id, group, 'after bob left');
      expect(blocked.res.body.code).toBe('group_out_of_date');
      const state = await alice.rest.get<E2eeGroupState>(e2eePaths.group(id));
      expect(state.body.data.staleDevices).toEqual([bDev.deviceId]);
      // Only stale devices may be removed: Carol's device (a member's) may not.
      const carolOut = await engine.commit(group, { remove: [{ userId: carol.id, deviceId: cDev.deviceId }] });
      const refused = await alice.rest.post(e2eePaths.commits(id), {
        deviceId: aDev.deviceId,
        epoch: 2,
        commit: toBase64(carolOut.commit),
        removes: [cDev.deviceId],
      });
      expect(refused.status).toBe(403);
      const removal = await engine.commit(group, { remove: [{ userId: bob.id, deviceId: bDev.deviceId }] });
      const removed = await alice.rest.post(e2eePaths.commits(id), {
        deviceId: aDev.deviceId,
        epoch: 2,
        commit: toBase64(removal.commit),
        removes: [bDev.deviceId],
      });
      expect(removed.status).toBe(201);
      const after = await send(alice, aDev, id, removal.group, 'after removal');
      expect(after.res.status).toBe(201);
      // Bob (no longer a member) cannot read the log.
      expect((await bob.rest.get(e2eePaths.messages(id))).status).toBe(404);
      const log = await alice.rest.get<E2eeLogPage>(`${e2eePaths.messages(id)}?after=0`);
      expect(log.body.data.items.map((x) => x.kind)).toEqual([
        'commit',
        'application',
        'commit',
        'commit',
        'application',
      ]);
    } finally {
      bobSocket.close();
    }
  });

  it('the change feed carries the MLS log in order (metadata only) and Welcomes to the added user', async () => {
    const aDev = await newDevice(alice);
    const bDev = await newDevice(bob);
    const id = await encryptedGroup(alice, [bob]);
    const { group } = await bootstrap(alice, aDev, id, [bDev]);
    const sent = await send(alice, aDev, id, group, 'feed me');
    expect(sent.res.status).toBe(201);
    const feed = await bob.rest.get<ChangeFeed>(`/conversations/${id}/changes?after=0`);
    const e2ee = feed.body.data.entries.filter((e) => e.type.startsWith('e2ee_'));
    expect(e2ee.map((e) => e.type)).toEqual(['e2ee_message', 'e2ee_welcome', 'e2ee_message']);
    expect(e2ee[0]).toMatchObject({ message: { kind: 'commit', epoch: 0, senderDeviceId: aDev.deviceId, seq: 3 } });
    expect(e2ee[1]).toMatchObject({ epoch: 1, commitSeq: 3 });
    expect(e2ee[2]).toMatchObject({ message: { kind: 'application', epoch: 1, senderId: alice.id } });
    expect(JSON.stringify(feed.body.data)).not.toContain(toBase64(sent.bytes).slice(0, 40));
    // Alice (not added) gets no Welcome entry.
    const mine = await alice.rest.get<ChangeFeed>(`/conversations/${id}/changes?after=0`);
    expect(mine.body.data.entries.filter((e) => e.type === 'e2ee_welcome')).toEqual([]);
  });

  it('never answers 500 to hostile bodies', async () => {
    const aDev = await newDevice(alice);
    const id = await encryptedGroup(alice, [bob]);
    const bodies: unknown[] = [
      {},
      { deviceId: aDev.deviceId },
      { deviceId: aDev.deviceId, epoch: -1, commit: 'AAAA' },
      { deviceId: aDev.deviceId, epoch: 0, commit: '====' },
      { deviceId: aDev.deviceId, epoch: 0, commit: 'AAAA', adds: ['x'], welcome: 'AAAA' },
      { deviceId: '../../etc', epoch: 0, commit: 'AAAA' },
      { deviceId: aDev.deviceId, epoch: 1e20, commit: 'AAAA' },
    ];
    for (const b of bodies) {
      const res = await alice.rest.post(e2eePaths.commits(id), b);
      expect(res.status, JSON.stringify(b)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(b)).toBeLessThan(500);
      const msg = await alice.rest.post(e2eePaths.messages(id), {
        ...(b as object),
        ciphertext: 'AAAA',
        frankingTag: 'AAAA',
      });
      expect(msg.status).toBeLessThan(500);
    }
    await eventually(async () => {
      expect((await alice.rest.get(`${e2eePaths.welcomes}?deviceId=nope`)).status).toBe(404);
    });
  });
});
