import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatMoment, formatTime } from './format.ts';

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

describe('formatTime', () => {
  it('does not zero-pad English hours; Spanish uses the 24-hour clock', () => {
    const at = new Date(2026, 0, 5, 2, 7);
    expect(formatTime(at, 'en')).toMatch(/^2:07\s?AM$/);
    expect(formatTime(new Date(2026, 0, 5, 14, 7), 'es')).toBe('14:07');
  });
});

describe('formatMoment', () => {
  const now = new Date(2026, 5, 10, 18, 0);
  it('shows only the time today, the day this year, the year before that', () => {
    expect(formatMoment(new Date(2026, 5, 10, 9, 30), 'en', now)).toMatch(/^9:30\s?AM$/);
    expect(formatMoment(new Date(2026, 5, 3, 9, 30), 'en', now)).toMatch(/Jun 3.*9:30/);
    expect(formatMoment(new Date(2025, 11, 24, 21, 5), 'es', now)).toMatch(/24 dic 2025.*21:05/);
  });
});
