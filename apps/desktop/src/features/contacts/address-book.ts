import { normaliseDiscoveryEmail } from '@charla/shared-types';
import ICAL from 'ical.js';
import Papa from 'papaparse';

/** Someone in an imported address book: a name to show and their email addresses (normalised). */
export type AddressBookEntry = { name: string; emails: string[] };

/** A contacts export bigger than this is not an address book. */
export const ADDRESS_BOOK_MAX_BYTES = 5 * 1024 * 1024;

// Linear by construction (regex-safety.test.ts): the local part cannot hold "@", domain labels cannot hold ".".
const EMAIL = /^[^\s@<>()[\],;:"]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63})+$/u;
const emailIn = (value: string): string | null => {
  const v = normaliseDiscoveryEmail(value.replace(/^mailto:/i, ''));
  return v.length <= 254 && EMAIL.test(v) ? v : null;
};

/** vCard 2.1/3.0/4.0 (one file, any number of cards), parsed by ical.js; cards without email are skipped. */
export function parseVCards(text: string): AddressBookEntry[] {
  const parsed = ICAL.parse(text) as unknown[];
  // One card parses to the card itself, several to a list of cards.
  const cards = (typeof parsed[0] === 'string' ? [parsed] : parsed) as unknown[][];
  return cards.flatMap((jcard) => {
    const card = new ICAL.Component(jcard as never);
    const emails = card
      .getAllProperties('email')
      .flatMap((p) => {
        const value = p.getFirstValue();
        return typeof value === 'string' ? [emailIn(value)] : [];
      })
      .filter((e): e is string => e !== null);
    const fn = card.getFirstPropertyValue('fn');
    const name = typeof fn === 'string' && fn.trim() ? fn.trim() : (emails[0] ?? '');
    return emails.length ? [{ name, emails: [...new Set(emails)] }] : [];
  });
}

/**
 * CSV exports (Google, Outlook, Apple and hand-made ones differ in their columns): every cell that
 * is an email address counts; the name is the row's name-like columns, else its first other cell.
 */
export function parseCsv(text: string): AddressBookEntry[] {
  const rows = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true }).data;
  const header = rows[0]?.map((h) => h.trim().toLowerCase()) ?? [];
  const hasHeader = header.length > 0 && header.every((h) => !emailIn(h));
  const columns = (re: RegExp) => (hasHeader ? header.flatMap((h, i) => (re.test(h) ? [i] : [])) : []);
  // A full-name column wins; else the name parts, in file order.
  const full = columns(/^(name|full name|display name)$/);
  const nameColumns = full.length ? full.slice(0, 1) : columns(/^(first|given|middle|last|family) name$/);
  return (hasHeader ? rows.slice(1) : rows).flatMap((row) => {
    const emails = [...new Set(row.map(emailIn).filter((e): e is string => e !== null))];
    if (!emails.length) return [];
    const named = nameColumns.map((i) => row[i]?.trim() ?? '').filter(Boolean);
    const first = row.find((cell) => cell.trim() && !emailIn(cell))?.trim();
    return [{ name: named.length ? named.join(' ') : (first ?? emails[0] ?? ''), emails }];
  });
}

/** By content first (a .txt can be a vCard), else by the file name. */
export function parseAddressBook(fileName: string, text: string): AddressBookEntry[] {
  if (/^\s*BEGIN:VCARD/i.test(text)) return parseVCards(text);
  if (/\.vcf$/i.test(fileName)) return parseVCards(text);
  return parseCsv(text);
}

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** hex(SHA-256(salt + "\n" + address)) for each address, as dto/discovery.ts defines it: hash → address. */
export async function hashEmails(salt: string, emails: Iterable<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const email of new Set(emails)) {
    const data = new TextEncoder().encode(`${salt}\n${normaliseDiscoveryEmail(email)}`);
    out.set(hex(await crypto.subtle.digest('SHA-256', data)), email);
  }
  return out;
}
