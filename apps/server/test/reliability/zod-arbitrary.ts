/**
 * fast-check arbitraries derived from the shared zod schemas: a near-valid value built from the
 * schema's own shape, then mutated the ways hostile clients do (wrong types, missing and extra
 * fields, huge strings, deep nesting, prototype keys, operator objects, odd unicode, traversal).
 */
import fc from 'fast-check';
import type { z } from 'zod';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  in?: z.ZodType;
  entries?: Record<string, string>;
  values?: unknown[];
  coerce?: boolean;
};
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Strings attackers send: markup, injection, traversal, control and direction characters, zalgo. */
export const ATTACK_STRINGS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '{"$ne": null}',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c',
  'Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035a\u035b\u035c\u035d\u035e',
  '\u200b\u200c\u200d\ufeff',
  // Template-injection probe (a literal dollar-brace, on purpose).
  ['$', '{7*7}{{7*7}}'].join(''),
  '__proto__',
  'constructor',
  '😀'.repeat(100),
];

const hugeString = fc.constantFrom('x'.repeat(70_000), 'é'.repeat(5000), '\u0000'.repeat(1000));
/**
 * Backtracking bait: a long run of one character that patterns like to repeat (joiners, spaces,
 * dots, separators, punctuation, word characters) ending in one they refuse, so a super-linear
 * regex is retried from every position of the run (issue 22 #1/#5). The timing check catches it.
 */
export const BACKTRACKING_BAIT = [
  `${'\u200d'.repeat(40)}a`,
  `${'\ufe0f\u20e3'.repeat(20)}a`,
  `a${' '.repeat(5000)}b`,
  `a${'.'.repeat(5000)}b`,
  `a${'_'.repeat(5000)}!`,
  `https://x.org/${'!'.repeat(4000)}x`,
  `${'a'.repeat(5000)}!`,
  `${'@a'.repeat(2000)}@`,
  `${'/'.repeat(5000)}x`,
];
export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ATTACK_STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(...BACKTRACKING_BAIT) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: hugeString },
);
const deep = (depth: number): unknown => (depth === 0 ? 'bottom' : { a: deep(depth - 1) });
const deepArray = (depth: number): unknown => (depth === 0 ? [] : [deepArray(depth - 1)]);
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
    -0,
    { $ne: null },
    { $gt: '' },
    { $where: 'sleep(1000)' },
    JSON.parse('{"__proto__": {"admin": true, "role": "admin"}}'),
    { constructor: { prototype: { polluted: true } } },
    [],
    [null],
    {},
    deep(200),
    deepArray(200),
  ),
  fc.integer(),
  fc.double(),
  fc.array(hostileString, { maxLength: 3 }),
);

/** A plausible value of the schema's shape (not necessarily valid: refinements are ignored). */
export function plausible(schema: z.ZodType): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const shape = def.shape ?? {};
      return fc.record(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, plausible(v)])));
    }
    case 'string':
      return fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom(...ATTACK_STRINGS));
    case 'number':
      return def.coerce ? fc.integer({ min: -5, max: 500 }).map(String) : fc.integer({ min: -5, max: 500 });
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? { x: 'x' }));
    case 'literal':
      return fc.constantFrom(...(def.values ?? [null]));
    case 'array':
      return fc.array(def.element ? plausible(def.element) : hostileValue, { maxLength: 3 });
    case 'union':
      return fc.oneof(...(def.options ?? []).map(plausible));
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
    case 'catch':
      return def.innerType ? fc.option(plausible(def.innerType), { nil: undefined }) : hostileValue;
    case 'pipe':
      return def.in ? plausible(def.in) : hostileValue;
    default:
      return hostileValue;
  }
}

const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', '$where', 'role', 'admin', 'isAdmin', 'senderId', 'seq'];

/** The plausible value, then one mutation (or none: near-valid inputs exercise the deeper paths). */
export function mutated(schema: z.ZodType | undefined): fc.Arbitrary<unknown> {
  if (!schema) return fc.oneof(hostileValue, fc.dictionary(fc.constantFrom(...EXTRA_KEYS), hostileValue));
  return fc
    .tuple(plausible(schema), fc.nat(7), fc.constantFrom(...EXTRA_KEYS), hostileValue)
    .map(([base, op, k, v]) => {
      if (typeof base !== 'object' || base === null || Array.isArray(base)) return op < 4 ? v : base;
      const obj: Record<string, unknown> = { ...(base as Record<string, unknown>) };
      const keys = Object.keys(obj);
      const some = keys[op % Math.max(1, keys.length)];
      switch (op) {
        case 0: // wrong type for a field
          if (some) obj[some] = v;
          return obj;
        case 1: // a missing field
          if (some) delete obj[some];
          return obj;
        case 2: // an extra field (prototype keys are defined as own properties, like JSON.parse does)
          Object.defineProperty(obj, k, { value: v, enumerable: true, configurable: true, writable: true });
          return obj;
        case 3: // not an object at all
          return v;
        case 4: // deep nesting in a field
          if (some) obj[some] = deep(300);
          return obj;
        case 5: // every string field replaced by an attack string
          for (const key of keys) if (typeof obj[key] === 'string') obj[key] = v;
          return obj;
        default:
          return obj;
      }
    });
}
