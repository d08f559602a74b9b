// Issue 29's page budgets (run from end2end/ by bench/pages.sh): each page a resident or an
// official works on, loaded as a phone would the first time (360×780, empty cache, no service
// worker, HTTP/1.1 as the app serves it) under three network profiles, and once more with the
// service worker's caches full (a repeat visit). For each: requests, WASM downloads (modules and
// bundles), bytes on the wire (headers included), time to usable (the page's HTML parsed and
// its stylesheet applied: a form can be filled and sent) and time to interactive (hydrated).
import { createRequire } from 'node:module';

const { chromium } = createRequire(`${process.cwd()}/`)('@playwright/test');
// BENCH_ORIGIN: the same app through a proxy (bench/pages.sh: Caddy, HTTPS and HTTP/2).
const origin = process.env.BENCH_ORIGIN ?? `http://${process.env.BENCH_SERVER}`;
const protocol = process.env.BENCH_LABEL ?? 'HTTP/1.1';
const CONTEXT = { viewport: { width: 360, height: 780 }, ignoreHTTPSErrors: true };
const [, nik, pin] = process.env.BENCH_SEED.match(/NIK (\d{16}) PIN (\d{6})/);
const password = 'kopi-tubruk-kramatwatu';

// Chromium's throttling adds the latency to every request (its "RTT"), and the throughput is
// shared by all of them.
const PROFILES = {
  'Slow 3G': { latency: 400, down: 400_000, up: 400_000 },
  'Fast 3G': { latency: 562.5, down: 1_600_000, up: 750_000 },
  'Slow 4G': { latency: 150, down: 1_600_000, up: 750_000 },
};
const RESIDENT = [
  '/kramatwatu/layanan',
  '/kramatwatu/layanan/surat/1',
  '/kramatwatu/pengaduan/baru',
  '/kramatwatu/akun',
  '/kramatwatu/pasar/kelola',
  '/kramatwatu/peta',
];
const OFFICIAL = ['/kramatwatu/admin', '/kramatwatu/admin/penduduk', '/kramatwatu/admin/surat', '/kramatwatu/admin/peta'];
// BENCH_PAGES="/kramatwatu/layanan /kramatwatu/peta": only these pages (to look at one change
// quickly; the kept figures come from a whole run).
const only = process.env.BENCH_PAGES?.split(/\s+/).filter(Boolean);
const chosen = (paths) => paths.filter((p) => !only || only.includes(p));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});

async function session(kind) {
  const context = await browser.newContext({ ...CONTEXT, serviceWorkers: 'block' });
  const headers = { origin };
  // A second run (through the proxy) finds the PIN changed by the first.
  const changedBefore = process.env.BENCH_PIN_CHANGED === '1';
  const answer = kind === 'warga'
    ? await context.request.post(`${origin}/api/auth/resident-sign-in`, {
      form: { slug: 'kramatwatu', nik, pin: changedBefore ? '582914' : pin }, headers,
    })
    : await context.request.post(`${origin}/api/auth/sign-in`, { form: { slug: 'kramatwatu', username: 'kades.kramatwatu', password }, headers });
  if (answer.status() >= 400) throw new Error(`${kind} sign-in: ${answer.status()} ${await answer.text()}`);
  if (kind === 'warga' && !changedBefore) {
    // The demo resident's issued PIN must be changed before any of their pages opens.
    const changed = await context.request.post(`${origin}/api/auth/change-pin`, {
      form: { slug: 'kramatwatu', current: pin, new: '582914', repeat: '582914' }, headers,
    });
    if (changed.status() >= 400) throw new Error(`PIN change: ${changed.status()} ${await changed.text()}`);
  }
  // Over HTTPS the session cookie is the `__Host-` one.
  return (await context.cookies()).filter((c) => c.name.endsWith('digdaya_session'));
}
const cookies = { warga: await session('warga'), pejabat: await session('pejabat') };

