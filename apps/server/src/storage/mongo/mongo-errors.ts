import { StorageUnavailableError } from '../errors.ts';

/*
 * Which driver errors mean "the database is unavailable right now" rather than "this request is
 * wrong" or "our bug". Matched on name, numeric code and error labels, not on class identity, so a
 * second copy of the driver in node_modules cannot defeat it.
 */

const OUTAGE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoPoolClearedError',
  'MongoWriteConcernError',
  'MongoStalePrimaryError',
]);

/** Server codes of the retryable-reads/writes specifications, plus write-concern failures. */
const OUTAGE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  64, // WriteConcernFailed / WriteConcernTimeout
  89, // NetworkTimeout
  91, // ShutdownInProgress
  134, // ReadConcernMajorityNotAvailableYet
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10058, // LegacyNotPrimary
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

const OUTAGE_LABELS = ['RetryableWriteError', 'ResetPool', 'PoolRequestedRetry', 'SystemOverloadedError'];

type DriverErrorShape = {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  errorLabels?: unknown;
  errorLabelSet?: unknown;
  writeConcernError?: unknown;
  errorResponse?: { writeConcernError?: unknown };
};

function labelsOf(e: DriverErrorShape): string[] {
  if (Array.isArray(e.errorLabels)) return e.errorLabels.filter((l): l is string => typeof l === 'string');
  if (e.errorLabelSet instanceof Set) return [...e.errorLabelSet].filter((l): l is string => typeof l === 'string');
  return [];
}

/** True when `err` is the driver telling us the database is unreachable or cannot take writes now. */
export function isMongoOutage(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as DriverErrorShape;
  if (typeof e.name === 'string' && OUTAGE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'number' && OUTAGE_CODES.has(e.code)) return true;
  // A write that succeeded on the primary but could not be confirmed by the write concern.
  if (e.writeConcernError || e.errorResponse?.writeConcernError) return true;
  if (labelsOf(e).some((l) => OUTAGE_LABELS.includes(l))) return true;
  // Mongoose queues commands while disconnected and gives up with this message.
  return typeof e.message === 'string' && /buffering timed out after/i.test(e.message);
}

export function toStorageError(err: unknown): unknown {
  if (err instanceof StorageUnavailableError || !isMongoOutage(err)) return err;
  const detail = err instanceof Error ? err.message : 'unknown error';
  return new StorageUnavailableError(`MongoDB unavailable: ${detail}`, { cause: err });
}

/**
 * Wraps every method of a repository so driver outages surface as StorageUnavailableError (503)
 * instead of whatever the driver threw (500). Other errors pass through untouched.
 */
export function translateOutages<T extends object>(repo: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(repo)) {
    out[key] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (value as (...a: unknown[]) => unknown).apply(repo, args);
            } catch (err) {
              throw toStorageError(err);
            }
          }
        : value;
  }
  return out as T;
}
