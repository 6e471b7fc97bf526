import type { Connection } from 'mongoose';
import type { E2eeRepo } from '../ports.ts';
import { createMongoE2eeBlobs } from './mongo-e2ee-blobs.ts';
import { createMongoE2eeDevices } from './mongo-e2ee-devices.ts';
import { createMongoE2eeMessages } from './mongo-e2ee-messages.ts';
import { e2eeModels } from './mongo-e2ee-models.ts';
import type { MongoMessagingCore } from './mongo-messaging-core.ts';

export function createMongoE2eeRepo(conn: Connection, core: MongoMessagingCore): E2eeRepo {
  const models = e2eeModels(conn);
  return {
    ...createMongoE2eeDevices(models, core.models),
    ...createMongoE2eeMessages(models, core),
    ...createMongoE2eeBlobs(models),
  };
}
