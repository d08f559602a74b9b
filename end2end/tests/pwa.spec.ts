// The installable app in a blank spot. These tests run their own server (port 3150) so that
// they can take it away: a phone without a signal reaches nothing, its service worker included.
import { test, expect, chromium, type Page, type BrowserContext } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PHONE, PHOTO, hydrated } from './helpers';

const PORT = 3150;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const BIN = process.env.DIGDAYA_BIN!;
const SITE = process.env.LEPTOS_SITE_ROOT!;
const dir = mkdtempSync(join(tmpdir(), 'digdaya-pwa-'));
const env = (site: string) => ({
  ...process.env,
  DATABASE_URL: `sqlite://${dir}/pwa.db?mode=rwc`,
  DIGDAYA_DATA_DIR: dir,
  LEPTOS_SITE_ADDR: `127.0.0.1:${PORT}`,
  LEPTOS_SITE_ROOT: site,
  RUST_LOG: 'warn',
});
let server: ChildProcess | null = null;
let resident = { nik: '', pin: '' };

async function start(site = SITE) {
  server = spawn(BIN, ['serve'], { env: env(site), stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${ORIGIN}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the test server did not start');
}

async function stop() {
  if (!server) return;
  const exited = new Promise((r) => server!.once('exit', r));
  server.kill('SIGKILL');
  await exited;
  server = null;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  const seed = spawnSync(BIN, ['seed-demo', '--residents', '300'], { env: env(SITE), encoding: 'utf8' });
  expect(seed.status, seed.stderr).toBe(0);
  const m = seed.stdout.match(/NIK (\d{16}) PIN (\d{6})/)!;
  resident = { nik: m[1], pin: m[2] };
});

test.beforeEach(async () => {
  await start();
});

test.afterEach(async () => {
  await stop();
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/// A phone whose requests reach only the test server (no map tiles from elsewhere).
async function phoneContext(browser: import('@playwright/test').Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: PHONE, baseURL: ORIGIN });
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
  return context;
}

/// Once the service worker controls the page, what the page loads next is kept.
async function controlled(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 15_000 });
}

/// No signal: the server is gone and the browser knows it.
async function offline(context: BrowserContext) {
  await stop();
  await context.setOffline(true);
}

async function online(context: BrowserContext) {
  await start();
  await context.setOffline(false);
}

