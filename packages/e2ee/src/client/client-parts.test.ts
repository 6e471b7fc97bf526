import { describe, expect, it } from 'vitest';
import { fromUtf8, randomBytes, utf8 } from '../bytes.ts';
import { E2eeError } from '../errors.ts';
import { frank, verifyFranking } from './franking.ts';
import { decodePayload, encodePayload, openPlaintext, sealPlaintext } from './payload.ts';
import { safetyCode, userFingerprint } from './safety-code.ts';
import { createEncryptedStore, createMemoryRawStore, generateStoreKey } from './store.ts';

describe('franking', () => {
  it('verifies the committed payload for that conversation and sender only', async () => {
    const payload = utf8('{"t":"text","text":"report me"}');
    const { key, tag } = await frank('conv-1', 'alice', payload);
    expect(tag).toHaveLength(32);
    expect(await verifyFranking('conv-1', 'alice', payload, key, tag)).toBe(true);
    expect(await verifyFranking('conv-1', 'alice', utf8('{"t":"text","text":"forged"}'), key, tag)).toBe(false);
    expect(await verifyFranking('conv-2', 'alice', payload, key, tag)).toBe(false);
    expect(await verifyFranking('conv-1', 'mallory', payload, key, tag)).toBe(false);
    expect(await verifyFranking('conv-1', 'alice', payload, randomBytes(32), tag)).toBe(false);
  });
});

describe('payloads', () => {
  it('round-trips and refuses what a hostile sender could put in', () => {
    const bytes = encodePayload({ v: 1, t: 'text', id: 'abcdefgh-1', text: 'hi' });
    const sealed = sealPlaintext(new Uint8Array(32).fill(1), bytes);
    const opened = openPlaintext(sealed);
    expect(decodePayload(opened.payload)).toMatchObject({ t: 'text', text: 'hi', mentions: [], attachments: [] });
    const bad = (json: unknown) => {
      try {
        decodePayload(utf8(JSON.stringify(json)));
        return 'accepted';
      } catch (err) {
        return err instanceof E2eeError ? err.code : 'other';
      }
    };
    expect(bad({ v: 1, t: 'text', id: 'short', text: 'x' })).toBe('malformed');
    expect(bad({ v: 2, t: 'text', id: 'abcdefgh-1', text: 'x' })).toBe('malformed');
    expect(bad({ v: 1, t: 'react', id: 'abcdefgh-1', target: 'abcdefgh-2', emoji: '<script>', on: true })).toBe(
      'malformed',
    );
    expect(bad({ v: 1, t: 'text', id: 'abcdefgh-1', text: 'x'.repeat(5000) })).toBe('malformed');
    expect(() => openPlaintext(new Uint8Array([9, 1, 2]))).toThrow(E2eeError);
  });
});

describe('safety codes', () => {
  it('is the same on both sides and changes when a device key changes', async () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const kb = randomBytes(32);
    const a = { userId: 'alice', fingerprint: await userFingerprint('alice', [k1, k2]) };
    const aReordered = { userId: 'alice', fingerprint: await userFingerprint('alice', [k2, k1]) };
    const b = { userId: 'bob', fingerprint: await userFingerprint('bob', [kb]) };
    const ab = safetyCode(a, b);
    expect(safetyCode(b, aReordered)).toEqual(ab);
    expect(ab.groups).toHaveLength(12);
    expect(ab.groups.every((g) => /^\d{5}$/.test(g))).toBe(true);
    expect(ab.qr.startsWith('charla-sc:1:alice:')).toBe(true);
    const newDevice = { userId: 'alice', fingerprint: await userFingerprint('alice', [k1, k2, randomBytes(32)]) };
    expect(safetyCode(newDevice, b).groups).not.toEqual(ab.groups);
  });
});

describe('encrypted store', () => {
  it('keeps values encrypted at rest, bound to their key, readable only with the store key', async () => {
    const raw = createMemoryRawStore();
    const key = await generateStoreKey();
    const store = createEncryptedStore(raw, key);
    await store.set('msg/1', { text: 'secret words', bytes: utf8('raw bytes') });
    const got = await store.get<{ text: string; bytes: Uint8Array }>('msg/1');
    expect(got?.text).toBe('secret words');
    expect(fromUtf8(got?.bytes ?? new Uint8Array())).toBe('raw bytes');
    const sealed = (await raw.get('msg/1')) ?? new Uint8Array();
    expect(new TextDecoder().decode(sealed)).not.toContain('secret');
    // Moved to another name: refused (the name is authenticated).
    await raw.set('msg/2', sealed);
    await expect(store.get('msg/2')).rejects.toMatchObject({ code: 'state' });
    // Another key cannot read it.
    const other = createEncryptedStore(raw, await generateStoreKey());
    await expect(other.get('msg/1')).rejects.toMatchObject({ code: 'state' });
    await store.clear();
    expect(await store.keys('')).toEqual([]);
  });
});
