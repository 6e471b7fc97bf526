import type { Connection } from 'mongoose';

/**
 * One-off data migrations, recorded in `charla_migrations` so a start-up after the first one does
 * not scan a collection again to find there is nothing left to do.
 */
export async function runOnce(conn: Connection, id: string, run: () => Promise<unknown>): Promise<boolean> {
  const done = conn.collection<{ _id: string; at: Date }>('charla_migrations');
  if (await done.findOne({ _id: id })) return false;
  await run();
  await done.updateOne({ _id: id }, { $set: { at: new Date() } }, { upsert: true });
  return true;
}