test('the village app is installable', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'digdaya-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    viewport: PHONE,
  });
  try {
    const page = await context.newPage();
    await page.goto(`${ORIGIN}/kramatwatu`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    expect(manifest.url).toBe(`${ORIGIN}/kramatwatu/manifest.webmanifest`);
    await expect
      .poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, { timeout: 15_000 })
      .toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('pages once visited are read without a signal: home, a news article, the map with its layers', async ({ browser }) => {
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await page.goto('/kramatwatu');
  await controlled(page);
  // Visited while the worker is in charge: kept.
  await page.goto('/kramatwatu');
  const article = (await page.locator('a[href^="/kramatwatu/berita/"]').first().getAttribute('href'))!;
  await page.goto(article);
  const title = (await page.locator('h1').textContent())!;
  await page.goto('/kramatwatu/peta');
  await hydrated(page);
  await expect.poll(() => page.locator('#village-map .leaflet-overlay-pane path').count()).toBeGreaterThan(4);
  await expect.poll(() => page.locator('#village-map .map-icon').count()).toBeGreaterThanOrEqual(8);

  await offline(context);
  await page.goto('/kramatwatu');
  await expect(page.locator('h1')).toHaveText('Desa Kramatwatu');
  await expect(page.locator('html')).toHaveClass(/offline/);
  await page.goto(article);
  await expect(page.locator('h1')).toHaveText(title);
  await page.goto('/kramatwatu/peta');
  await hydrated(page);
  await expect.poll(() => page.locator('#village-map .leaflet-overlay-pane path').count()).toBeGreaterThan(4);
  await expect.poll(() => page.locator('#village-map .map-icon').count()).toBeGreaterThanOrEqual(8);
  // A page never opened: what can be read instead.
  await page.goto('/kramatwatu/agenda');
  await expect(page.locator('h1')).toHaveText('Tidak ada sinyal');
  await expect(page.locator('#offline-page a[href="/kramatwatu/peta"]')).toBeVisible();
  await context.close();
});

async function signIn(page: Page) {
  await page.goto('/kramatwatu/masuk');
  await hydrated(page);
  await page.getByLabel('NIK').fill(resident.nik);
  await page.getByLabel('PIN').fill(resident.pin);
  await page.getByRole('button', { name: 'Masuk sebagai warga' }).click();
  await expect(page).toHaveURL(/\/akun(\/ganti-pin)?$/);
  if (page.url().endsWith('/ganti-pin')) {
    await hydrated(page);
    await page.getByLabel('PIN saat ini').fill(resident.pin);
    await page.getByLabel('PIN baru', { exact: true }).fill('582914');
    await page.getByLabel('Ulangi PIN baru').fill('582914');
    await page.getByRole('button', { name: 'Simpan PIN' }).click();
    await expect(page).toHaveURL(/\/akun$/);
    resident.pin = '582914';
  }
}

test('offline, a letter request with photos and a report wait on the phone and arrive exactly once', async ({ browser }) => {
  const context = await phoneContext(browser);
  let page = await context.newPage();
  await page.goto('/kramatwatu');
  await controlled(page);
  await signIn(page);
  // Opened once with a signal, so that they open without one.
  await page.goto('/kramatwatu');
  await page.goto('/kramatwatu/layanan');
  await page.getByRole('link', { name: 'Surat Keterangan Domisili' }).click();
  await expect(page).toHaveURL(/\/layanan\/surat\/\d+$/);
  const letterForm = page.url();
  await page.goto(letterForm);
  await hydrated(page);
  await page.goto('/kramatwatu/pengaduan/baru');
  await hydrated(page);

  await offline(context);
  await page.goto(letterForm);
  await hydrated(page);
  await expect(page.locator('#request-form')).toBeVisible();
  await page.getByLabel('Keperluan').fill('melamar pekerjaan');
  await page.getByLabel('Foto KTP').setInputFiles({ name: 'ktp.png', mimeType: 'image/png', buffer: PHOTO });
  await page.getByLabel('Foto Kartu Keluarga').setInputFiles({ name: 'kk.png', mimeType: 'image/png', buffer: PHOTO });
  await page.getByRole('button', { name: 'Kirim permohonan' }).click();
  await expect(page.locator('#outbox-sent')).toContainText('Tersimpan di ponsel');

  await page.goto('/kramatwatu/pengaduan/baru');
  await hydrated(page);
  await page.getByLabel('Kategori').selectOption('Lampu jalan');
  await page.getByLabel('Apa masalahnya?').fill('Lampu jalan di pertigaan dekat masjid mati sejak seminggu.');
  await page.getByLabel('Tidak bisa memakai peta? Pilih dusunnya').selectOption({ index: 1 });
  await page.getByLabel(/^Foto/).setInputFiles({ name: 'lampu.png', mimeType: 'image/png', buffer: PHOTO });
  await page.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(page.locator('#outbox-sent')).toContainText('Tersimpan di ponsel');

  // Closed and opened again, still without a signal: both wait.
  await page.close();
  page = await context.newPage();
  await page.goto('/kramatwatu');
  await expect(page.locator('#outbox-bar')).toContainText('2 kiriman menunggu sinyal');
  await page.locator('#outbox-bar').getByRole('button', { name: 'Lihat' }).click();
  await expect(page.locator('#outbox-panel .outbox-item')).toHaveCount(2);
  await expect(page.locator('#outbox-panel .outbox-item.menunggu')).toHaveCount(2);

  // The signal returns: both are sent, once.
  await online(context);
  await expect(page.locator('#outbox-panel .outbox-item.terkirim')).toHaveCount(2, { timeout: 20_000 });
  await expect(page.locator('#outbox-bar')).toHaveCount(0);
  const letter = (await page.locator('#outbox-panel .outbox-item', { hasText: 'Permohonan' }).getByRole('link', { name: 'Buka' }).getAttribute('href'))!;
  const report = (await page.locator('#outbox-panel .outbox-item', { hasText: 'Laporan' }).getByRole('link', { name: 'Buka' }).getAttribute('href'))!;

  // Sent again with the same key (an answer lost on the way): the same request, nothing new.
  const replays = await page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((ok) => { const r = indexedDB.open('digdaya', 1); r.onsuccess = () => ok(r.result); });
    const items: any[] = await new Promise((ok) => { const r = db.transaction('kiriman').objectStore('kiriman').getAll(); r.onsuccess = () => ok(r.result); });
    const out = [];
    for (const item of items) {
      for (let n = 0; n < 2; n++) {
        const body = new FormData();
        body.append('0/kunci', item.key);
        body.append('0/jenis', item.kind);
        body.append('0/data', item.data);
        body.append('0/pemilik', item.owner);
        out.push((await (await fetch('/api/outbox/kramatwatu', { method: 'POST', body })).json()).hasil[0]);
      }
    }
    return out;
  });
  expect(replays).toHaveLength(4);
  for (const r of replays) expect(r).toMatchObject({ state: 'terkirim', ulang: true });

  await page.goto('/kramatwatu/layanan/permohonan');
  await expect(page.locator('#my-letters li', { hasText: 'Surat Keterangan Domisili' })).toHaveCount(1);
  await page.goto(letter);
  await expect(page.locator('.badge').first()).toHaveText('Sedang Diperiksa');
  await expect(page.locator('#lampiran img')).toHaveCount(2);
  await page.goto('/kramatwatu/pengaduan/saya');
  await expect(page.locator('#reports li', { hasText: 'Lampu jalan' })).toHaveCount(1);
  await page.goto(report);
  await expect(page.locator('h1')).toHaveText('Lampu jalan');
  await expect(page.locator('#foto img')).toHaveCount(1);
  await context.close();
});

