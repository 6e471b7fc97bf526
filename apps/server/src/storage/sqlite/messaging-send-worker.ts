/**
 * Child process for the cross-process concurrency test: opens the same SQLite file as its parent
 * and sends `count` messages as fast as it can. Usage: node messaging-send-worker.ts <dir> <conv> <sender> <count>
 */
import { openSqliteStorage } from './sqlite-storage.ts';

const [dir, conversationId, senderId, count] = process.argv.slice(2);
if (!dir || !conversationId || !senderId || !count) throw new Error('usage: <dir> <conversationId> <senderId> <count>');
const storage = openSqliteStorage(dir);
const seqs: number[] = [];
for (let i = 0; i < Number(count); i++) {
  const res = await storage.messages.send({
    conversationId,
    senderId,
    clientMsgId: `${process.pid}-${i}`,
    kind: 'text',
    text: `from ${process.pid} #${i}`,
    now: new Date(),
  });
  if (res) seqs.push(res.message.seq);
}
await storage.close();
process.stdout.write(JSON.stringify(seqs));
