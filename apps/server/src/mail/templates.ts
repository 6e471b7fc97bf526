import type { Mail } from './mailer.ts';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function actionMail(to: string, subject: string, intro: string, action: string, link: string, outro: string): Mail {
  const text = `${intro}\n\n${action}: ${link}\n\n${outro}\n`;
  const html = `<p>${escapeHtml(intro)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(action)}</a></p><p>${escapeHtml(outro)}</p>`;
  return { to, subject, text, html, link };
}

export function verifyEmailMail(to: string, webUrl: string, token: string, displayName: string): Mail {
  return actionMail(
    to,
    'Confirm your email for Charla',
    `Hi ${displayName}, please confirm this is your email address.`,
    'Confirm my email',
    `${webUrl}/verify-email?token=${encodeURIComponent(token)}`,
    'The link works once. If you did not sign up for Charla, ignore this mail.',
  );
}

export function resetPasswordMail(to: string, webUrl: string, token: string): Mail {
  return actionMail(
    to,
    'Reset your Charla password',
    'Someone (hopefully you) asked to reset the password of your Charla account.',
    'Choose a new password',
    `${webUrl}/reset-password?token=${encodeURIComponent(token)}`,
    'The link works once, for 30 minutes. If you did not ask for it, ignore this mail: your password is unchanged.',
  );
}
