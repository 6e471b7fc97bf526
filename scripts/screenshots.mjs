// Regenerates docs/screenshots: a throw-away server (embedded SQLite in a temp dir, the built web
// client), three seeded people with a direct chat and a group holding photos, a voice note, links and
// formatted text, then Chromium captures the main screens in light, dark, Spanish and at 400 px.
//   node scripts/screenshots.mjs            (builds the web client first if apps/desktop/dist is missing)
//   CHARLA_SCREENSHOTS_OUT=/tmp/shots node scripts/screenshots.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { nodeTsFlags, pnpmCommand, root, run } from './lib.mjs';

const port = Number(process.env.CHARLA_SCREENSHOTS_PORT ?? 4170);
const base = `http://127.0.0.1:${port}`;
const out = process.env.CHARLA_SCREENSHOTS_OUT ?? path.join(root, 'docs/screenshots');
const dist = path.join(root, 'apps/desktop/dist');
const password = 'correct horse battery';
const sharp = createRequire(path.join(root, 'apps/server/package.json'))('sharp');

if (!fs.existsSync(path.join(dist, 'index.html'))) {
  const [pnpm, ...pre] = pnpmCommand();
  if ((await run(pnpm, [...pre, '--filter', '@charla/desktop', 'run', 'build'])) !== 0) process.exit(1);
}
fs.mkdirSync(out, { recursive: true });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-shots-'));
const server = spawn(process.execPath, [...nodeTsFlags(), path.join(root, 'apps/server/src/main.ts')], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: base,
    DATA_DIR: dataDir,
    BCRYPT_COST: '4',
    LOG_LEVEL: 'warn',
    WEB_DIST_DIR: dist,
    CHARLA_DISABLE_RATE_LIMITS: '1',
  },
});
const stop = () => {
  server.kill('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
};
process.on('exit', stop);

async function waitForServer() {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server did not start');
}

async function api(token, method, p, body) {
  const res = await fetch(`${base}/api/v1${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${json.message}`);
  return json.data;
}

/** The code of the newest sign-up mail to `email` in the throw-away server's outbox. */
async function mailedCode(email) {
  const outbox = path.join(dataDir, 'outbox');
  for (let i = 0; i < 100; i++) {
    const files = fs.existsSync(outbox) ? fs.readdirSync(outbox).sort().reverse() : [];
    for (const file of files) {
      const lines = fs.readFileSync(path.join(outbox, file), 'utf8').split(/\r?\n/);
      const code = lines.find((l) => l.startsWith('X-Charla-Code: '));
      if (code && lines.includes(`To: ${email}`)) return code.slice('X-Charla-Code: '.length).trim();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no sign-up code for ${email}`);
}

/** Sign-up mails a code; the code finishes it and signs in. */
async function registerPerson(displayName, username, about) {
  const email = `${username}@example.com`;
  const post = async (p, body) => {
    const res = await fetch(`${base}/api/v1${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${p} ${username}: ${res.status} ${json.message}`);
    return json.data;
  };
  await post('/auth/register', { email, password, displayName, username, client: 'desktop' });
  const data = await post('/auth/register/verify', {
    email,
    code: await mailedCode(email),
    password,
    client: 'desktop',
  });
  await api(data.accessToken, 'PATCH', '/users/me', { about });
  return { id: data.user.id, token: data.accessToken, username, displayName };
}

/** A soft gradient "photo" with a sun, made here (no binary files in the repo). */
async function photo(hue) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="640">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,62%)"/><stop offset="1" stop-color="hsl(${hue + 40},60%,32%)"/>
    </linearGradient></defs>
    <rect width="960" height="640" fill="url(#g)"/>
    <circle cx="700" cy="190" r="80" fill="hsl(${hue + 180},90%,85%)"/>
    <path d="M0 520 L260 300 L420 460 L600 260 L960 560 L960 640 L0 640 Z" fill="hsl(${hue + 20},45%,22%)"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer();
}

async function upload(token, name, bytes, type) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${base}/api/v1/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return (await res.json()).data;
}

let n = 0;
const say = (who, conversationId, text, extra = {}) =>
  api(who.token, 'POST', `/conversations/${conversationId}/messages`, { clientMsgId: `seed-${n++}`, text, ...extra });

async function seed() {
  const ana = await registerPerson('Ana Lima', 'ana', 'Product designer in Lisbon. Weekend climber.');
  const ben = await registerPerson('Ben Ortiz', 'ben', 'Coffee first. Then code.');
  const cy = await registerPerson('Cy Park', 'cypark', 'Trail runner');
  const direct = await api(ana.token, 'POST', '/conversations', { kind: 'direct', userId: ben.id });
  const group = await api(ana.token, 'POST', '/conversations', {
    kind: 'group',
    title: 'Weekend climbing',
    description: 'Saturday sessions at the crag',
    memberIds: [ben.id, cy.id],
  });
  await say(cy, group.id, 'Who is in for Saturday?');
  const wall = await upload(cy.token, 'crag.jpg', await photo(200), 'image/jpeg');
  await say(cy, group.id, 'Conditions look *perfect*', { attachments: [wall.id] });
  await say(ben, group.id, 'Count me in! Route notes: https://example.com/topo');
  await say(ben, direct.id, 'Morning! Did you see the new mockups?');
  await say(ana, direct.id, 'Yes — *love* the new chat list. Two small things:');
  await say(ana, direct.id, '1. _spacing_ on the header\n2. the `--accent` token in dark mode');
  const view = await upload(ben.token, 'lisbon.jpg', await photo(20), 'image/jpeg');
  const view2 = await upload(ben.token, 'tram.jpg', await photo(320), 'image/jpeg');
  const m = await say(ben, direct.id, 'Also, the view from the office today', { attachments: [view.id, view2.id] });
  await api(ana.token, 'PUT', `/messages/${m.id}/reactions/${encodeURIComponent('😍')}`);
  await say(ben, direct.id, 'Specs are in https://example.com/spec — ~old draft~ new draft');
  return { ana, ben, cy, direct, group };
}

async function signIn(page, who) {
  await page.goto(`${base}/`);
  await page.getByLabel(/Email or username|Correo o nombre de usuario/).fill(who.username);
  await page.getByLabel(/^Password|^Contraseña/).fill(password);
  await page.getByRole('button', { name: /^Sign in$|^Entrar$/ }).click();
  await page.getByRole('navigation').first().waitFor();
}

const settle = (page) => page.waitForTimeout(600);

/** Shows the newest messages (a chat may open at its "Unread" divider). */
async function toLatest(page) {
  const jump = page.getByRole('button', { name: /^Jump to latest$|^Ir al último$/ });
  if (await jump.isVisible()) await jump.click();
  await page.waitForTimeout(400);
}

async function main() {
  await waitForServer();
  const s = await seed();
  const browser = await chromium.launch({
    executablePath:
      process.env.CHARLA_CHROMIUM_PATH ?? (process.platform === 'linux' ? '/usr/bin/chromium' : undefined),
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
  const shoot = async (page, name) => {
    await settle(page);
    await page.screenshot({ path: path.join(out, `${name}.png`) });
    console.log(`  ${name}.png`);
  };

  // Light, English, 1280x800: a voice note first (recorded through the UI with the fake microphone).
  const ctx = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
  });
  const page = await ctx.newPage();
  await signIn(page, s.ana);
  await page.getByRole('navigation', { name: 'Conversations' }).getByText('Ben Ortiz').click();
  await page.getByRole('button', { name: 'Record a voice message' }).click();
  await page.waitForTimeout(4200);
  await page.getByRole('button', { name: 'Send voice message' }).click();
  await page
    .getByRole('button', { name: /^Play voice message/ })
    .last()
    .waitFor();
  await say(s.ben, s.direct.id, 'Sounds good, see you at 10 👍');
  await page.getByRole('log').getByText('see you at 10').waitFor();
  await toLatest(page);
  await shoot(page, 'chat-light');
  await page.getByRole('button', { name: 'Details' }).click();
  await page
    .getByRole('complementary', { name: 'Details' })
    .getByRole('button', { name: /^Open image/ })
    .first()
    .waitFor();
  await shoot(page, 'details-light');
  await page.getByRole('button', { name: 'Details' }).click();
  await page.getByRole('button', { name: 'Open image tram.jpg' }).click();
  await page.getByRole('dialog', { name: /tram\.jpg/ }).waitFor();
  await shoot(page, 'viewer');
  await page.keyboard.press('Escape');
  await page
    .getByRole('navigation', { name: 'Conversations' })
    .getByText('Weekend climbing')
    .click({ button: 'right' });
  await page.getByRole('menu').waitFor();
  await shoot(page, 'chat-list-menu');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('region', { name: 'Appearance' }).scrollIntoViewIfNeeded();
  await shoot(page, 'settings-light');

  // Dark + Spanish, with a purple accent and a dotted background (saved with the account).
  const appearance = page.getByRole('region', { name: 'Appearance' });
  await appearance.getByLabel('Dark').check();
  await appearance.getByLabel('Purple').check();
  await appearance.getByLabel('Dots').check();
  await page.getByLabel('Language').selectOption('es');
  await page.getByRole('heading', { name: 'Ajustes', level: 1 }).waitFor();
  await shoot(page, 'settings-dark-es');
  await page.getByRole('button', { name: 'Volver' }).click();
  await page.getByRole('navigation', { name: 'Conversaciones' }).getByText('Weekend climbing').click();
  await toLatest(page);
  await page.getByRole('button', { name: 'Información del grupo' }).click();
  await shoot(page, 'chat-dark-es');
  await ctx.close();

  // 400 px wide (phone-sized window), light: the list, then a chat.
  const narrow = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 400, height: 800 },
    colorScheme: 'light',
  });
  const phone = await narrow.newPage();
  await signIn(phone, s.ben);
  await shoot(phone, 'list-400');
  await phone.getByRole('navigation', { name: 'Conversations' }).getByText('Ana Lima').click();
  await toLatest(phone);
  await phone
    .getByRole('button', { name: /^Play voice message/ })
    .last()
    .waitFor();
  await shoot(phone, 'chat-400');
  await narrow.close();
  await browser.close();
}

try {
  console.log(`screenshots -> ${path.relative(root, out) || out}`);
  await main();
  stop();
  process.exit(0);
} catch (err) {
  console.error(err);
  stop();
  process.exit(1);
}
