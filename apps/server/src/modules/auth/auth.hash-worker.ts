/**
 * Worker thread body for auth.hash-pool.ts: bcrypt runs here, synchronously, so the server's event
 * loop never waits for it. Imports nothing but bcryptjs (it is loaded by Node directly, not bundled).
 */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

type Job =
  | { id: number; op: 'hash'; password: string; cost: number }
  | { id: number; op: 'compare'; password: string; hash: string };

parentPort?.on('message', (job: Job) => {
  try {
    const result =
      job.op === 'hash' ? bcrypt.hashSync(job.password, job.cost) : bcrypt.compareSync(job.password, job.hash);
    parentPort?.postMessage({ id: job.id, result });
  } catch (err) {
    parentPort?.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
});
