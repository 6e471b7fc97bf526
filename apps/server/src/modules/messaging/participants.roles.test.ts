import type { ConversationSummary, Page, Participant } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

/**
 * Issue 22 #9: an admin removed another admin in two steps (demote, then remove). Only the owner
 * changes another admin's role or removes an admin; an admin may still promote members and step down.
 */
describe('group roles: only the owner changes or removes another admin', () => {
  let t: TestApp;
  let owner: RegisteredUser;
  let ada: RegisteredUser;
  let bo: RegisteredUser;
  let cy: RegisteredUser;
  let O: Rest;
  let A: Rest;
  let B: Rest;
  let g: string;
  const roles = async () =>
    Object.fromEntries(
      (await O.get<Page<Participant>>(`/conversations/${g}/participants`)).body.data.items.map((p) => [
        p.userId,
        p.role,
      ]),
    );

  beforeAll(async () => {
    t = await startTestApp();
    [owner, ada, bo, cy] = await Promise.all([registerUser(t), registerUser(t), registerUser(t), registerUser(t)]);
    [O, A, B] = [owner, ada, bo].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest, Rest];
    g = (
      await O.post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Council',
        memberIds: [ada.user.id, bo.user.id, cy.user.id],
      })
    ).body.data.id;
    await O.patch(`/conversations/${g}/participants/${ada.user.id}`, { role: 'admin' });
    await O.patch(`/conversations/${g}/participants/${bo.user.id}`, { role: 'admin' });
  });
  afterAll(() => t?.close());

  it('an admin can neither demote nor remove another admin, in one step or two', async () => {
    const demote = await A.patch(`/conversations/${g}/participants/${bo.user.id}`, { role: 'member' });
    expect(demote.status).toBe(403);
    expect(demote.body.code).toBe('forbidden');
    expect((await A.del(`/conversations/${g}/participants/${bo.user.id}`)).status).toBe(403);
    expect((await roles())[bo.user.id]).toBe('admin');
  });

  it('an admin promotes members and may step down; the owner changes and removes admins', async () => {
    expect((await B.patch(`/conversations/${g}/participants/${cy.user.id}`, { role: 'admin' })).status).toBe(200);
    expect((await B.patch(`/conversations/${g}/participants/${bo.user.id}`, { role: 'member' })).status).toBe(200);
    expect((await roles())[bo.user.id]).toBe('member');
    expect((await O.patch(`/conversations/${g}/participants/${cy.user.id}`, { role: 'member' })).status).toBe(200);
    expect((await O.del(`/conversations/${g}/participants/${ada.user.id}`)).status).toBe(200);
    expect(await roles()).toEqual({ [owner.user.id]: 'owner', [bo.user.id]: 'member', [cy.user.id]: 'member' });
  });
});
