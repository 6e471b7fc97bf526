import type { Connection, IndexDefinition, IndexOptions } from 'mongoose';
import { StorageStartError } from '../errors.ts';

/** An index on a collection no Mongoose model owns here (admin statistics read other repos' data). */
export type ExtraIndex = { collection: string; keys: Record<string, 1 | -1>; options?: IndexOptions };

/** MongoDB's default index name: `field_1_other_-1`. */
export const indexName = (keys: Record<string, unknown>, options?: { name?: string }): string =>
  options?.name ??
  Object.entries(keys)
    .flatMap(([k, v]) => [k, String(v)])
    .join('_');

function reasonOf(err: unknown): string {
  const e = err as { codeName?: unknown; code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : 'unknown error';
  const code = typeof e?.codeName === 'string' ? e.codeName : typeof e?.code === 'number' ? `code ${e.code}` : null;
  return code ? `${code}: ${message}` : message;
}

/**
 * Creates every index the adapter relies on, one at a time, before the first request. A failure
 * (an existing index with the same name but other options, a unique index over duplicates already
 * stored, a permission problem) stops start-up with a message naming the collection and the index:
 * unique indexes are what keep clientMsgId, seq and usernames from duplicating, so serving without
 * them is not an option.
 */
export async function ensureIndexes(conn: Connection, extra: readonly ExtraIndex[] = []): Promise<void> {
  const wanted: { collection: string; keys: IndexDefinition; options: IndexOptions }[] = [];
  for (const model of Object.values(conn.models)) {
    for (const [keys, options] of model.schema.indexes()) {
      wanted.push({ collection: model.collection.collectionName, keys, options: options ?? {} });
    }
  }
  for (const e of extra) wanted.push({ collection: e.collection, keys: e.keys, options: e.options ?? {} });
  for (const w of wanted) {
    const name = indexName(w.keys as Record<string, unknown>, w.options);
    try {
      const options = { ...w.options, name } as Parameters<ReturnType<Connection['collection']>['createIndex']>[1];
      await conn.collection(w.collection).createIndex(w.keys as Record<string, 1 | -1>, options);
    } catch (err) {
      throw new StorageStartError(
        `MongoDB: cannot create index "${name}" on collection "${w.collection}" (${reasonOf(err)}). ` +
          'If an older index with that name or key exists with other options, drop it (db.' +
          `${w.collection}.dropIndex("${name}")) and start again; if a unique index meets duplicates, remove them first.`,
        { cause: err },
      );
    }
  }
}

/** The URI's hosts without credentials, for messages. */
export function describeUri(uri: string): string {
  const m = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]*)/.exec(uri);
  return m?.[1] || 'the configured server';
}
