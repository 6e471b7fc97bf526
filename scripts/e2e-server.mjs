// Starts a real Charla server for the browser tests: embedded SQLite in a temp dir, a development
// build of the web client, cheap bcrypt. Removes its data when stopped.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, nodeTsFlags, root } from './lib.mjs';

// A development build of the current source, so React and react-query report what they only report
// in development (duplicate keys, queries without a queryFn...): e2e/support.ts fails a test on any
// console error or warning. Built on every start, so a spec never runs against a stale client.
const webDir = path.join(root, 'apps/desktop/dist-e2e');
const build = spawnSync(
  bin('vite', 'apps/desktop'),
  ['build', '--config', 'vite.web.config.ts', '--outDir', webDir, '--emptyOutDir', '--logLevel', 'warn'],
  {
    cwd: path.join(root, 'apps/desktop'),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'development' },
  },
);
// The service worker (Web Push) is its own build, into the same directory (served at /sw.js).
const swBuild =
  build.status === 0
    ? spawnSync(
        bin('vite', 'apps/desktop'),
        ['build', '--config', 'vite.sw.config.ts', '--outDir', webDir, '--logLevel', 'warn'],
        {
          cwd: path.join(root, 'apps/desktop'),
          stdio: ['ignore', 'ignore', 'inherit'],
          env: { ...process.env, NODE_ENV: 'development' },
        },
      )
    : build;
if (build.status !== 0 || swBuild.status !== 0) {
  console.error('e2e-server: the development build of the web client failed');
  process.exit(1);
}

/**
 * Test only: a local stand-in process whose URL is the first line it prints (the translation
 * provider in DeepL's wire format, reached through the real deepl-node SDK; GitHub's OAuth pages
 * and REST API for "Sign in with GitHub").
 */
async function startStandIn(name, file, env = {}) {
  const standIn = spawn(process.execPath, [...nodeTsFlags(), path.join(root, file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env, NODE_ENV: 'test' },
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    standIn.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(line.trim());
    });
    standIn.on('exit', (code) => reject(new Error(`${name} stand-in exited with ${code}`)));
  });
  return { url, stop: () => standIn.kill('SIGTERM') };
}
const translation = await startStandIn(
  'translation',
  'apps/server/src/modules/translation/translation.stand-in.main.ts',
);
// apps/desktop/e2e/github-link.e2e.ts signs in at it; the credentials are the stand-in's own.
const githubCredentials = { id: 'e2e-github-client', secret: 'e2e-github-secret-0123456789' };
const github = await startStandIn('github', 'apps/server/src/modules/oidc/github.stand-in.main.ts', {
  STAND_IN_GITHUB_CLIENT_ID: githubCredentials.id,
  STAND_IN_GITHUB_CLIENT_SECRET: githubCredentials.secret,
});

// One data dir per port, so the tests (apps/desktop/e2e/support.ts) can read the mail outbox.
const dataDir = path.join(os.tmpdir(), `charla-e2e-${process.env.CHARLA_E2E_PORT ?? '4100'}`);
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });

// The Web Push stand-in (apps/desktop/e2e/web-push.e2e.ts) serves https with a certificate made here,
// which the server trusts from start (NODE_EXTRA_CA_CERTS is read once, at process start).
const pushEnv = {};
try {
  const { standInTlsAt } = await import('../packages/test-utils/src/push-service.ts');
  const tlsDir = path.join(dataDir, 'push-stand-in');
  await standInTlsAt(tlsDir);
  Object.assign(pushEnv, {
    NODE_EXTRA_CA_CERTS: path.join(tlsDir, 'cert.pem'),
    CHARLA_PUSH_ALLOW_PRIVATE_HOSTS: '1',
  });
} catch (err) {
  console.warn(`e2e server: no Web Push stand-in certificate (${err?.message ?? err}); web-push.e2e.ts will skip`);
}
const child = spawn(process.execPath, [...nodeTsFlags(), path.join(root, 'apps/server/src/main.ts')], {
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: 'test',
    // Always the embedded store, whatever MONGODB_URI the shell exports.
    MONGODB_URI: '',
    HOST: '127.0.0.1',
    PORT: process.env.CHARLA_E2E_PORT ?? '4100',
    DATA_DIR: dataDir,
    BCRYPT_COST: '4',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    WEB_DIST_DIR: webDir,
    CHARLA_DISABLE_RATE_LIMITS: process.env.CHARLA_DISABLE_RATE_LIMITS ?? '',
    // The link-preview test site the e2e tests start (apps/desktop/e2e/support.ts: standInPort).
    LINK_PREVIEW_TEST_ALLOW: `127.0.0.1:${Number(process.env.CHARLA_E2E_PORT ?? '4100') + 20000}`,
    // A fixed address that becomes a site admin once it is verified (apps/desktop/e2e/admin.e2e.ts).
    ADMIN_EMAILS: process.env.CHARLA_E2E_ADMIN_EMAIL ?? 'admin@charla.test',
    TRANSLATE_PROVIDER: 'deepl',
    DEEPL_AUTH_KEY: 'e2e-key:fx',
    DEEPL_SERVER_URL: translation.url,
    // Small enough that apps/desktop/e2e/translation.e2e.ts can reach it with one long message.
    TRANSLATE_USER_DAILY_CHARS: process.env.CHARLA_E2E_TRANSLATE_USER_CHARS ?? '800',
    GITHUB_CLIENT_ID: githubCredentials.id,
    GITHUB_CLIENT_SECRET: githubCredentials.secret,
    GITHUB_OAUTH_URL: github.url,
    GITHUB_API_URL: github.url,
    ...pushEnv,
  },
});
const stopStandIns = () => {
  translation.stop();
  github.stop();
};
const stop = () => {
  stopStandIns();
  child.kill('SIGTERM');
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code) => {
  stopStandIns();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(code ?? 0);
});
