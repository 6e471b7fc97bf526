import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { utf8 } from '@charla/e2ee';
import type { ChangeFeed } from '@charla/shared-types';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../chat.ts';
import { startTestApp, type TestApp } from '../harness.ts';
import { createEncrypted, device, liveSocket, person, syncAll, texts } from './e2ee-support.ts';

/*
 * What the server keeps of an encrypted conversation: a canary string sent every way a client can
 * (text, reply, edit, an attachment's bytes, name and thumbnail) must never appear in the
 * database files (WAL included), the media folder, the logs, the change feed or any socket event (what
 * push notifications are built from) — while the recipients do read it.
 */

const CANARY = `CANARY-${randomUUID()}`;
const logLines: string[] = [];
let t: TestApp;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/** The canary as UTF-8, UTF-16LE and base64 (three alignments), so no encoding hides it. */
function needles(): Buffer[] {
  const raw = Buffer.from(CANARY, 'utf8');
  return [
    raw,
    Buffer.from(CANARY, 'utf16le'),
    ...[0, 1, 2].map((shift) => {
      const b64 = Buffer.concat([Buffer.alloc(shift), raw]).toString('base64');
      return Buffer.from(b64.slice(Math.ceil((shift * 4) / 3) + 2, -4), 'utf8');
    }),
  ];
}

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  t = await startTestApp({ logger: pino({ level: 'trace' }, sink) });
});
afterAll(async () => {
  await t.close();
});

describe('a canary sent in an encrypted chat never reaches the server in clear', () => {
  it('is read by the members and found nowhere on the server', async () => {
    const [a, b, c] = [await person(t), await person(t), await person(t)];
    const alice = await device(t, a);
    const bob = await device(t, b);
    const carol = await device(t, c);
    const seen = [await liveSocket(t, alice), await liveSocket(t, bob), await liveSocket(t, carol)];
    try {
      const direct = await createEncrypted(a, { kind: 'direct', userId: b.id });
      const group = await createEncrypted(a, { kind: 'group', title: 'Canary group', memberIds: [b.id, c.id] });
      for (const id of [direct, group]) {
        await alice.client.reconcile(id);
        await alice.client.send(id, { t: 'text', text: `first ${CANARY}`, mentions: [b.id] });
        await syncAll(id, [bob]);
        const first = (await bob.client.history(id)).find((r) => r.kind === 'message');
        if (first?.kind !== 'message') throw new Error('bob has nothing');
        await bob.client.send(id, {
          t: 'text',
          text: `reply ${CANARY}`,
          replyTo: { id: first.id, senderId: first.senderId, text: first.text.slice(0, 200) },
        });
        await alice.client.send(id, { t: 'edit', target: first.id, text: `edited ${CANARY}` });
        await bob.client.send(id, { t: 'react', target: first.id, emoji: '🐤', on: true });
        await alice.client.sendFiles(id, `file ${CANARY}`, [
          {
            bytes: utf8(`file body ${CANARY}`),
            name: `${CANARY}.txt`,
            mime: 'text/plain',
            thumbnail: { bytes: utf8(`thumb ${CANARY}`), mime: 'image/webp', width: 8, height: 8 },
          },
        ]);
      }
      await syncAll(group, [alice, bob, carol]);
      await syncAll(direct, [alice, bob]);
      const expected = [`edited ${CANARY}`, `reply ${CANARY}`, `file ${CANARY}`];
      expect(texts(await carol.client.history(group))).toEqual(expected);
      expect(texts(await alice.client.history(direct))).toEqual(expected);
      const withFile = (await bob.client.history(group)).find((r) => r.kind === 'message' && r.attachments.length);
      const file = withFile?.kind === 'message' ? withFile.attachments[0] : undefined;
      if (!file) throw new Error('no file');
      expect(new TextDecoder().decode(await bob.client.openFile(file))).toBe(`file body ${CANARY}`);
      expect(filesUnder(path.join(t.dataDir, 'media')).length).toBeGreaterThan(0);
      await eventually(() => expect(seen.every((s) => s.seen.length > 0)).toBe(true));

      const feeds = await Promise.all(
        [a, b].flatMap((p) =>
          [direct, group].map((id) => p.rest.get<ChangeFeed>(`/conversations/${id}/changes?after=0`)),
        ),
      );
      // Server search (a word of the messages; the query itself is the user's and is not content).
      const search = await b.rest.get('/search/messages?q=first');
      expect(search.body).toMatchObject({ data: { items: [] } });
      const served = [
        JSON.stringify(feeds.map((f) => f.body)),
        JSON.stringify(search.body),
        JSON.stringify(seen.map((s) => s.seen)),
        logLines.join('\n'),
      ];
      expect(logLines.length).toBeGreaterThan(20);
      const files = [...filesUnder(t.dataDir)];
      expect(files.some((f) => f.endsWith('.sqlite'))).toBe(true);
      const hits: string[] = [];
      for (const needle of needles()) {
        for (const f of files) if (fs.readFileSync(f).includes(needle)) hits.push(`${f} (${needle.toString()})`);
        served.forEach((s, i) => {
          if (Buffer.from(s).includes(needle))
            hits.push(
              `served[${i}]: ${s
                .split('\n')
                .find((l) => l.includes(needle.toString()))
                ?.slice(0, 300)}`,
            );
        });
      }
      expect(hits).toEqual([]);
    } finally {
      for (const s of seen) s.socket.close();
    }
  });
});
