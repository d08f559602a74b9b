// The production set-up of deploy/Caddyfile: Caddy in front, HTTPS and HTTP/2 to the phone,
// the app behind it on HTTP/1.1. Every file of a page comes over one HTTP/2 connection, and
// signing in works there (the app takes Caddy's X-Forwarded-Proto: HTTPS-only cookies).
import { test, expect, type APIRequestContext } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as requests } from '@playwright/test';
import { PHONE, hydrated } from './helpers';

const APP = `127.0.0.1:${process.env.E2E_PORT ?? '3100'}`;
const H2_PORT = 8443;
const ORIGIN = `https://localhost:${H2_PORT}`;
let caddy: ChildProcess | null = null;

test.beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'digdaya-caddy-'));
  caddy = spawn('caddy', ['run', '--adapter', 'caddyfile', '--config', join(__dirname, '..', '..', 'deploy', 'Caddyfile')], {
    env: {
      ...process.env,
      HOME: home,
      XDG_DATA_HOME: home,
      XDG_CONFIG_HOME: home,
      DIGDAYA_HOST: `localhost:${H2_PORT}`,
      DIGDAYA_UPSTREAM: APP,
      CADDY_GLOBAL_OPTIONS: 'admin off\nskip_install_trust\nauto_https disable_redirects',
    },
    stdio: 'ignore',
  });
  const client: APIRequestContext = await requests.newContext({ ignoreHTTPSErrors: true });
  for (let i = 0; i < 150; i++) {
    try {
      if ((await client.get(`${ORIGIN}/healthz`)).ok()) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('Caddy did not start (is the caddy package installed? .ci/setup.sh --test installs it)');
});

test.afterAll(() => {
  caddy?.kill('SIGKILL');
});

test('behind the documented proxy every file of a page comes over HTTP/2, and signing in works', async ({ browser }) => {
  const context = await browser.newContext({ viewport: PHONE, baseURL: ORIGIN, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto('/kramatwatu/peta');
  await hydrated(page);
  const protocols = await page.evaluate(() => [
    ...performance.getEntriesByType('navigation').map((e) => (e as PerformanceNavigationTiming).nextHopProtocol),
    ...performance
      .getEntriesByType('resource')
      .filter((e) => e.name.startsWith(location.origin))
      .map((e) => (e as PerformanceResourceTiming).nextHopProtocol),
  ]);
  expect(protocols.length).toBeGreaterThan(3);
  expect(new Set(protocols)).toEqual(new Set(['h2']));

  // An official signs in over it: the session cookie is the HTTPS-only one.
  await page.goto('/kramatwatu/masuk');
  await hydrated(page);
  await page.getByLabel('Nama pengguna').fill('kades.kramatwatu');
  await page.getByLabel('Kata sandi', { exact: true }).fill('kopi-tubruk-kramatwatu');
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await expect(page).toHaveURL(/\/kramatwatu\/admin$/);
  const cookies = await context.cookies();
  expect(cookies.some((c) => c.name === '__Host-digdaya_session' && c.secure)).toBe(true);
  await page.goto('/kramatwatu/admin/penduduk');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Data penduduk');
  await context.close();
});
