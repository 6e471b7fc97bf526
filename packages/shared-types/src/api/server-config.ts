import { z } from 'zod';

/**
 * GET /api/v1/config (public, no sign-in): the limits a client checks before it sends anything, so
 * a person learns "Files can be up to 25 MB" at once rather than after uploading 40 MB.
 */
export const serverConfigSchema = z.object({
  media: z.object({ maxBytes: z.number().int().positive() }),
  /** Where people open the web client: the base of links to share (a public channel's page). */
  webUrl: z.string().optional(),
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;

const UNITS = ['bytes', 'KB', 'MB', 'GB'] as const;

/**
 * A byte count in human units, as people read file sizes (1 MB = 1024 KB, at most one decimal,
 * none when whole): 26214400 -> "25 MB". `locale` picks the decimal separator.
 */
export function humanBytes(bytes: number, locale = 'en'): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
  return `${shown} ${UNITS[unit]}`;
}

/** The server's 413 message for an oversized file. */
export const fileTooLargeMessage = (maxBytes: number) => `Files can be up to ${humanBytes(maxBytes)}`;
