import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from './format.ts';

describe('formatting numbers for people', () => {
  it('sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(12 * 1024 + 300)).toBe('12 KB');
    expect(formatBytes(3.45 * 1024 * 1024)).toBe('3.5 MB');
  });
  it('durations', () => {
    expect(formatDuration(7.4)).toBe('0:07');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(-3)).toBe('0:00');
  });
});
