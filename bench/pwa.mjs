// Measures the installable app's budgets (run from end2end/ by bench/pwa.sh):
// 1. first visit to the village home page: every byte from the server on the wire, headers
//    included, the service worker and its own fetches too (counted by a TCP proxy in front of
//    the server, so nothing the browser does escapes it), until the network is quiet;
// 2. a repeat visit in the same browser;
// 3. 100 reports queued offline, then synced with Chromium's "Slow 3G" emulation;
// 4. a cached navigation with the service worker and without it (median of 20 each).
import { createRequire } from 'node:module';
import net from 'node:net';

const { chromium } = createRequire(`${process.cwd()}/`)('@playwright/test');
const [host, port] = process.env.BENCH_SERVER.split(':');
const [, nik, pin] = process.env.BENCH_SEED.match(/NIK (\d{16}) PIN (\d{6})/);

// The proxy: counts what the server sends to the browser.
let received = 0;
const proxy = net.createServer((client) => {
  const upstream = net.connect(Number(port), host);
  upstream.on('data', (chunk) => { received += chunk.length; });
  client.pipe(upstream);
  upstream.pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
await new Promise((ok) => proxy.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${proxy.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const quiet = async (page) => {
  await page.waitForLoadState('networkidle');
  // The worker installs and fills its cache after the page's load.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForTimeout(1500);
};

// 1 and 2: first and repeat visit.
const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
const page = await context.newPage();
received = 0;
await page.goto(`${origin}/kramatwatu`);
await quiet(page);
const first = received;
received = 0;
await page.goto(`${origin}/kramatwatu`);
await quiet(page);
const repeat = received;
console.log(`first visit to /kramatwatu: ${kb(first)} (${first} bytes; budget: <= 350 KB)`);
console.log(`repeat visit: ${kb(repeat)} (${repeat} bytes; budget: <= 20 KB)`);

// 3: 100 reports kept offline, then sent on Slow 3G (DevTools' preset: 2 s round trip,
// 400 kbit/s each way).
await page.goto(`${origin}/kramatwatu/masuk`);
await page.waitForSelector('body[data-hydrated="true"]');
await page.getByLabel('NIK').fill(nik);
await page.getByLabel('PIN').fill(pin);
await page.getByRole('button', { name: 'Masuk sebagai warga' }).click();
await page.waitForURL(/\/akun(\/ganti-pin)?$/);
if (page.url().endsWith('/ganti-pin')) {
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.getByLabel('PIN saat ini').fill(pin);
  await page.getByLabel('PIN baru', { exact: true }).fill('582914');
  await page.getByLabel('Ulangi PIN baru').fill('582914');
  await page.getByRole('button', { name: 'Simpan PIN' }).click();
  await page.waitForURL(/\/akun$/);
}
await page.goto(`${origin}/kramatwatu/pengaduan/baru`);
await page.waitForSelector('body[data-hydrated="true"]');
const dusun = await page.locator('#c-area option').nth(1).getAttribute('value');
await context.setOffline(true);
await page.evaluate(async (dusun) => {
  const form = document.createElement('form');
  for (let i = 0; i < 100; i++) {
    const data = JSON.stringify({
      category: 'Lampu jalan', body: `Lampu jalan nomor ${i + 1} di gang masjid mati sejak kemarin malam.`,
      lat: null, lng: null, area_id: Number(dusun), name: '', phone: '',
    });
    await window.digdaya.send(form, 'kramatwatu', 'pengaduan', data, `Laporan ${i + 1}`);
  }
}, dusun);
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Network.emulateNetworkConditions', {
  offline: false, latency: 2000, downloadThroughput: (400 * 1024) / 8, uploadThroughput: (400 * 1024) / 8,
});
await context.setOffline(false);
const started = Date.now();
await page.evaluate(async () => {
  const count = async () => {
    const db = await new Promise((ok) => { const r = indexedDB.open('digdaya', 1); r.onsuccess = () => ok(r.result); });
    const items = await new Promise((ok) => { const r = db.transaction('kiriman').objectStore('kiriman').getAll(); r.onsuccess = () => ok(r.result); });
    return items.filter((i) => i.state === 'terkirim').length;
  };
  await window.digdaya.sync(true);
  while ((await count()) < 100) await new Promise((r) => setTimeout(r, 100));
});
const elapsed = Date.now() - started;
console.log(`100 queued reports synced on Slow 3G: ${(elapsed / 1000).toFixed(2)} s (budget: <= 10 s)`);
await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
await context.close();

// 4: a cached navigation (the page in the worker's cache, the server warm) with and without
// the worker: responseEnd of the navigation, median of 20.
async function navigations(workers) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, serviceWorkers: workers });
  const p = await ctx.newPage();
  await p.goto(`${origin}/kramatwatu`);
  if (workers === 'allow') await p.waitForFunction(() => navigator.serviceWorker.controller != null);
  for (let i = 0; i < 3; i++) await p.goto(`${origin}/kramatwatu`);
  const times = [];
  for (let i = 0; i < 20; i++) {
    await p.goto(`${origin}/kramatwatu`);
    times.push(await p.evaluate(() => performance.getEntriesByType('navigation')[0].responseEnd));
  }
  await ctx.close();
  return median(times);
}
const without = await navigations('block');
const withWorker = await navigations('allow');
console.log(`navigation to /kramatwatu, responseEnd median of 20: ${withWorker.toFixed(1)} ms with the service worker, ${without.toFixed(1)} ms without: +${(withWorker - without).toFixed(1)} ms (budget: <= 50 ms)`);
await browser.close();
proxy.close();
