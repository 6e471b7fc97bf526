import { describe, expect, it } from 'vitest';
import { cutToLength, trimWhere } from './bounded.ts';

const spaceOrDot = (u: string) => u === '.' || /\s/.test(u);

describe('linear string helpers', () => {
  it('trims either or both ends', () => {
    expect(trimWhere(' . a.b . ', spaceOrDot)).toBe('a.b');
    expect(trimWhere('..a..', (u) => u === '.', 'start')).toBe('a..');
    expect(trimWhere('..a..', (u) => u === '.', 'end')).toBe('..a');
    expect(trimWhere('....', (u) => u === '.')).toBe('');
    expect(trimWhere('', spaceOrDot)).toBe('');
  });

  it('stays linear on a long run that ends in something else', () => {
    const attack = `a${' '.repeat(200_000)}b`;
    const started = Date.now();
    expect(trimWhere(attack, spaceOrDot)).toBe(attack);
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('cuts without splitting a surrogate pair', () => {
    expect(cutToLength('abc', 5)).toBe('abc');
    expect(cutToLength('abcdef', 3)).toBe('abc');
    expect(cutToLength('ab😀', 3)).toBe('ab');
    expect(cutToLength('ab😀', 4)).toBe('ab😀');
  });
});
