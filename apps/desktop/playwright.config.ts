import path from 'node:path';
import { defineConfig } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '../..');
const port = Number(process.env.CHARLA_E2E_PORT ?? 4100);
/** System Chromium on Linux (Playwright's download is unavailable there); overridable by env. */
const executablePath =
  process.env.CHARLA_CHROMIUM_PATH ?? (process.platform === 'linux' ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.e2e.ts',
  outputDir: path.join(root, 'test-results/e2e'),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [['list'], ['json', { outputFile: path.join(root, 'test-results/playwright.json') }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `node ${path.join(root, 'scripts/e2e-server.mjs')}`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    // Includes a development build of the web client (scripts/e2e-server.mjs).
    timeout: 180_000,
    // The suite signs up dozens of users from one IP in a few minutes: per-IP auth limits would refuse them.
    env: { CHARLA_E2E_PORT: String(port), CHARLA_DISABLE_RATE_LIMITS: process.env.CHARLA_DISABLE_RATE_LIMITS ?? '1' },
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
