import type { Storage } from '../ports.ts';
import {
  currentSpace,
  GLOBAL_E2EE_METHODS,
  GLOBAL_REPOS,
  GLOBAL_TRANSLATION_METHODS,
  isHomeSpace,
  SPACE_REPOS,
  type SpaceScope,
} from './space-scope.ts';

/** Where a space's own Storage comes from (storage/spaces/space-storages.ts). */
export type SpaceStorageSource = {
  /** Synchronous while the space's handle is open (always, for SQLite); a promise while one opens. */
  storageOf(scope: SpaceScope): Storage | Promise<Storage>;
};

type AnyFn = (...args: unknown[]) => unknown;
type Exhaustive = Exclude<
  keyof Storage,
  (typeof GLOBAL_REPOS)[number] | (typeof SPACE_REPOS)[number] | 'e2ee' | 'kind' | 'ping' | 'close'
>;
// Every repository is placed: a new one must be declared global or per space before this compiles.
const placed: [Exhaustive] extends [never] ? true : never = true;
void placed;

/**
 * The Storage every module receives. Account-level repositories are the home database's; every
 * call to a space-level repository goes to the database of the space the caller is working in
 * (space-scope.ts), decided at call time, so modules need not know spaces exist and a query can
 * never reach another space's data: it is not in the database it runs against.
 */
export function createScopedStorage(home: Storage, source: SpaceStorageSource): Storage {
  function route<K extends keyof Storage>(key: K, global?: (method: PropertyKey) => boolean): Storage[K] {
    const methods = new Map<PropertyKey, AnyFn>();
    return new Proxy({} as Storage[K] & object, {
      get(_target, method) {
        let fn = methods.get(method);
        if (fn) return fn;
        fn = (...args: unknown[]) => {
          const scope = currentSpace();
          if (isHomeSpace(scope.spaceId) || global?.(method))
            return (home[key] as Record<PropertyKey, AnyFn>)[method]?.(...args);
          const target = source.storageOf(scope);
          if (target instanceof Promise)
            return target.then((s) => (s[key] as Record<PropertyKey, AnyFn>)[method]?.(...args));
          return (target[key] as Record<PropertyKey, AnyFn>)[method]?.(...args);
        };
        methods.set(method, fn);
        return fn;
      },
    });
  }
  const repos: Record<string, unknown> = {};
  for (const key of GLOBAL_REPOS) repos[key] = home[key];
  for (const key of SPACE_REPOS)
    repos[key] =
      key === 'translations'
        ? route(key, (method) => GLOBAL_TRANSLATION_METHODS.has(method as keyof Storage['translations']))
        : route(key);
  const e2ee = route('e2ee', (method) => GLOBAL_E2EE_METHODS.has(method as keyof Storage['e2ee']));
  // A device lives in the home database, its pending Welcomes in each space's: revoking it there
  // cannot drop them here, so a space hands none to a device that is revoked (or unknown).
  repos.e2ee = {
    ...Object.fromEntries(Object.keys(home.e2ee).map((m) => [m, e2ee[m as keyof Storage['e2ee']]])),
    async pendingWelcomes(deviceId: string) {
      if (!isHomeSpace(currentSpace().spaceId)) {
        const device = await home.e2ee.findDevice(deviceId);
        if (!device || device.revokedAt) return [];
      }
      return e2ee.pendingWelcomes(deviceId);
    },
  };
  return {
    ...(repos as Omit<Storage, 'kind' | 'ping' | 'close'>),
    kind: home.kind,
    ping: () => home.ping(),
    close: () => home.close(),
  };
}
