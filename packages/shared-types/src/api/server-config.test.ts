import { describe, expect, it } from 'vitest';
import { fileTooLargeMessage, humanBytes } from './server-config.ts';

describe('humanBytes', () => {
  it('reads as people read file sizes', () => {
    expect(humanBytes(26_214_400)).toBe('25 MB');
    expect(humanBytes(1024 * 1024)).toBe('1 MB');
    expect(humanBytes(1536 * 1024)).toBe('1.5 MB');
    expect(humanBytes(900)).toBe('900 bytes');
    expect(humanBytes(10 * 1024)).toBe('10 KB');
    expect(humanBytes(3 * 1024 ** 3)).toBe('3 GB');
    expect(humanBytes(1536 * 1024, 'es')).toBe('1,5 MB');
  });

  it('words the server 413', () => {
    expect(fileTooLargeMessage(25 * 1024 * 1024)).toBe('Files can be up to 25 MB');
  });
});
