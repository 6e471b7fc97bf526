import { inviteCodeSchema, inviteDesktopUrl, passwordSchema } from '@charla/shared-types';
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { AppError } from '../../http/errors.ts';
import type { AuthService } from './auth.service.ts';

/**
 * Browser pages for the links Charla mails and shares (/complete-signup, /verify-email, /reset-password,
 * /invite/<code>)
 * when this server does not serve the web client itself. If the web client lives elsewhere (WEB_URL,
 * e.g. the Vite dev server) the browser is sent there; otherwise a minimal page does the job with
 * plain HTML forms, so a link never lands on a JSON 404. Confirming takes a button press (POST): mail
 * scanners that prefetch links must not spend the token.
 */
export function linkPageRoutes(ctx: AppContext, service: AuthService, limit: RequestHandler): Router {
  const router = Router();
  const { webUrl, publicUrl } = ctx.config;
  const elsewhere = new URL(webUrl).origin !== new URL(publicUrl).origin;
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 4 });

  const redirectOr = (render: (req: Request, res: Response) => void) => (req: Request, res: Response) => {
    if (elsewhere) {
      const query = req.originalUrl.indexOf('?');
      res.redirect(302, `${webUrl}${req.path}${query >= 0 ? req.originalUrl.slice(query) : ''}`);
      return;
    }
    render(req, res);
  };

  router.get(
    '/verify-email',
    redirectOr((req, res) => {
      const s = strings(req);
      page(res, 200, s.verifyTitle, tokenForm(String(req.query.token ?? ''), s.verifyButton, ''));
    }),
  );
  router.post('/verify-email', limit, form, async (req, res) => {
    const s = strings(req);
    const token = field(req, 'token');
    try {
      await service.verifyEmail(token);
      page(res, 200, s.verifiedTitle, `<p>${s.verifiedBody}</p>`);
    } catch (err) {
      failed(res, err, s.verifyTitle, s);
    }
  });

  router.get(
    '/reset-password',
    redirectOr((req, res) => {
      const s = strings(req);
      const fields = `<label>${s.newPassword}<br><input type="password" name="password" autocomplete="new-password" minlength="8" maxlength="200" required></label>`;
      page(res, 200, s.resetTitle, tokenForm(String(req.query.token ?? ''), s.resetButton, fields));
    }),
  );
  router.post('/reset-password', limit, form, async (req, res) => {
    const s = strings(req);
    const password = passwordSchema.safeParse(field(req, 'password'));
    try {
      if (!password.success) throw new AppError(400, 'validation_failed', s.passwordRule);
      await service.resetPassword(field(req, 'token'), password.data);
      page(res, 200, s.resetDoneTitle, `<p>${s.resetDoneBody}</p>`);
    } catch (err) {
      failed(res, err, s.resetTitle, s);
    }
  });

  router.get(
    '/complete-signup',
    redirectOr((req, res) => {
      const s = strings(req);
      page(res, 200, s.signupTitle, `<p>${s.signupBody}</p>`);
    }),
  );

  router.get(
    '/invite/:code',
    redirectOr((req, res) => {
      const s = strings(req);
      const code = inviteCodeSchema.safeParse(req.params.code);
      if (!code.success) {
        page(res, 404, s.inviteTitle, `<p>${s.inviteBad}</p>`);
        return;
      }
      page(
        res,
        200,
        s.inviteTitle,
        `<p>${s.inviteBody}</p><p><a class="button" href="${escapeHtml(inviteDesktopUrl(code.data))}">${s.inviteOpen}</a></p>`,
      );
    }),
  );
  return router;
}

function field(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
}

function tokenForm(token: string, button: string, fields: string): string {
  return `<form method="post"><input type="hidden" name="token" value="${escapeHtml(token.slice(0, 200))}">${fields}<p><button type="submit">${escapeHtml(button)}</button></p></form>`;
}

function failed(res: Response, err: unknown, title: string, s: typeof en) {
  if (!(err instanceof AppError)) throw err;
  const text = err.code === 'validation_failed' ? s.passwordRule : err.code === 'rate_limited' ? s.slowDown : s.linkBad;
  if (err.headers) res.set(err.headers);
  page(res, err.status, title, `<p role="alert">${escapeHtml(text)}</p>`);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(res: Response, status: number, title: string, body: string) {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .set('Referrer-Policy', 'no-referrer')
    .type('html')
    .send(
      `<!doctype html><html lang="${res.locals.lang ?? 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)} · Charla</title><style>${STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
    );
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f4f5f7;color:#1b1d21}main{background:#fff;padding:2rem;border-radius:12px;max-width:26rem;box-shadow:0 1px 4px #0002}input{font:inherit;padding:.5rem;width:100%;box-sizing:border-box}button,.button{font:inherit;padding:.5rem 1rem;border:0;border-radius:8px;background:#1d5fd1;color:#fff;text-decoration:none;display:inline-block;cursor:pointer}@media (prefers-color-scheme:dark){body{background:#111317;color:#e8eaed}main{background:#1c1f24}}';

const en = {
  verifyTitle: 'Confirm your email',
  verifyButton: 'Confirm my email',
  verifiedTitle: 'Email confirmed',
  verifiedBody: 'Thanks! You can close this page and go back to Charla.',
  resetTitle: 'Choose a new password',
  newPassword: 'New password',
  resetButton: 'Change password',
  passwordRule: 'Use at least 8 characters (at most 72 bytes).',
  resetDoneTitle: 'Password changed',
  resetDoneBody: 'Sign in to Charla with your new password. Every device was signed out.',
  inviteTitle: 'You are invited to a Charla chat',
  inviteBody: 'This server does not serve the web client. Open the invite in the Charla desktop app:',
  inviteOpen: 'Open in Charla',
  inviteBad: 'This invite link is not valid.',
  signupTitle: 'Finish signing up',
  signupBody: 'Type the code from the mail into Charla, where you started signing up, to finish.',
  linkBad: 'This link is invalid, expired or already used. Ask for a new one from Charla.',
  slowDown: 'Too many attempts; wait a minute and try again.',
};
const es: typeof en = {
  verifyTitle: 'Confirma tu correo',
  verifyButton: 'Confirmar mi correo',
  verifiedTitle: 'Correo confirmado',
  verifiedBody: '¡Gracias! Puedes cerrar esta página y volver a Charla.',
  resetTitle: 'Elige una contraseña nueva',
  newPassword: 'Contraseña nueva',
  resetButton: 'Cambiar la contraseña',
  passwordRule: 'Usa al menos 8 caracteres (como mucho 72 bytes).',
  resetDoneTitle: 'Contraseña cambiada',
  resetDoneBody: 'Inicia sesión en Charla con tu contraseña nueva. Se cerró la sesión en todos los dispositivos.',
  inviteTitle: 'Te invitan a un chat de Charla',
  inviteBody: 'Este servidor no sirve el cliente web. Abre la invitación en la aplicación de escritorio de Charla:',
  inviteOpen: 'Abrir en Charla',
  inviteBad: 'Este enlace de invitación no es válido.',
  signupTitle: 'Termina el registro',
  signupBody: 'Escribe el código del correo en Charla, donde empezaste el registro, para terminar.',
  linkBad: 'Este enlace no es válido, caducó o ya se usó. Pide uno nuevo desde Charla.',
  slowDown: 'Demasiados intentos; espera un minuto y vuelve a probar.',
};

function strings(req: Request): typeof en {
  const lang = req.acceptsLanguages('en', 'es') === 'es' ? 'es' : 'en';
  (req.res as Response).locals.lang = lang;
  return lang === 'es' ? es : en;
}
