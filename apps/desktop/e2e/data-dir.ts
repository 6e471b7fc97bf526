import os from 'node:os';
import path from 'node:path';

/** The e2e server's DATA_DIR, one per port, so tests can read the mail it writes to its outbox. */
export function e2eDataDir(port: number | string = process.env.CHARLA_E2E_PORT ?? 4100): string {
  return path.join(os.tmpdir(), `charla-e2e-${port}`);
}
