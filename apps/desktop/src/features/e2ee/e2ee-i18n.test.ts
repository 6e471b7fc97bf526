import { describe, expect, it } from 'vitest';
import { e2eeDictionaries, e2eeText } from './e2ee-i18n.ts';

describe('encrypted-chat strings', () => {
  it('has every English string in Spanish, non-empty, with the same placeholders', () => {
    const { en, es } = e2eeDictionaries;
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(es[key].trim(), key).not.toBe('');
      expect(vars(es[key]), key).toEqual(vars(en[key]));
    }
  });

  it('interpolates and falls back to English', () => {
    expect(e2eeText('es', 'verify.title', { name: 'Ana' })).toBe('Código de seguridad con Ana');
    expect(e2eeText('fr', 'lock')).toBe('End-to-end encrypted');
  });
});
