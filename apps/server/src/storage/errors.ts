/** Thrown by any adapter when a unique constraint is hit; services map it to a 409. */
export class DuplicateKeyError extends Error {
  readonly field: string;
  constructor(field: string) {
    super(`duplicate ${field}`);
    this.name = 'DuplicateKeyError';
    this.field = field;
  }
}
