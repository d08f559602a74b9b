// Weighs a first visit (empty cache) of market pages on a 360x740 phone: every response's
// bytes on the wire (CDP encodedDataLength: compressed body and headers), by kind, from the
// navigation until the network is quiet, without scrolling. Run from end2end/ by
// bench/market-wire.sh.
import { createRequire } from 'node:module';

const { chromium } = createRequire(`${process.cwd()}/`)('@playwright/test');
const origin = process.env.BENCH_ORIGIN;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});

// Chromium fetches lazy images within a distance of the screen that grows on slow networks, so
// a slow connection fetches more thumbnails: weighed both ways.
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: (400 * 1024) / 8, uploadThroughput: (400 * 1024) / 8 };

async function weigh(path, network) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (network) await cdp.send('Network.emulateNetworkConditions', network);
  const byId = new Map();
  cdp.on('Network.responseReceived', (e) => byId.set(e.requestId, { url: e.response.url, type: e.type }));
  const wire = {};
  const files = {};
  cdp.on('Network.loadingFinished', (e) => {
    const r = byId.get(e.requestId);
    if (!r) return;
    const kind = /\.wasm$/.test(r.url) ? 'wasm' : r.type === 'Script' ? 'js' : r.type === 'Stylesheet' ? 'css'
      : r.type === 'Document' ? 'html' : r.type === 'Image' ? 'images' : 'other';
    wire[kind] = (wire[kind] ?? 0) + e.encodedDataLength;
    files[kind] = (files[kind] ?? 0) + 1;
  });
  await page.goto(`${origin}${path}`, { waitUntil: 'networkidle', timeout: 120_000 });
  await page.waitForTimeout(1000);
  const ms = await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
  const cards = await page.locator('#products li').count();
  const visible = await page.evaluate(() => [...document.querySelectorAll('#products img')]
    .filter((i) => i.getBoundingClientRect().top < innerHeight).length);
  await context.close();
  const total = Object.values(wire).reduce((a, b) => a + b, 0);
  return { wire, files, total, cards, visible, ms };
}

const kb = (n) => `${((n ?? 0) / 1024).toFixed(1)} KB`;
for (const [label, path, network] of [
  ['catalogue, first page', '/kramatwatu/pasar'],
  ['catalogue, first page, Slow 3G', '/kramatwatu/pasar', SLOW_3G],
  ['catalogue, search "keripik" + category', '/kramatwatu/pasar?q=keripik&kategori=makanan'],
  ['a product page', '/kramatwatu/pasar/produk/1'],
]) {
  const w = await weigh(path, network);
  const parts = Object.keys(w.wire).sort().map((k) => `${k} ${kb(w.wire[k])} (${w.files[k]})`).join(', ');
  console.log(`${label} ${path}: total ${kb(w.total)} (${w.total} B) — ${parts}; ${w.cards} cards, ${w.visible} thumbnails in the first screen; load event ${w.ms.toFixed(0)} ms (budget: <= 200 KB)`);
}
await browser.close();
