import { describe, expect, it } from 'vitest';
import { hashEmails, parseAddressBook, parseCsv, parseVCards } from './address-book.ts';

describe('address book import', () => {
  it('reads vCards 3.0 and 4.0: names, every email (grouped, typed, folded lines), skips cards without one', () => {
    const vcf = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Ben Example',
      'EMAIL;TYPE=INTERNET,HOME:Ben@Example.com',
      'item1.EMAIL:ben.work@example.com',
      'TEL:+34 600 000 000',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Cy',
      '  Long',
      'EMAIL:mailto:cy@example.com',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Phone Only',
      'TEL:+1 555 0100',
      'END:VCARD',
      '',
    ].join('\r\n');
    expect(parseVCards(vcf)).toEqual([
      { name: 'Ben Example', emails: ['ben@example.com', 'ben.work@example.com'] },
      { name: 'Cy Long', emails: ['cy@example.com'] },
    ]);
    // A single card, and one without a name.
    expect(parseVCards('BEGIN:VCARD\nVERSION:4.0\nEMAIL:solo@example.com\nEND:VCARD\n')).toEqual([
      { name: 'solo@example.com', emails: ['solo@example.com'] },
    ]);
  });

  it('reads CSV exports with or without a header, quoted cells and any email column', () => {
    const google =
      'Name,Given Name,E-mail 1 - Value,E-mail 2 - Value\n"Doe, Dee",Dee,dee@example.com,DEE@work.example\nNo Mail,No,,\n';
    expect(parseCsv(google)).toEqual([{ name: 'Doe, Dee', emails: ['dee@example.com', 'dee@work.example'] }]);
    expect(parseCsv('first name,last name,email\nAna,Pérez,ana@example.com')).toEqual([
      { name: 'Ana Pérez', emails: ['ana@example.com'] },
    ]);
    expect(parseCsv('Eve,eve@example.com\nnot-an-email,@,a@b')).toEqual([{ name: 'Eve', emails: ['eve@example.com'] }]);
    expect(parseCsv('')).toEqual([]);
  });

  it('chooses the parser by content, then by name; a broken vCard throws (the dialog says so)', () => {
    expect(
      parseAddressBook('contacts.txt', 'BEGIN:VCARD\nVERSION:3.0\nFN:A\nEMAIL:a@example.com\nEND:VCARD'),
    ).toHaveLength(1);
    expect(parseAddressBook('contacts.csv', 'a,a@example.com')).toEqual([{ name: 'a', emails: ['a@example.com'] }]);
    expect(() => parseAddressBook('broken.vcf', 'this is not a vcard')).toThrow();
  });

  it('hashes as the server expects: hex SHA-256 of salt, newline, normalised address', async () => {
    const hashes = await hashEmails('s4lt', ['ben@example.com', 'ben@example.com']);
    // printf 's4lt\nben@example.com' | sha256sum (the server's discovery.test.ts checks its side).
    const expected = '81532bf0dc19551c319362f7ac45e1b8e376656a10c7c52862145f3b215c914a';
    expect([...hashes]).toEqual([[expected, 'ben@example.com']]);
  });
});