test("a refusal found by the server is shown and kept until the user acts", async ({ browser }) => {
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await page.goto('/kramatwatu');
  await controlled(page);
  await signIn(page);
  await page.goto('/kramatwatu/layanan');
  await page.getByRole('link', { name: 'Surat Keterangan Domisili' }).click();
  await expect(page).toHaveURL(/\/layanan\/surat\/\d+$/);
  const form = page.url();
  await page.goto(form);
  await hydrated(page);

  await offline(context);
  await page.goto(form);
  await hydrated(page);
  // What the browser would have asked for is left out: only the server finds it missing.
  await page.locator('#request-form [required]').evaluateAll((all) => all.forEach((el) => el.removeAttribute('required')));
  await page.getByRole('button', { name: 'Kirim permohonan' }).click();
  await expect(page.locator('#outbox-sent')).toContainText('Tersimpan di ponsel');

  await online(context);
  await expect(page.locator('#outbox-bar')).toContainText('1 perlu tindakan Anda', { timeout: 20_000 });
  await page.reload();
  await expect(page.locator('#outbox-bar')).toContainText('1 perlu tindakan Anda');
  await page.locator('#outbox-bar').getByRole('button', { name: 'Lihat' }).click();
  const item = page.locator('#outbox-panel .outbox-item.gagal');
  await expect(item).toHaveCount(1);
  await expect(item.locator('.form-error, .field-error').first()).toContainText(/Keperluan/i);
  page.once('dialog', (d) => d.accept());
  await item.getByRole('button', { name: 'Hapus' }).click();
  await expect(page.locator('#outbox-panel .outbox-item.gagal')).toHaveCount(0);
  await expect(page.locator('#outbox-bar')).toHaveCount(0);
  await context.close();
});

