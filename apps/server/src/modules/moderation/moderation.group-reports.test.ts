import type { ConversationDetails, GroupReport, Message, Page, Report } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

/**
 * Issue 22 #7: a reported group owner saw who reported them and could close the report. Group
 * moderators now never see the reporter or their note, decide only the group's own status, never a
 * report about themselves; site admins always see reports that are open at site level.
 */
describe('group reports: reporter hidden, separate status, never about yourself', () => {
  let t: TestApp;
  let admin: RegisteredUser;
  let owner: RegisteredUser;
  let reporter: RegisteredUser;
  let sam: RegisteredUser;
  let as: { admin: Rest; owner: Rest; reporter: Rest; sam: Rest };
  let group: string;
  let ownersMessage: Message;
  let samsMessage: Message;
  let aboutOwner: Report;
  let aboutSam: Report;
  const NOTE = 'the owner keeps posting scams, please look';

  beforeAll(async () => {
    t = await startTestApp();
    admin = await registerUser(t);
    [owner, reporter, sam] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    as = {
      admin: restAs(t.api, admin.accessToken),
      owner: restAs(t.api, owner.accessToken),
      reporter: restAs(t.api, reporter.accessToken),
      sam: restAs(t.api, sam.accessToken),
    };
    group = (
      await as.owner.post<ConversationDetails>('/conversations', {
        kind: 'group',
        title: 'Club',
        memberIds: [reporter.user.id, sam.user.id, admin.user.id],
      })
    ).body.data.id;
    await as.owner.patch(`/conversations/${group}/participants/${sam.user.id}`, { role: 'admin' });
    ownersMessage = (
      await as.owner.post<Message>(`/conversations/${group}/messages`, { clientMsgId: 'o1', text: 'cheap pills' })
    ).body.data;
    samsMessage = (
      await as.sam.post<Message>(`/conversations/${group}/messages`, { clientMsgId: 's1', text: 'buy now' })
    ).body.data;
    aboutOwner = (
      await as.reporter.post<Report>('/reports', { messageId: ownersMessage.id, reason: 'spam', note: NOTE })
    ).body.data;
    aboutSam = (await as.reporter.post<Report>('/reports', { messageId: samsMessage.id, reason: 'spam', note: NOTE }))
      .body.data;
  });
  afterAll(() => t?.close());

  it('group moderators never see who reported, nor the note, nor reports about their own messages', async () => {
    const forOwner = await as.owner.get<Page<GroupReport>>(`/conversations/${group}/reports`);
    expect(forOwner.status).toBe(200);
    expect(forOwner.body.data.items.map((r) => r.id)).toEqual([aboutSam.id]);
    const forSam = await as.sam.get<Page<GroupReport>>(`/conversations/${group}/reports?status=open`);
    expect(forSam.body.data.items.map((r) => r.id)).toEqual([aboutOwner.id]);
    for (const body of [forOwner.body, forSam.body]) {
      const raw = JSON.stringify(body);
      expect(raw).not.toContain(reporter.user.id);
      expect(raw).not.toContain(NOTE);
      expect(body.data.items[0]).not.toHaveProperty('reporterId');
      expect(body.data.items[0]).not.toHaveProperty('note');
    }
  });

  it('nobody closes a report about their own message: group owner, group admin or site admin', async () => {
    const own = await as.owner.patch(`/conversations/${group}/reports/${aboutOwner.id}`, { status: 'dismissed' });
    expect(own.status).toBe(403);
    expect((await as.sam.patch(`/conversations/${group}/reports/${aboutSam.id}`, { status: 'dismissed' })).status).toBe(
      403,
    );
    const adminsMessage = (
      await as.admin.post<Message>(`/conversations/${group}/messages`, { clientMsgId: 'a1', text: 'hi all' })
    ).body.data;
    const aboutAdmin = (await as.reporter.post<Report>('/reports', { messageId: adminsMessage.id, reason: 'other' }))
      .body.data;
    expect((await as.admin.patch(`/admin/reports/${aboutAdmin.id}`, { status: 'dismissed' })).status).toBe(403);
    // Nor a report about one's own account.
    const aboutAdminUser = (await as.reporter.post<Report>('/reports', { userId: admin.user.id, reason: 'other' })).body
      .data;
    expect((await as.admin.patch(`/admin/reports/${aboutAdminUser.id}`, { status: 'resolved' })).status).toBe(403);
  });

  it('a group decision is the group’s own: the report stays open for site admins', async () => {
    const decided = await as.owner.patch<GroupReport>(`/conversations/${group}/reports/${aboutSam.id}`, {
      status: 'dismissed',
      note: 'he is a friend',
    });
    expect(decided.status).toBe(200);
    expect(decided.body.data).toMatchObject({ status: 'dismissed', resolvedBy: owner.user.id });
    expect((await as.sam.patch(`/conversations/${group}/reports/${aboutSam.id}`, { status: 'resolved' })).status).toBe(
      403,
    );
    // Closed for the group (a second group decision is a conflict), not for the site.
    const another = await registerUser(t);
    await as.owner.post(`/conversations/${group}/participants`, { userIds: [another.user.id] });
    await as.owner.patch(`/conversations/${group}/participants/${another.user.id}`, { role: 'admin' });
    const again = await restAs(t.api, another.accessToken).patch(`/conversations/${group}/reports/${aboutSam.id}`, {
      status: 'resolved',
    });
    expect(again.status).toBe(409);
    const stillOpen = (await as.owner.get<Page<GroupReport>>(`/conversations/${group}/reports?status=open`)).body.data;
    expect(stillOpen.items.map((r) => r.id)).not.toContain(aboutSam.id);
    expect(
      (await as.owner.get<Page<GroupReport>>(`/conversations/${group}/reports?status=dismissed`)).body.data.items.map(
        (r) => r.id,
      ),
    ).toEqual([aboutSam.id]);

    const site = await as.admin.get<Page<Report>>('/admin/reports?status=open&limit=50');
    const seen = site.body.data.items.find((r) => r.id === aboutSam.id);
    expect(seen).toMatchObject({ status: 'open', groupStatus: 'dismissed', reporterId: reporter.user.id, note: NOTE });
    const closed = await as.admin.patch<Report>(`/admin/reports/${aboutSam.id}`, { status: 'resolved' });
    expect(closed.body.data).toMatchObject({ status: 'resolved', groupStatus: 'dismissed' });
  });
});
