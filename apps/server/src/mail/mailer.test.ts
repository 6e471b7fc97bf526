import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { createMailer } from './mailer.ts';
import { resetPasswordMail, verifyEmailMail } from './templates.ts';

type Received = { from: string; to: string[]; raw: string };

/** Undoes quoted-printable soft breaks and escapes, enough to read links back. */
const unQp = (raw: string) =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

describe('mailer', () => {
  let smtp: SMTPServer;
  let port: number;
  let dir: string;
  const received: Received[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-mail-'));
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: unQp(Buffer.concat(chunks).toString('utf8')),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers through SMTP_URL to a real SMTP server', async () => {
    const mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: 'Charla <no-reply@charla.test>',
      dataDir: dir,
      logger: createLogger('silent'),
    });
    await mailer.send(verifyEmailMail('zoë@example.com', 'https://chat.example.com', 'tok_123'));
    mailer.close?.();
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail?.from).toBe('no-reply@charla.test');
    expect(mail?.to).toEqual(['zoë@example.com']);
    expect(mail?.raw).toMatch(/Subject: Confirm your email for Charla/);
    expect(mail?.raw).toContain('https://chat.example.com/verify-email?token=tok_123');
    // Mail to an address someone typed carries no text they chose (once it greeted the display name).
    expect(mail?.raw).not.toMatch(/Hi /);
  });

  it('writes .eml files to DATA_DIR/outbox and logs the link when SMTP_URL is unset', async () => {
    const lines: string[] = [];
    const logger = createLogger('info');
    const spy = logger.child({});
    spy.info = ((obj: unknown) => {
      lines.push(JSON.stringify(obj));
    }) as typeof spy.info;
    const mailer = createMailer({ from: 'Charla <no-reply@charla.local>', dataDir: dir, logger: spy });
    await mailer.send(
      resetPasswordMail('a@example.com', 'http://127.0.0.1:4000', 'pX9pPKROW6WEOthMXRNC2V1tAsKjAjszQSvkUqkqZOA'),
    );
    const files = fs.readdirSync(path.join(dir, 'outbox'));
    expect(files).toHaveLength(1);
    const eml = fs.readFileSync(path.join(dir, 'outbox', files[0] ?? ''), 'utf8');
    expect(eml).toMatch(/^To: a@example.com$/m);
    expect(eml).toMatch(
      /^X-Charla-Link: http:\/\/127\.0\.0\.1:4000\/reset-password\?token=pX9pPKROW6WEOthMXRNC2V1tAsKjAjszQSvkUqkqZOA$/m,
    );
    expect(unQp(eml)).toContain(
      'http://127.0.0.1:4000/reset-password?token=pX9pPKROW6WEOthMXRNC2V1tAsKjAjszQSvkUqkqZOA',
    );
    expect(lines.join('\n')).toContain(
      'http://127.0.0.1:4000/reset-password?token=pX9pPKROW6WEOthMXRNC2V1tAsKjAjszQSvkUqkqZOA',
    );
  });

  it('a registration through the app reaches the SMTP server', async () => {
    const { startTestApp, TEST_PASSWORD } = await import('../../test/harness.ts');
    const { createMailer: make } = await import('./mailer.ts');
    const before = received.length;
    const t = await startTestApp({
      deps: {
        mailer: make({
          smtpUrl: `smtp://127.0.0.1:${port}`,
          from: 'no-reply@charla.test',
          dataDir: dir,
          logger: createLogger('silent'),
        }),
      },
    });
    try {
      const email = 'smtp-signup@example.com';
      const post = (path: string, body: unknown) =>
        fetch(`${t.api}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await post('/auth/register', { email, password: TEST_PASSWORD, displayName: 'Smtp' })).status).toBe(202);
      // Sign-up mail leaves in the background.
      for (let i = 0; i < 100 && received.length === before; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received.length).toBe(before + 1);
      expect(received.at(-1)?.to).toEqual([email]);
      const raw = (received.at(-1)?.raw ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      const link = /http:\/\/charla\.test\/complete-signup\?token=([\w-]+)/.exec(raw);
      expect(link?.[1]).toBeDefined();
      const res = await post('/auth/register/verify', { token: link?.[1], password: TEST_PASSWORD });
      expect(res.status).toBe(201);
    } finally {
      await t.close();
    }
  });
});
