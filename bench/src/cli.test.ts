import { describe, expect, it } from 'vitest';
import { optionsFrom, parseArgs } from './cli.ts';

describe('bench CLI flags', () => {
  it('has defaults sized for a ~5 minute run and a quick mode', () => {
    const d = optionsFrom(parseArgs([]));
    expect(d).toMatchObject({ sockets: 1000, idle: 5000, repeats: 5, quick: false });
    expect(d.only).toContain('client');
    const q = optionsFrom(parseArgs(['--quick']));
    expect(q.sockets).toBeLessThan(d.sockets);
    expect(q.messages).toBeLessThan(d.messages);
  });

  it('reads values in both --flag value and --flag=value forms', () => {
    const o = optionsFrom(
      parseArgs(['--sockets', '2000', '--idle=20000', '--rates', '100,200', '--only', 'fanout,idle']),
    );
    expect(o).toMatchObject({ sockets: 2000, idle: 20000, rates: [100, 200], only: ['fanout', 'idle'] });
    expect(optionsFrom(parseArgs(['--messages', '1000000'])).messages).toBe(1_000_000);
  });

  it('rejects bad input with the flag name and usage', () => {
    expect(() => parseArgs(['--sockets', '-5'])).toThrow(/--sockets/);
    expect(() => parseArgs(['--sockets', 'many'])).toThrow(/--sockets/);
    expect(() => parseArgs(['--rates', '100,,200'])).toThrow(/--rates/);
    expect(() => parseArgs(['--only', 'fanout,nope'])).toThrow(/--only/);
    expect(() => parseArgs(['--frobnicate', '1'])).toThrow(/frobnicate/);
    expect(() => parseArgs(['--idle'])).toThrow(/needs a value/);
    expect(() => parseArgs(['stray'])).toThrow(/unexpected argument/);
  });
});
