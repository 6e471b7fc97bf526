import { describe, expect, it } from 'vitest';
import { createKnownDevices, KNOWN_DEVICE_TTL_MS, knownDeviceUser } from './auth.known-device.ts';

describe('known-device tokens', () => {
  let now = Date.parse('2026-06-01T00:00:00Z');
  const clock = { now: () => new Date(now) };
  const devices = createKnownDevices(new TextEncoder().encode('k'.repeat(48)), clock);

  it('match only the account they were issued for, signed by this server, within their lifetime', () => {
    const token = devices.issue('user-1', 'laptop');
    expect(knownDeviceUser(token)).toBe('user-1');
    expect(devices.match([token], 'user-1')).toBe('laptop');
    expect(devices.match([token], 'user-2')).toBeNull();
    expect(devices.match(['garbage', `${token}x`, token.replace('laptop', 'phone')], 'user-1')).toBeNull();
    const elsewhere = createKnownDevices(new TextEncoder().encode('z'.repeat(48)), clock);
    expect(elsewhere.match([token], 'user-1')).toBeNull();
    // Several accounts' tokens on one device: the right one is found.
    expect(devices.match([devices.issue('user-2'), token], 'user-1')).toBe('laptop');
    now += KNOWN_DEVICE_TTL_MS - 1000;
    expect(devices.match([token], 'user-1')).toBe('laptop');
    now += 2000;
    expect(devices.match([token], 'user-1')).toBeNull();
  });
});
