import { z } from 'zod';
import { publicProfileSchema } from './user.ts';

/*
 * Find friends by email without handing over an address book. The client normalises each address
 * (`normaliseDiscoveryEmail`), hashes it as hex(SHA-256(salt + "\n" + address)) with the server's
 * salt (GET /discovery/me), and sends only the hashes. The server answers with the people whose
 * verified email has one of those hashes and who turned discovery on (off by default).
 */
export const DISCOVERY_HASH_ALGORITHM = 'SHA-256';
/** Per request; the client sends a bigger address book in batches (the per-user rate limit applies). */
export const DISCOVERY_LOOKUP_MAX = 500;

/** Trimmed and lower-cased: what both sides hash. */
export const normaliseDiscoveryEmail = (email: string): string => email.trim().toLowerCase();

export const discoveryHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'A hex SHA-256 hash');

export const discoverySettingsSchema = z.object({
  /** Whether people who have my email address may find me with it. */
  discoverableByEmail: z.boolean(),
  /** The salt of this server's hashes. */
  salt: z.string(),
  algorithm: z.literal(DISCOVERY_HASH_ALGORITHM),
});
export type DiscoverySettings = z.infer<typeof discoverySettingsSchema>;

export const updateDiscoverySchema = z.object({ discoverableByEmail: z.boolean() }).strict();

export const discoveryLookupSchema = z
  .object({ hashes: z.array(discoveryHashSchema).min(1).max(DISCOVERY_LOOKUP_MAX) })
  .strict();
export type DiscoveryLookup = z.infer<typeof discoveryLookupSchema>;

export const discoveryMatchSchema = z.object({ hash: z.string(), user: publicProfileSchema });
export const discoveryResultSchema = z.object({ matches: z.array(discoveryMatchSchema) });
export type DiscoveryResult = z.infer<typeof discoveryResultSchema>;