test('a busy server is told apart from no signal, and the item goes once it answers', async ({ browser }) => {
  // Without the service worker, so that the test can stand in for the server's answer.
  const context = await browser.newContext({ viewport: PHONE, baseURL: ORIGIN, serviceWorkers: 'block' });
  const page = await context.newPage();
  await signIn(page);
  await page.goto('/kramatwatu/layanan/permohonan');
  const before = await page.locator('#my-letters li').count();
  await page.goto('/kramatwatu/layanan');
  await page.getByRole('link', { name: 'Surat Keterangan Domisili' }).click();
  await expect(page).toHaveURL(/\/layanan\/surat\/\d+$/);
  await hydrated(page);
  // The server answers 503 (as when its time limit passed).
  await page.route('**/api/outbox/*', (route) => route.fulfill({ status: 503, body: '' }));
  await page.getByLabel('Keperluan').fill('mengurus beasiswa');
  await page.getByRole('button', { name: 'Kirim permohonan' }).click();
  await expect(page.locator('#outbox-sent')).toContainText('Tersimpan di ponsel');
  // The page says so too, not "no signal".
  await expect(page.locator('#outbox-sent')).toContainText('Server sibuk');
  await expect(page.locator('#outbox-sent')).not.toContainText('tidak ada sinyal');
  await page.locator('#outbox-bar').getByRole('button', { name: 'Lihat' }).click();
  await expect(page.locator('#outbox-panel .outbox-item.menunggu')).toContainText('Server sibuk; dicoba lagi sebentar lagi.');
  // It answers again: the item goes, once.
  await page.unroute('**/api/outbox/*');
  await page.evaluate(() => (window as unknown as { digdaya: { sync: (all: boolean) => Promise<void> } }).digdaya.sync(true));
  await expect(page.locator('#outbox-bar')).toHaveCount(0, { timeout: 20_000 });
  await page.goto('/kramatwatu/layanan/permohonan');
  await expect(page.locator('#my-letters li')).toHaveCount(before + 1);
  await context.close();
});

test('a new deployment: after one reload the page runs the new build, never old JS with new WASM', async ({ browser }) => {
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await page.goto('/kramatwatu/masuk');
  await hydrated(page);
  await controlled(page);
  await page.reload();
  await hydrated(page);
  const build = async () => (await page.content()).match(/\/v\/([0-9a-f]{12})\/pkg\/digdaya\.js/)![1];
  const v1 = await build();

  // v2: the same site with a changed WASM (a custom section appended, still a valid module).
  const site2 = mkdtempSync(join(tmpdir(), 'digdaya-site-v2-'));
  cpSync(SITE, site2, { recursive: true });
  const wasm = join(site2, 'pkg', 'digdaya.wasm');
  const name = Buffer.from('digdaya-v2');
  const payload = Buffer.from(`deployed ${Date.now()}`);
  const section = Buffer.concat([Buffer.from([0, name.length + 1 + payload.length, name.length]), name, payload]);
  writeFileSync(wasm, Buffer.concat([readFileSync(wasm), section]));
  for (const z of ['.br', '.gz']) if (existsSync(wasm + z)) unlinkSync(wasm + z);
  await stop();
  await start(site2);

  await page.reload();
  await hydrated(page);
  const v2 = await build();
  expect(v2).not.toBe(v1);
  const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/v/')));
  expect(loaded.some((n) => n.endsWith(`/v/${v2}/pkg/digdaya.wasm`))).toBe(true);
  expect(loaded.some((n) => n.endsWith(`/v/${v2}/pkg/digdaya.js`))).toBe(true);
  expect(loaded.filter((n) => n.includes(`/v/${v1}/`))).toEqual([]);
  // The old build's files are not served under any address of the new one.
  expect((await fetch(`${ORIGIN}/v/${v1}/pkg/digdaya.wasm`)).status).toBe(404);
  await context.close();
  rmSync(site2, { recursive: true, force: true });
});

test('personal pages are never kept on the phone', async ({ browser }) => {
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await page.goto('/kramatwatu');
  await controlled(page);
  await signIn(page);
  // Visited with a signal while the worker is in charge: the account page (NIK, KK, family)…
  await page.goto('/kramatwatu/akun');
  await expect(page.locator('#my-data')).toContainText(resident.nik);
  await page.goto('/kramatwatu');
  const kept = await page.evaluate(async () => {
    const out: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) out.push(new URL(request.url).pathname);
    }
    return out;
  });
  expect(kept.some((path) => path.startsWith('/kramatwatu/akun'))).toBe(false);
  expect(kept).toContain('/kramatwatu');
  // …is not there without a signal.
  await offline(context);
  await page.goto('/kramatwatu/akun');
  await expect(page.locator('h1')).toHaveText('Tidak ada sinyal');
  await expect(page.locator('body')).not.toContainText(resident.nik);
  await online(context);
  await context.close();
});
