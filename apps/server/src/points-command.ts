/**
 * Operator commands for points, run next to (or instead of) the server with the same env:
 *   node src/points-command.ts backfill   count existing accounts' history once (safe to repeat)
 *   node src/points-command.ts rebuild    rebuild every projection (totals, boards, achievements) from the ledger
 */
import { systemClock } from './app-context.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { createContentPolicy } from './modules/messaging/content-policy.ts';
import { backfillPoints } from './modules/points/points.backfill.ts';
import { createInviteStays } from './modules/points/points.invites.ts';
import { createPointsService } from './modules/points/points.service.ts';
import { openStorage, StorageStartError } from './storage/open-storage.ts';

const command = process.argv[2];
if (command !== 'backfill' && command !== 'rebuild') {
  process.stderr.write('usage: points-command.ts backfill|rebuild\n');
  process.exit(2);
}

try {
  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  const storage = await openStorage(config, logger);
  try {
    const points = createPointsService({
      storage,
      contentPolicy: createContentPolicy(storage),
      clock: systemClock,
      logger,
      // No sockets here: achievements earned by a backfill are not announced.
      fanout: { toUsers: () => undefined },
      directMinAccountAgeMs: config.POINTS_DIRECT_MIN_ACCOUNT_AGE_HOURS * 3_600_000,
    });
    if (command === 'rebuild') {
      const users = await points.rebuildAll();
      process.stdout.write(`rebuilt the projections of ${users} users\n`);
    } else {
      const invites = createInviteStays({ storage, clock: systemClock, points });
      const r = await backfillPoints({ storage, points, invites });
      process.stdout.write(
        `backfill: ${r.messages} messages, ${r.reactions} reactions, ${r.inviteJoins} invite joins; ${r.users} users rebuilt\n`,
      );
    }
  } finally {
    await storage.close();
  }
} catch (err) {
  if (err instanceof ConfigError || err instanceof StorageStartError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
