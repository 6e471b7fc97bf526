/**
 * The storage port. Feature modules depend on these interfaces only; the SQLite and MongoDB
 * adapters implement them. One small interface per aggregate, holding only the queries features use.
 */
export type Storage = {
  readonly kind: 'sqlite' | 'mongo';
  /** Cheap round-trip used by /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
};
