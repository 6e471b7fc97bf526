import type { E2eeRepo } from '../ports.ts';
import { createSqliteE2eeBlobs } from './sqlite-e2ee-blobs.ts';
import { createSqliteE2eeDevices } from './sqlite-e2ee-devices.ts';
import { createSqliteE2eeMessages } from './sqlite-e2ee-messages.ts';
import type { MessagingCore } from './sqlite-messaging-core.ts';

export function createSqliteE2eeRepo(core: MessagingCore): E2eeRepo {
  return {
    ...createSqliteE2eeDevices(core.db),
    ...createSqliteE2eeMessages(core),
    ...createSqliteE2eeBlobs(core.db),
  };
}
