import { randomBytes } from 'node:crypto';
import { type LocalMessage, utf8 } from '@charla/e2ee';
import { e2eePaths } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../harness.ts';
import { createEncrypted, device, person, syncAll } from './e2ee-support.ts';

/*
 * Encrypted attachments between real clients: AES-256-GCM per file (and per sender-made thumbnail),
 * the key and hash inside the MLS message, an opaque blob on the server under the media size limit,
 * readable by members only.
 */

const LIMIT = 256 * 1024;
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { MEDIA_MAX_BYTES: String(LIMIT) } });
});
afterAll(async () => {
  await t.close();
});

const upload = (token: string, conversationId: string, body: Uint8Array, type = 'application/octet-stream') =>
  fetch(`${t.api}${e2eePaths.blobs(conversationId)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: body.slice().buffer as ArrayBuffer,
  });

describe('encrypted attachments', () => {
  it('sends a file with its thumbnail; the receiver checks and decrypts both; the server holds ciphertext', async () => {
    const [a, b, eve] = [await person(t), await person(t), await person(t)];
    const alice = await device(t, a);
    const bob = await device(t, b);
    const id = await createEncrypted(a, { kind: 'direct', userId: b.id });
    await alice.client.reconcile(id);
    const photo = new Uint8Array([...utf8('PHOTO-PLAINTEXT '), ...randomBytes(40_000)]);
    const thumb = utf8('THUMB-PLAINTEXT');
    await alice.client.sendFiles(id, 'look at this', [
      {
        bytes: photo,
        name: 'beach.jpg',
        mime: 'image/jpeg',
        width: 800,
        height: 600,
        thumbnail: { bytes: thumb, mime: 'image/webp', width: 32, height: 24 },
      },
    ]);
    await syncAll(id, [bob]);
    const m = (await bob.client.history(id)).find((r): r is LocalMessage => r.kind === 'message');
    expect(m?.text).toBe('look at this');
    const att = m?.attachments[0];
    expect(att).toMatchObject({ name: 'beach.jpg', mime: 'image/jpeg', width: 800, size: photo.length });
    if (!att?.thumbnail) throw new Error('no attachment');
    expect(await bob.client.openFile(att)).toEqual(photo);
    expect(await bob.client.openFile(att.thumbnail)).toEqual(thumb);

    // On the server: only ciphertext, served to members only, as an opaque download.
    const res = await fetch(`${t.api}${e2eePaths.blob(att.blobId)}`, {
      headers: { authorization: `Bearer ${b.token}` },
    });
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const stored = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(stored).includes(Buffer.from('PHOTO-PLAINTEXT'))).toBe(false);
    expect((await eve.rest.get(e2eePaths.blob(att.blobId))).status).toBe(404);

    // A blob swapped for another one is refused by the receiver (hash inside the MLS message).
    await expect(bob.client.openFile({ ...att, blobId: att.thumbnail.blobId })).rejects.toMatchObject({
      code: 'tampered',
    });

    // Deleting the message removes the sender's blobs.
    if (!m) throw new Error('no message');
    await alice.client.send(id, { t: 'delete', target: m.id });
    expect((await b.rest.get(e2eePaths.blob(att.blobId))).status).toBe(404);
    expect((await b.rest.get(e2eePaths.blob(att.thumbnail.blobId))).status).toBe(404);
  });

  it('keeps the media limits: size (413), type (415), members only (404), empty (400)', async () => {
    const [a, b, eve] = [await person(t), await person(t), await person(t)];
    await device(t, a);
    const id = await createEncrypted(a, { kind: 'direct', userId: b.id });
    expect((await upload(a.token, id, new Uint8Array(LIMIT + 1))).status).toBe(413);
    expect((await upload(a.token, id, new Uint8Array(10), 'image/png')).status).toBe(415);
    expect((await upload(eve.token, id, new Uint8Array(10))).status).toBe(404);
    expect((await upload(a.token, id, new Uint8Array(0))).status).toBe(400);
    const ok = await upload(a.token, id, new Uint8Array(LIMIT));
    expect(ok.status).toBe(201);
    const body = (await ok.json()) as { data: { id: string; size: number } };
    expect(body.data.size).toBe(LIMIT);
    // Only the uploader deletes; another member is refused; a stranger does not see it at all.
    expect((await b.rest.del(e2eePaths.blob(body.data.id))).status).toBe(403);
    expect((await eve.rest.del(e2eePaths.blob(body.data.id))).status).toBe(404);
    expect((await a.rest.del(e2eePaths.blob(body.data.id))).status).toBe(200);
    // A plain conversation takes no encrypted blobs.
    const plain = await a.rest.post<{ id: string }>('/conversations', { kind: 'group', title: 'plain' });
    expect((await upload(a.token, plain.body.data.id, new Uint8Array(10))).status).toBe(409);
  });

  it('forwards a message with its file to another encrypted chat, under new keys, marked forwarded', async () => {
    const [a, b, c] = [await person(t), await person(t), await person(t)];
    const [alice, bob, carol] = [await device(t, a), await device(t, b), await device(t, c)];
    const withBob = await createEncrypted(a, { kind: 'direct', userId: b.id });
    const withCarol = await createEncrypted(a, { kind: 'direct', userId: c.id });
    await bob.client.reconcile(withBob);
    const photo = new Uint8Array([...utf8('FORWARD-ME '), ...randomBytes(2_000)]);
    const thumb = utf8('THUMB');
    await bob.client.sendFiles(withBob, 'the plan', [
      {
        bytes: photo,
        name: 'plan.png',
        mime: 'image/png',
        thumbnail: { bytes: thumb, mime: 'image/webp', width: 8, height: 8 },
      },
    ]);
    await syncAll(withBob, [alice]);
    const original = (await alice.client.history(withBob)).find((r): r is LocalMessage => r.kind === 'message');
    if (!original?.attachments[0]) throw new Error('nothing received');

    const [sent] = await alice.client.forward(withBob, original.id, [withCarol]);
    expect(sent).toMatchObject({ conversationId: withCarol });
    await syncAll(withCarol, [carol]);
    const copy = (await carol.client.history(withCarol)).find((r): r is LocalMessage => r.kind === 'message');
    expect(copy).toMatchObject({ text: 'the plan', forwarded: true, senderId: a.id });
    const att = copy?.attachments[0];
    if (!att?.thumbnail) throw new Error('no attachment');
    expect(att.blobId).not.toBe(original.attachments[0].blobId);
    expect(att.key).not.toBe(original.attachments[0].key);
    expect(await carol.client.openFile(att)).toEqual(photo);
    expect(await carol.client.openFile(att.thumbnail)).toEqual(thumb);
    // Carol is not in Bob's chat: the original blob stays closed to her.
    const res = await fetch(`${t.api}${e2eePaths.blob(original.attachments[0].blobId)}`, {
      headers: { authorization: `Bearer ${c.token}` },
    });
    expect(res.status).toBe(404);
    // A message this device does not hold cannot be forwarded.
    await expect(alice.client.forward(withBob, 'not-a-message-id', [withCarol])).rejects.toMatchObject({
      code: 'state',
    });
  });
});
