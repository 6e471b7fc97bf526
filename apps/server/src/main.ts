import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { openStorage, StorageStartError } from './storage/open-storage.ts';
import type { Storage } from './storage/ports.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig({
      WEB_DIST_DIR: path.resolve(here, '../../desktop/dist'),
      ...process.env,
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // Short human lines for a person at a terminal (and the dev runner, which asks for them); JSON
  // for everything else, so a production server logs JSON even when NODE_ENV was not set.
  const format = config.LOG_FORMAT ?? (process.stdout.isTTY && config.NODE_ENV !== 'production' ? 'pretty' : 'json');
  const destination =
    format === 'pretty'
      ? (await import('./logger.pretty.ts')).prettyDestination({ colorize: Boolean(process.env.FORCE_COLOR) })
      : undefined;
  const logger = createLogger(config.LOG_LEVEL, destination);
  let storage: Storage;
  try {
    storage = await openStorage(config, logger);
  } catch (err) {
    if (err instanceof StorageStartError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const charla = createApp({ config, storage, logger });

  await new Promise<void>((resolve) => charla.server.listen(config.PORT, config.HOST, resolve));
  const address = charla.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, storage: storage.kind, publicUrl: config.publicUrl }, 'Charla server listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await charla.close();
    await storage.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
