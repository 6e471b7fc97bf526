import { describe, expect, it } from 'vitest';
import { cursorOf, decodeCursor, encodeCursor } from './cursor.ts';

describe('page cursors', () => {
  it('round-trips a position and checks its shape', () => {
    const at = encodeCursor([1_700_000_000_000, 'm-1']);
    expect(decodeCursor(at, cursorOf('number', 'string'))).toEqual([1_700_000_000_000, 'm-1']);
    expect(decodeCursor(at, cursorOf('string', 'string'))).toBeNull();
    expect(decodeCursor(at, cursorOf('number'))).toBeNull();
  });

  it('reads garbage, foreign and empty cursors as "from the start"', () => {
    for (const bad of ['', undefined, null, '%%%', 'bm90IGpzb24', encodeCursor([Number.NaN, 'x'])])
      expect(decodeCursor(bad, cursorOf('number', 'string'))).toBeNull();
  });
});