// One load of `path`: what went over the wire and when the page was usable and interactive.
async function load(path, who, profile, context) {
  const own = !context;
  context ??= await browser.newContext({ ...CONTEXT, serviceWorkers: 'block' });
  await context.addCookies(cookies[who]);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: own });
  const p = PROFILES[profile];
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: p.latency, downloadThroughput: p.down / 8, uploadThroughput: p.up / 8,
  });
  const urls = new Map();
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.requestWillBeSent', (e) => { urls.set(e.requestId, e.request.url); });
  cdp.on('Network.loadingFinished', (e) => {
    requests += 1;
    bytes += e.encodedDataLength;
  });
  const served = new Set();
  cdp.on('Network.responseReceived', (e) => {
    if (!e.response.fromDiskCache && !e.response.fromServiceWorker && !e.response.fromPrefetchCache) served.add(e.requestId);
  });
  const started = Date.now();
  await page.goto(`${origin}${path}`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
  await page.waitForFunction(() => [...document.styleSheets].length > 0, null, { timeout: 180_000 });
  const usable = Date.now() - started;
  const hydrates = await page.evaluate(() => !document.body.classList.contains('static'));
  if (hydrates) await page.waitForSelector('body[data-hydrated="true"]', { timeout: 180_000 });
  const interactive = Date.now() - started;
  // A page with a map: when its village is drawn on it (the issue compares this with the
  // incumbent's map page).
  let map = null;
  if (await page.evaluate(() => !!document.querySelector('.map'))) {
    const drawn = await page.waitForSelector('.leaflet-overlay-pane path', { timeout: 180_000 }).then(() => true, () => false);
    if (drawn) map = Date.now() - started;
  }
  await page.waitForLoadState('networkidle', { timeout: 180_000 }).catch(() => {});
  const wasm = [...urls.entries()].filter(([id, u]) => served.has(id) && /\.(wasm|bin)$/.test(new URL(u).pathname)).length;
  await page.close();
  if (own) await context.close();
  return { requests, wasm, bytes, usable, interactive, map };
}

const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log(`## Pages on a phone, first visit (cache empty, ${protocol}): ${new Date().toISOString()}`);
console.log('| page | who | requests | WASM files | transferred | profile | usable | interactive | map drawn |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [who, paths] of [['warga', chosen(RESIDENT)], ['pejabat', chosen(OFFICIAL)]]) {
  for (const path of paths) {
    for (const profile of Object.keys(PROFILES)) {
      const r = await load(path, who, profile);
      console.log(`| \`${path}\` | ${who} | ${r.requests} | ${r.wasm} | ${kb(r.bytes)} | ${profile} | ${s(r.usable)} | ${s(r.interactive)} | ${r.map === null ? '—' : s(r.map)} |`);
    }
  }
}

// Repeat visits with the service worker: the first visit fills its caches (no throttling),
// the second is measured on Slow 3G (BENCH_REPEAT=0: not measured).
if (process.env.BENCH_REPEAT === '0') {
  await browser.close();
  process.exit(0);
}
console.log('');
console.log('## Repeat visit with the service worker, Slow 3G');
console.log('(transferred: what the page itself fetched; the HTML comes through the worker, whose own fetch is not seen here)');
console.log('| page | who | requests | WASM downloads | transferred | usable | interactive |');
console.log('|---|---|---|---|---|---|---|');
for (const [who, paths] of [['warga', chosen(RESIDENT)], ['pejabat', chosen(OFFICIAL)]]) {
  for (const path of paths) {
    const context = await browser.newContext(CONTEXT);
    await context.addCookies(cookies[who]);
    const first = await context.newPage();
    await first.goto(`${origin}${path}`);
    await first.evaluate(() => navigator.serviceWorker.ready);
    await first.reload();
    await first.waitForLoadState('networkidle');
    await first.close();
    const r = await load(path, who, 'Slow 3G', context);
    console.log(`| \`${path}\` | ${who} | ${r.requests} | ${r.wasm} | ${kb(r.bytes)} | ${s(r.usable)} | ${s(r.interactive)} |`);
    await context.close();
  }
}
await browser.close();
