// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createE2eeKeys } from './e2ee-keys.ts';
import { chainedStore, memoryBackend } from './secrets.ts';
import type { StoredAccount } from './session.ts';

describe('E2EE store key in the secret store', () => {
  it('creates one 32-byte key per account, keeps it, hands only the signed-in account’s, forgets it', async () => {
    const secrets = chainedStore([memoryBackend()]);
    let account: StoredAccount | null = { serverOrigin: 'https://chat.example.com', userId: 'u1' };
    const keys = createE2eeKeys({ secrets, account: () => account });
    const first = await keys.get();
    expect(Buffer.from(first ?? '', 'base64')).toHaveLength(32);
    expect(await keys.get()).toBe(first);
    account = { serverOrigin: 'https://chat.example.com', userId: 'u2' };
    const other = await keys.get();
    expect(other).not.toBe(first);
    await keys.forget();
    expect(await keys.get()).not.toBe(other);
    account = null;
    expect(await keys.get()).toBeNull();
    account = { serverOrigin: 'https://chat.example.com', userId: 'u1' };
    expect(await keys.get()).toBe(first);
  });
});
