import type { Mail } from './mailer.ts';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function actionMail(to: string, subject: string, intro: string, action: string, link: string, outro: string): Mail {
  const text = `${intro}\n\n${action}: ${link}\n\n${outro}\n`;
  const html = `<p>${escapeHtml(intro)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(action)}</a></p><p>${escapeHtml(outro)}</p>`;
  return { to, subject, text, html, link };
}

/*
 * Mail goes to addresses a stranger may have typed: it never carries text the requester chose (a
 * display name, a username), only what the server wrote.
 */

export function verifyEmailMail(to: string, webUrl: string, token: string): Mail {
  return actionMail(
    to,
    'Confirm your email for Charla',
    'Please confirm this is your email address for your Charla account.',
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

/** To a new address: the sign-up code, and a link that does the same. */
export function signUpCodeMail(to: string, webUrl: string, code: string, token: string, ttlMinutes: number): Mail {
  const mail = actionMail(
    to,
    `${code} is your Charla sign-up code`,
    `Your code to finish creating your Charla account is ${code}. Enter it where you signed up, or open the link below.`,
    'Finish signing up',
    `${webUrl}/complete-signup?token=${encodeURIComponent(token)}`,
    `The code and the link work once, for ${ttlMinutes} minutes. If you did not sign up for Charla, ignore this mail: no account is created without it.`,
  );
  return { ...mail, code };
}

/** To the owner of an address someone tried to sign up with again: no code, nothing changed. */
export function signUpAttemptMail(to: string, webUrl: string): Mail {
  return actionMail(
    to,
    'Someone tried to sign up to Charla with your address',
    'Someone (maybe you) tried to create a Charla account with this email address, which already has one. If it was you, sign in instead, or use "Forgot your password?" on the sign-in page to choose a new password.',
    'Sign in to Charla',
    `${webUrl}/`,
    'If it was not you, ignore this mail: nothing was changed and no new account was created.',
  );
}
