import { describe, expect, it } from 'vitest';
import { assertPlaintextAllowed, serverMayReadContent } from './content-policy.ts';

// The rule itself, without a conversation store (content-policy.test.ts on the e2ee branch covers
// the features that ask it, with real encrypted conversations).
describe('content policy rules', () => {
  it('the server reads only conversations that are not end-to-end encrypted', () => {
    expect(serverMayReadContent({ encrypted: false })).toBe(true);
    expect(serverMayReadContent({ encrypted: true })).toBe(false);
  });

  it('a plain-text operation on an encrypted conversation is a 409 encrypted_conversation', () => {
    expect(() => assertPlaintextAllowed({ encrypted: false })).not.toThrow();
    expect(() => assertPlaintextAllowed({ encrypted: true })).toThrow(
      expect.objectContaining({ status: 409, code: 'encrypted_conversation' }),
    );
  });
});
