/** e2ee:* channels: the store key of the signed-in account (never another account's). */
import type { E2eeKeys } from '../e2ee-keys.ts';
import type { IpcHandlers } from './register.ts';

export function e2eeHandlers(
  keys: E2eeKeys,
): Pick<IpcHandlers, 'encryption:store-key' | 'encryption:forget-store-key'> {
  return {
    'encryption:store-key': () => keys.get(),
    'encryption:forget-store-key': async () => {
      await keys.forget();
      return null;
    },
  };
}
