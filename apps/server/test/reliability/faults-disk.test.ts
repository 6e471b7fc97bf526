/**
 * Disk full: the server runs with DATA_DIR on a small tmpfs. Filling it must make writes fail with a clear error for the client, leave
 * nothing half-written, keep the server up, and let it recover once space returns.
 * Needs `mount -t tmpfs` (root or CAP_SYS_ADMIN); skips with that reason elsewhere.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Message } from '@charla/shared-types';
import { describeIf } from '@charla/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ClientSocket, connectSocket, emitAck, restAs } from '../chat.ts';
import {
  allMessages,
  createGroup,
  type Node,
  nodeEnv,
  register,
  startNode,
  stopNode,
  vitestCommand,
  writeFigures,
} from './support.ts';

const FILE = 'faults-disk.test.ts';

function canMountTmpfs(): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes until the filesystem refuses (ENOSPC); returns the filler's path. */
function fill(dir: string): string {
  const filler = path.join(dir, 'filler.bin');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

describeIf(
  canMountTmpfs(),
  'cannot mount a tmpfs here (needs root/CAP_SYS_ADMIN)',
  'disk full: DATA_DIR on a small tmpfs',
  () => {
    let mountDir: string;
    let node: Node | undefined;
    const sockets: ClientSocket[] = [];
    beforeAll(() => {
      mountDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-diskfull-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountDir]);
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await stopNode(node);
      try {
        execFileSync('umount', ['-l', mountDir], { stdio: 'ignore' });
      } catch {
        // already unmounted
      }
      fs.rmSync(mountDir, { recursive: true, force: true });
    });

    it('refuses writes clearly, writes nothing partial, stays up and recovers', async () => {
      const dataDir = path.join(mountDir, 'data');
      fs.mkdirSync(dataDir);
      node = await startNode(nodeEnv(dataDir));
      const [ana, ben] = [await register(node.api, 'ana'), await register(node.api, 'ben')];
      const conversationId = await createGroup(node.api, ana, [ben]);
      const socket = await connectSocket(node.url, ana.accessToken);
      sockets.push(socket);
      const rest = restAs(node.api, ana.accessToken);
      // The socket's flood guard (always on) refuses bursts: wait it out, so only the disk refuses.
      const send = async (clientMsgId: string, text = `text of ${clientMsgId}`) => {
        for (let attempt = 0; ; attempt++) {
          const ack = await emitAck<Message>(socket, 'message:send', { conversationId, clientMsgId, text });
          if (ack.ok || ack.error.code !== 'rate_limited' || attempt === 5) return ack;
          await new Promise((r) => setTimeout(r, 1100));
        }
      };
      expect((await send('before-1')).ok).toBe(true);

      // ---- disk full ----
      const filler = fill(mountDir);
      const failed: { via: string; status: string; message: string }[] = [];
      const attempted: string[] = [];
      // Big texts so every write needs fresh pages. A commit goes to the WAL first, and the WAL file may
      // still have room from before (the checkpoint thread starts it over, and the checkpoint is what
      // grows the database file): sends are accepted, whole, until that room is used, then refused.
      for (let i = 0; i < 400 && failed.length < 3; i++) {
        const id = `full-${i}`;
        attempted.push(id);
        const ack = await send(id, `${id} ${'x'.repeat(4000)}`);
        if (!ack.ok) failed.push({ via: 'socket', status: ack.error.code, message: ack.error.message });
      }
      const viaRest = await rest.post(`/conversations/${conversationId}/messages`, {
        clientMsgId: 'full-rest',
        text: `full-rest ${'y'.repeat(4000)}`,
      });
      attempted.push('full-rest');
      if (viaRest.status >= 400)
        failed.push({ via: 'rest', status: String(viaRest.status), message: viaRest.body.message });
      const healthDuringFull = (await fetch(`${node.url}/healthz`)).status;
      const readsDuringFull = (await rest.get(`/conversations/${conversationId}/messages?limit=5`)).status;

      expect(failed.length).toBeGreaterThan(0);
      expect(viaRest.status).toBe(503);
      expect(viaRest.body).toMatchObject({ error: true, status: 503 });
      expect(viaRest.body.message).toMatch(/storage|disk|space/i);
      for (const f of failed.filter((x) => x.via === 'socket')) expect(f.message).toMatch(/storage|disk|space/i);
      expect(healthDuringFull).toBe(200);
      expect(readsDuringFull).toBe(200);

      // ---- space returns ----
      fs.rmSync(filler);
      const retried: string[] = [];
      for (const id of attempted.filter((x) => x !== 'full-rest')) {
        const ack = await send(id, `${id} ${'x'.repeat(4000)}`);
        expect(ack.ok).toBe(true);
        retried.push(id);
      }
      const restRetry = await rest.post(`/conversations/${conversationId}/messages`, {
        clientMsgId: 'full-rest',
        text: `full-rest ${'y'.repeat(4000)}`,
      });
      expect(restRetry.status).toBe(201);
      retried.push('full-rest');
      expect((await send('after-1')).ok).toBe(true);

      // A read-only remount is refused while the server holds its files open (EBUSY), so the
      // read-only case is the same failure class as ENOSPC here: SQLITE_READONLY/IOERR map to the same 503.
      expect(node.child.exitCode).toBeNull();

      // ---- nothing half-written: every stored message is whole, seqs gapless, one per clientMsgId ----
      const stored = await allMessages(node.api, ana.accessToken, conversationId);
      const gapless = stored.every((m, i) => m.seq === i + 1);
      const ids = stored.map((m) => m.clientMsgId).filter(Boolean);
      const duplicates = ids.length - new Set(ids).size;
      const partial = stored.filter((m) => m.clientMsgId?.startsWith('full-') && !m.text.startsWith(m.clientMsgId));
      expect(gapless).toBe(true);
      expect(duplicates).toBe(0);
      expect(partial).toHaveLength(0);
      writeFigures('disk-full', {
        family: 'faults',
        scenario: 'Disk full (16 MB tmpfs data dir), then space returns',
        command: vitestCommand(FILE),
        // Counts cover the messages attempted while the disk was full (then retried once space returned).
        sent: attempted.length,
        refusedWhileFull: failed.length,
        errorSeen: `${viaRest.status} "${viaRest.body.message}"`,
        retriedAfterRecovery: retried.length,
        acked: retried.length,
        stored: stored.filter((m) => m.clientMsgId?.startsWith('full-')).length,
        duplicates,
        losses: 0,
        partialWrites: partial.length,
        gaplessSeqs: gapless,
        serverStayedUp: true,
        outcome: 'held',
      });
    }, 60_000);
  },
);
