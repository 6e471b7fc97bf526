import fs from 'node:fs';
import type { Message, MySpace } from '@charla/shared-types';
import { describeIf } from '@charla/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import { SPACES_OWNED_MAX } from './spaces.service.ts';

const SPACES = 1000;
const MAX_OPEN = 32;
/** Open file descriptors of this process (the test runs the app in-process). */
const openFds = () => fs.readdirSync('/proc/self/fd').length;

/** Runs `fn` over `items`, `width` at a time. */
async function pool<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i] as T, i);
      }
    }),
  );
}

describeIf(
  fs.existsSync('/proc/self/fd'),
  'open files are counted through /proc/self/fd, which this system does not have',
  '1,000 spaces with a bounded handle LRU',
  () => {
    let t: TestApp;
    let owners: RegisteredUser[];
    beforeAll(async () => {
      t = await startTestApp({ deps: { spaces: { maxOpen: MAX_OPEN } } });
      owners = [];
      // An account owns at most SPACES_OWNED_MAX spaces: enough owners for 1,000.
      for (let i = 0; i < Math.ceil(SPACES / SPACES_OWNED_MAX); i++) owners.push(await registerUser(t));
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    it('creates 1,000 spaces, posts in each and reads every message back, never holding more than 32 open', async () => {
      const fdsBefore = openFds();
      let fdsPeak = fdsBefore;
      let openPeak = 0;
      const watch = () => {
        fdsPeak = Math.max(fdsPeak, openFds());
        openPeak = Math.max(openPeak, t.charla.spaces.storages.openCount());
      };
      const made: { owner: Rest; inSpace: Rest; spaceId: string; conversationId: string; text: string }[] = [];
      const started = performance.now();
      const slots = Array.from({ length: SPACES }, (_, i) => i);
      await pool(slots, 4, async (i) => {
        const owner = owners[Math.floor(i / SPACES_OWNED_MAX)] as RegisteredUser;
        const rest = restAs(t.api, owner.accessToken);
        const created = await rest.post<MySpace>('/spaces', { name: `Scale ${i}` });
        expect(created.status).toBe(201);
        const spaceId = created.body.data.id;
        const inSpace = restAs(t.api, owner.accessToken, spaceId);
        const group = await inSpace.post<{ id: string }>('/conversations', { kind: 'group', title: `Room ${i}` });
        expect(group.status).toBe(201);
        const text = `message in space ${i}`;
        const sent = await inSpace.post<Message>(`/conversations/${group.body.data.id}/messages`, {
          clientMsgId: `scale-${i}`,
          text,
        });
        expect(sent.status).toBe(201);
        made[i] = { owner: rest, inSpace, spaceId, conversationId: group.body.data.id, text };
        if (i % 50 === 0) watch();
      });
      const created = performance.now();
      watch();
      expect(await t.storage.spaces.count()).toBe(SPACES);
      expect(
        fs.readdirSync(`${t.dataDir}/spaces`).filter((f) => f.endsWith('.sqlite') && f !== 'template.sqlite'),
      ).toHaveLength(SPACES);

      // Read every message back, oldest space first: each is long evicted and opens again.
      await pool(made, 8, async (m, i) => {
        const history = await m.inSpace.get<{ items: Message[] }>(`/conversations/${m.conversationId}/messages`);
        expect(history.status).toBe(200);
        // The group's own system line (created), then the message.
        expect(history.body.data.items.filter((x) => x.kind !== 'system').map((x) => x.text)).toEqual([m.text]);
        if (i % 50 === 0) watch();
      });
      const readBack = performance.now();
      watch();
      // The switcher lists an owner's 20 spaces with their badges (20 databases opened in one request).
      const list = await made[0]?.owner.get<MySpace[]>('/spaces');
      expect(list?.body.data).toHaveLength(SPACES_OWNED_MAX + 1);
      watch();

      const fdsAfter = openFds();
      console.log(
        `spaces scale: ${SPACES} spaces created+posted in ${Math.round(created - started)} ms, read back in ${Math.round(readBack - created)} ms; ` +
          `open handles peak ${openPeak} (max ${MAX_OPEN}); fds before ${fdsBefore}, peak ${fdsPeak}, after ${fdsAfter}`,
      );
      expect(openPeak).toBeLessThanOrEqual(MAX_OPEN);
      expect(t.charla.spaces.storages.openCount()).toBeLessThanOrEqual(MAX_OPEN);
      // A WAL database holds up to three files (db, -wal, -shm), twice: the server's connection and the
      // checkpoint thread's (sqlite-checkpointer.ts). The bound is the LRU's, not 1,000's.
      expect(fdsPeak - fdsBefore).toBeLessThanOrEqual(MAX_OPEN * 6 + 32);
      expect(fdsAfter - fdsBefore).toBeLessThanOrEqual(MAX_OPEN * 6 + 32);
    }, 300_000);
  },
);
