import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

export type Mail = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The action link, logged when mail goes to the outbox so the embedded default stays usable. */
  link?: string;
  /** A code to type (sign-up), also put in an `X-Charla-Code` header of outbox files. */
  code?: string;
  /** Extra headers (e.g. RFC 8058 List-Unsubscribe). */
  headers?: Record<string, string>;
};

export type Mailer = {
  send(mail: Mail): Promise<void>;
  close?(): void;
};

/** SMTP when `smtpUrl` is set; otherwise `.eml` files under `<dataDir>/outbox` plus a log line with the link. */
export function createMailer(options: { smtpUrl?: string; from: string; dataDir: string; logger: Logger }): Mailer {
  const { smtpUrl, from, dataDir, logger } = options;
  if (smtpUrl) {
    const transport = nodemailer.createTransport(smtpUrl);
    return {
      async send(mail) {
        await transport.sendMail({
          from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          ...(mail.headers ? { headers: mail.headers } : {}),
        });
      },
      close: () => transport.close(),
    };
  }
  const outbox = path.join(dataDir, 'outbox');
  // streamTransport renders a complete RFC 822 message without any network.
  const render = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await render.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // The body is quoted-printable (soft line breaks, "=3D"): a plain header keeps the link greppable.
        // `prepared` stops nodemailer from folding the long URL onto a second line.
        headers: {
          ...mail.headers,
          ...(mail.link ? { 'X-Charla-Link': { prepared: true, value: mail.link } } : {}),
          ...(mail.code ? { 'X-Charla-Code': mail.code } : {}),
        },
      });
      fs.mkdirSync(outbox, { recursive: true });
      const file = path.join(
        outbox,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`,
      );
      fs.writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      logger.info({ to: mail.to, subject: mail.subject, file, link: mail.link }, 'mail written to outbox');
    },
  };
}

/** Keeps mail in memory; for tests that only need to read the link back. */
export function createMemoryMailer(): Mailer & { sent: Mail[]; lastTo(to: string): Mail | undefined } {
  const sent: Mail[] = [];
  return {
    sent,
    async send(mail) {
      sent.push(mail);
    },
    lastTo: (to) => sent.filter((m) => m.to === to).at(-1),
  };
}
