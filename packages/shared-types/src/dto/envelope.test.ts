import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorEnvelopeSchema, successEnvelopeSchema, utf8ByteLength } from '../index.ts';

describe('envelope schemas', () => {
  it('accepts a well-formed error envelope and rejects an unknown code', () => {
    expect(errorEnvelopeSchema.safeParse({ error: true, status: 404, message: 'x', code: 'not_found' }).success).toBe(
      true,
    );
    expect(errorEnvelopeSchema.safeParse({ error: true, status: 404, message: 'x', code: 'nope' }).success).toBe(false);
  });

  it('types the data of a success envelope', () => {
    const schema = successEnvelopeSchema(z.object({ n: z.number() }));
    expect(schema.parse({ error: false, status: 200, message: 'OK', data: { n: 1 } }).data.n).toBe(1);
    expect(schema.safeParse({ error: false, status: 200, message: 'OK', data: { n: 'one' } }).success).toBe(false);
  });
});

describe('utf8ByteLength', () => {
  it('counts bytes like UTF-8 does, lone surrogates as 3', () => {
    expect(utf8ByteLength('abc')).toBe(3);
    expect(utf8ByteLength('ñ')).toBe(2);
    expect(utf8ByteLength('€')).toBe(3);
    expect(utf8ByteLength('😀')).toBe(4);
    expect(utf8ByteLength('\ud800')).toBe(3);
  });
});
