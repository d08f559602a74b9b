import { defineConfig } from '@playwright/test';

// The server is started by serve.sh with a fresh SQLite database and the demo village.
const port = process.env.E2E_PORT ?? '3100';

export default defineConfig({
  testDir: './tests',
  // The scenario tests walk several people through a dozen pages each; on a busy 2-core CI
  // machine that takes longer than Playwright's default 30 s.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    },
  },
  webServer: {
    command: 'sh ./serve.sh',
    url: `http://127.0.0.1:${port}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
