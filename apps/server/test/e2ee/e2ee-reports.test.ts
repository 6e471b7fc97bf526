import { toBase64, utf8 } from '@charla/e2ee';
import { type E2eeReportEvidenceDto, e2eePaths, type Report } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../harness.ts';
import { createEncrypted, type Device, device, type Person, person, syncAll } from './e2ee-support.ts';

/*
 * Reports of encrypted messages by message franking, with real clients: the reporter reveals one
 * message; the server checks it against the commitment it stored before any moderator sees it, and
 * refuses a forged one.
 */

let t: TestApp;
let admin: Person;
beforeAll(async () => {
  t = await startTestApp();
  admin = await person(t); // the first account is a site admin
});
afterAll(async () => {
  await t.close();
});

async function received(d: Device, conversationId: string, text: string) {
  const m = (await d.client.history(conversationId)).find((r) => r.kind === 'message' && r.text === text);
  if (m?.kind !== 'message') throw new Error(`no "${text}"`);
  return m;
}

describe('franked reports of encrypted messages', () => {
  it('files a verified report a moderator can read; forged, own and repeated reports are refused', async () => {
    const [a, b, c] = [await person(t), await person(t), await person(t)];
    const alice = await device(t, a);
    const bob = await device(t, b);
    const id = await createEncrypted(a, { kind: 'group', title: 'Reportable', memberIds: [b.id, c.id] });
    await alice.client.reconcile(id);
    await alice.client.send(id, { t: 'text', text: 'something abusive' });
    await alice.client.send(id, { t: 'text', text: 'harmless' });
    await syncAll(id, [bob]);
    const abusive = await received(bob, id, 'something abusive');
    const proof = await bob.client.reportProof(id, abusive.id);
    if (!proof) throw new Error('no proof');

    // Forged: the payload changed, or another key.
    const forgedText = new TextDecoder().decode(proof.payload).replace('abusive', 'criminal');
    const forged = await b.rest.post(e2eePaths.reports, {
      messageId: proof.messageId,
      payload: toBase64(utf8(forgedText)),
      frankingKey: toBase64(proof.key),
      reason: 'harassment',
    });
    expect(forged).toMatchObject({ status: 422, body: { code: 'unprocessable' } });
    const wrongKey = await b.rest.post(e2eePaths.reports, {
      messageId: proof.messageId,
      payload: toBase64(proof.payload),
      frankingKey: toBase64(new Uint8Array(32).fill(1)),
      reason: 'harassment',
    });
    expect(wrongKey.status).toBe(422);
    // Another message's proof for this message id.
    const harmless = await bob.client.reportProof(id, (await received(bob, id, 'harmless')).id);
    const mixed = await b.rest.post(e2eePaths.reports, {
      messageId: proof.messageId,
      payload: toBase64(harmless?.payload ?? new Uint8Array()),
      frankingKey: toBase64(harmless?.key ?? new Uint8Array()),
      reason: 'spam',
    });
    expect(mixed.status).toBe(422);

    const report = await bob.client.report(id, abusive.id, 'harassment', 'please look');
    expect(report).toMatchObject({
      targetType: 'message',
      targetId: proof.messageId,
      conversationId: id,
      status: 'open',
    });
    await expect(bob.client.report(id, abusive.id, 'harassment')).rejects.toMatchObject({ status: 409 });
    await expect(alice.client.report(id, (await received(alice, id, 'harmless')).id, 'spam')).rejects.toMatchObject({
      status: 400,
    });

    // The site admin reads the verified evidence; a plain member may not; the group's owner may not
    // either when it is her own message (the report does not exist for the one it is about).
    const seen = await admin.rest.get<E2eeReportEvidenceDto>(e2eePaths.reportEvidence(report.id));
    expect(seen.body.data).toMatchObject({ verified: true, kind: 'text', text: 'something abusive', senderId: a.id });
    expect((await a.rest.get(e2eePaths.reportEvidence(report.id))).status).toBe(404);
    expect((await c.rest.get(e2eePaths.reportEvidence(report.id))).status).toBe(403);
    expect((await (await person(t)).rest.get(e2eePaths.reportEvidence(report.id))).status).toBe(404);
    const listed = await admin.rest.get<{ items: Report[] }>('/admin/reports');
    expect(listed.body.data.items.map((r) => r.id)).toContain(report.id);
  });

  it("a group's owner reads the evidence of a report about a member's message", async () => {
    const [o, a, b] = [await person(t), await person(t), await person(t)];
    const owner = await device(t, o);
    const alice = await device(t, a);
    const bob = await device(t, b);
    const id = await createEncrypted(o, { kind: 'group', title: 'Moderated', memberIds: [a.id, b.id] });
    await owner.client.reconcile(id);
    await syncAll(id, [alice, bob]);
    await alice.client.send(id, { t: 'text', text: 'rude words' });
    await syncAll(id, [bob]);
    const report = await bob.client.report(id, (await received(bob, id, 'rude words')).id, 'harassment');
    const seen = await o.rest.get<E2eeReportEvidenceDto>(e2eePaths.reportEvidence(report.id));
    expect(seen.status).toBe(200);
    expect(seen.body.data).toMatchObject({ verified: true, text: 'rude words', senderId: a.id });
    // The sender learns nothing of it; another plain member is refused.
    expect((await a.rest.get(e2eePaths.reportEvidence(report.id))).status).toBe(404);
    expect((await bob.person.rest.get(e2eePaths.reportEvidence(report.id))).status).toBe(403);
  });

  it('an edited message is reported as edited (the proof follows the current text)', async () => {
    const [a, b] = [await person(t), await person(t)];
    const alice = await device(t, a);
    const bob = await device(t, b);
    const id = await createEncrypted(a, { kind: 'direct', userId: b.id });
    await alice.client.reconcile(id);
    await alice.client.send(id, { t: 'text', text: 'first version' });
    await syncAll(id, [bob]);
    const m = await received(bob, id, 'first version');
    await alice.client.send(id, { t: 'edit', target: m.id, text: 'second version' });
    await syncAll(id, [bob]);
    const report = await bob.client.report(id, m.id, 'other');
    const seen = await admin.rest.get<E2eeReportEvidenceDto>(e2eePaths.reportEvidence(report.id));
    expect(seen.body.data).toMatchObject({ kind: 'edit', text: 'second version' });
    // Direct chats have no group moderators: only site admins read it (the sender does not learn of it).
    expect((await a.rest.get(e2eePaths.reportEvidence(report.id))).status).toBe(404);
    expect((await b.rest.get(e2eePaths.reportEvidence(report.id))).status).toBe(403);
  });
});
