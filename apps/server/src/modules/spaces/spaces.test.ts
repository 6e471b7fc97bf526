import fs from 'node:fs';
import path from 'node:path';
import type {
  ConversationSummary,
  Media,
  Message,
  MySpace,
  SpaceInvite,
  SpaceInvitePreview,
} from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, emitAck, eventually, nextEvent, type Rest, record, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { makePng, multipartBody } from '../media/media.fixtures.ts';
import { local, uploadOk } from '../media/media.test-helpers.ts';

describe('spaces', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let cy: RegisteredUser;
  let A: Rest;
  let B: Rest;
  let C: Rest;
  beforeAll(async () => {
    t = await startTestApp();
    ana = await registerUser(t, { displayName: 'Ana' });
    ben = await registerUser(t, { displayName: 'Ben' });
    cy = await registerUser(t, { displayName: 'Cy' });
    [A, B, C] = [ana, ben, cy].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest, Rest];
  });
  afterAll(async () => {
    await t?.close();
  });
  const inSpace = (u: RegisteredUser, spaceId: string) => restAs(t.api, u.accessToken, spaceId);

  it('creates a space with its own database file; the creator owns it and lands in it', async () => {
    const res = await A.post<MySpace>('/spaces', { name: 'Book Club' });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ name: 'Book Club', slug: 'book-club', role: 'owner', joinPolicy: 'invite' });
    const file = path.join(t.dataDir, 'spaces', `${res.body.data.id}.sqlite`);
    expect(fs.existsSync(file)).toBe(true);
    const list = (await A.get<MySpace[]>('/spaces')).body.data;
    expect(list.map((s) => s.id)).toEqual(['home', res.body.data.id]);
    // The slug is taken now; a derived one gets a suffix.
    expect((await B.post('/spaces', { name: 'Other', slug: 'book-club' })).status).toBe(409);
    const again = await B.post<MySpace>('/spaces', { name: 'Book Club' });
    expect(again.status).toBe(201);
    expect(again.body.data.slug).toMatch(/^book-club-[0-9a-f]{6}$/);
  });

  it("keeps a space's conversations in its database: invisible from home and to non-members", async () => {
    const space = (await A.post<MySpace>('/spaces', { name: 'Isolated' })).body.data;
    const invite = (await A.post<SpaceInvite>(`/spaces/${space.id}/invites`, {})).body.data;
    const preview = await B.get<SpaceInvitePreview>(`/spaces/invites/${invite.code}`);
    expect(preview.body.data).toMatchObject({ alreadyMember: false, memberCount: 1, space: { name: 'Isolated' } });
    expect((await B.post<MySpace>(`/spaces/invites/${invite.code}`)).body.data.role).toBe('member');

    const AS = inSpace(ana, space.id);
    const BS = inSpace(ben, space.id);
    const g = (
      await AS.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Space group',
        memberIds: [ben.user.id],
      })
    ).body.data;
    expect(g.id).toBeTruthy();
    const sent = await BS.post<Message>(`/conversations/${g.id}/messages`, {
      clientMsgId: 'sp-1',
      text: 'hello space',
    });
    expect(sent.status).toBe(201);
    // From home (no header) the conversation does not exist.
    expect((await A.get(`/conversations/${g.id}`)).status).toBe(404);
    expect((await A.get<{ items: unknown[] }>('/conversations')).body.data.items).toHaveLength(0);
    // Cy is not in the space: 404 for the space, whatever the id.
    expect((await inSpace(cy, space.id).get(`/conversations/${g.id}`)).status).toBe(404);
    expect((await C.get(`/spaces/${space.id}`)).status).toBe(404);
    // A conversation in the space cannot include someone outside it.
    expect((await AS.post('/conversations', { kind: 'direct', userId: cy.user.id })).status).toBe(404);
    // Unread badge in the switcher.
    const mine = (await A.get<MySpace[]>('/spaces')).body.data.find((s) => s.id === space.id);
    expect(mine?.unreadCount).toBe(1);
  });

  it("sockets open in a space get its events only, and other spaces' activity as a content-free nudge", async () => {
    const space = (await A.post<MySpace>('/spaces', { name: 'Live' })).body.data;
    const invite = (await A.post<SpaceInvite>(`/spaces/${space.id}/invites`, {})).body.data;
    await B.post(`/spaces/invites/${invite.code}`);
    const AS = inSpace(ana, space.id);
    const g = (
      await AS.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Live group',
        memberIds: [ben.user.id],
      })
    ).body.data;
    const inside = await connectSocket(t.url, ben.accessToken, space.id);
    const home = await connectSocket(t.url, ben.accessToken);
    try {
      const created = nextEvent(inside, 'message:created');
      const nudges = record(home, 'space:activity');
      let leaked = false;
      home.on('message:created', () => {
        leaked = true;
      });
      const ack = await emitAck<{ ok: boolean }>(inside, 'message:send', {
        conversationId: g.id,
        clientMsgId: 'live-1',
        text: 'over the socket',
      });
      expect(ack).toMatchObject({ ok: true });
      expect((await created).message.text).toBe('over the socket');
      await eventually(() => expect(nudges).toContainEqual({ spaceId: space.id }));
      expect(leaked).toBe(false);
      // A space the account is not in refuses the handshake.
      await expect(connectSocket(t.url, cy.accessToken, space.id)).rejects.toMatchObject({
        data: { code: 'space_not_found' },
      });
    } finally {
      inside.close();
      home.close();
    }
  });

  it("keeps a space's media in its own namespace, served through ?space= and removed with the space", async () => {
    const space = (await A.post<MySpace>('/spaces', { name: 'Pictures' })).body.data;
    const AS = inSpace(ana, space.id);
    const png = await makePng(20, 20);
    const { body, contentType } = multipartBody('p.png', png);
    const up = await fetch(`${t.api}/media`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ana.accessToken}`, 'x-charla-space': space.id, 'content-type': contentType },
      body,
    });
    expect(up.status).toBe(201);
    const photo = ((await up.json()) as { data: Media }).data;
    expect(photo.url).toContain(`space=${space.id}`);
    const g = (await AS.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Album' })).body.data;
    expect(
      (await AS.post(`/conversations/${g.id}/messages`, { clientMsgId: 'pic', attachments: [photo.id] })).status,
    ).toBe(201);
    // The same bytes uploaded at home are another blob: deleting the space leaves home's intact.
    const homeCopy = await uploadOk(t.api, ana.accessToken, 'p.png', png);
    const spaceDir = path.join(t.dataDir, 'media', 'blobs', 'spaces', space.id);
    expect(fs.readdirSync(spaceDir, { recursive: true }).length).toBeGreaterThan(0);
    const served = await fetch(local(photo.url, t.url), { headers: { Authorization: `Bearer ${ana.accessToken}` } });
    expect(served.status).toBe(200);
    // From home the id names nothing.
    expect((await A.get(`/media/${photo.id}`)).status).toBe(404);

    await A.del(`/spaces/${space.id}`);
    t.clock.advance(8 * 24 * 3600 * 1000);
    expect(await t.charla.spaces.service.purgeDue()).toBe(1);
    t.clock.reset();
    expect(
      fs
        .readdirSync(spaceDir, { recursive: true })
        .filter((f) => String(f).length === 64 || String(f).endsWith('.webp')),
    ).toEqual([]);
    const stillHome = await fetch(local(homeCopy.url, t.url), {
      headers: { Authorization: `Bearer ${ana.accessToken}` },
    });
    expect(stillHome.status).toBe(200);
  });

  it("enforces a space's rules: retention, edit window, who may create channels", async () => {
    const space = (await A.post<MySpace>('/spaces', { name: 'Strict', joinPolicy: 'anyone' })).body.data;
    expect((await B.post<MySpace>(`/spaces/${space.id}/join`)).body.data.role).toBe('member');
    const AS = inSpace(ana, space.id);
    const BS = inSpace(ben, space.id);
    // Members may create channels until the owner says otherwise (admins always may).
    expect((await BS.post('/conversations', { kind: 'channel', title: 'Ben ch' })).status).toBe(201);
    expect(
      (await A.patch(`/spaces/${space.id}`, { membersMayCreateChannels: false, editWindowSeconds: 60 })).status,
    ).toBe(200);
    expect((await B.patch(`/spaces/${space.id}`, { name: 'Mine now' })).status).toBe(403);
    const refused = await BS.post('/conversations', { kind: 'channel', title: 'Nope' });
    expect(refused.status).toBe(403);
    expect((await AS.post('/conversations', { kind: 'channel', title: 'Owner ch' })).status).toBe(201);

    const g = (
      await AS.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Rules', memberIds: [ben.user.id] })
    ).body.data;
    const m = (await BS.post<Message>(`/conversations/${g.id}/messages`, { clientMsgId: 'old-1', text: 'old' })).body
      .data;
    expect((await BS.patch(`/messages/${m.id}`, { text: 'fixed' })).status).toBe(200);
    t.clock.advance(61_000);
    expect((await BS.patch(`/messages/${m.id}`, { text: 'too late' })).status).toBe(403);
    t.clock.reset();

    // Retention: 1 day. The old message goes; a new one stays; another space is untouched.
    await A.patch(`/spaces/${space.id}`, { retentionDays: 1 });
    t.clock.advance(-2 * 24 * 3600 * 1000);
    await AS.post<Message>(`/conversations/${g.id}/messages`, { clientMsgId: 'older-1', text: 'two days ago' });
    t.clock.reset();
    const fresh = (await AS.post<Message>(`/conversations/${g.id}/messages`, { clientMsgId: 'new-1', text: 'new' }))
      .body.data;
    expect(await t.charla.spaces.service.sweepRetention()).toBe(1);
    const history = (await AS.get<{ items: Message[] }>(`/conversations/${g.id}/messages`)).body.data.items;
    expect(history.map((h) => h.text)).not.toContain('two days ago');
    expect(history.map((h) => h.id)).toContain(fresh.id);
    expect(history.map((h) => h.id)).toContain(m.id);
  });

  it('has its own moderation queue for its owners and admins, in its own database', async () => {
    const space = (await A.post<MySpace>('/spaces', { name: 'Moderated', joinPolicy: 'anyone' })).body.data;
    await B.post(`/spaces/${space.id}/join`);
    await C.post(`/spaces/${space.id}/join`);
    const [AS, BS, CS] = [ana, ben, cy].map((u) => inSpace(u, space.id)) as [Rest, Rest, Rest];
    const g = (
      await AS.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Queue',
        memberIds: [ben.user.id, cy.user.id],
      })
    ).body.data;
    const rude = (
      await BS.post<Message>(`/conversations/${g.id}/messages`, { clientMsgId: 'rude', text: 'rude words' })
    ).body.data;
    const filed = await CS.post<{ id: string }>('/reports', { messageId: rude.id, reason: 'harassment' });
    expect(filed.status).toBe(201);
    const queue = await A.get<{ items: { id: string }[] }>(`/spaces/${space.id}/reports`);
    expect(queue.status).toBe(200);
    expect(queue.body.data.items.map((r) => r.id)).toEqual([filed.body.data.id]);
    // Members are not moderators; people outside the space are answered as if it did not exist.
    expect((await B.get(`/spaces/${space.id}/reports`)).status).toBe(403);
    expect((await restAs(t.api, (await registerUser(t)).accessToken).get(`/spaces/${space.id}/reports`)).status).toBe(
      404,
    );
    expect((await A.del(`/spaces/${space.id}/messages/${rude.id}`)).status).toBe(200);
    const closed = await A.patch<{ status: string }>(`/spaces/${space.id}/reports/${filed.body.data.id}`, {
      status: 'resolved',
    });
    expect(closed.body.data.status).toBe('resolved');
    const seen = (await CS.get<{ items: Message[] }>(`/conversations/${g.id}/messages`)).body.data.items;
    expect(seen.find((m) => m.id === rude.id)?.deletedAt).toBeTruthy();
  });

  it('owners export a space as streamed JSON and delete it after the grace period', async () => {
    const space = (await A.post<MySpace>('/spaces', { name: 'Short lived' })).body.data;
    const AS = inSpace(ana, space.id);
    const g = (await AS.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Archive me' })).body.data;
    await AS.post(`/conversations/${g.id}/messages`, { clientMsgId: 'ex-1', text: 'keep this' });
    const res = await fetch(`${t.api}/spaces/${space.id}/export`, {
      headers: { Authorization: `Bearer ${ana.accessToken}` },
    });
    expect(res.status).toBe(200);
    const archive = (await res.json()) as {
      space: { id: string };
      records: { collection: string; record: Record<string, unknown> }[];
    };
    expect(archive.space.id).toBe(space.id);
    expect(archive.records.some((r) => r.collection === 'messages' && r.record.text === 'keep this')).toBe(true);
    expect(archive.records.some((r) => r.collection === 'users')).toBe(false);

    expect((await A.del<MySpace>(`/spaces/${space.id}`)).status).toBe(202);
    expect((await A.post<MySpace>(`/spaces/${space.id}/restore`)).body.data.deleteAfter).toBeNull();
    const scheduled = (await A.del<MySpace>(`/spaces/${space.id}`)).body.data;
    expect(scheduled.deleteAfter).not.toBeNull();
    expect(await t.charla.spaces.service.purgeDue()).toBe(0);
    t.clock.advance(8 * 24 * 3600 * 1000);
    expect(await t.charla.spaces.service.purgeDue()).toBe(1);
    t.clock.reset();
    expect(fs.existsSync(path.join(t.dataDir, 'spaces', `${space.id}.sqlite`))).toBe(false);
    expect((await A.get(`/spaces/${space.id}`)).status).toBe(404);
    expect((await AS.get(`/conversations/${g.id}`)).status).toBe(404);
  });
});
