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

async function weigh(path) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
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
  await page.goto(`${origin}${path}`, { waitUntil: 'networkidle' });
  await page.waitForTimeout(1000);
  const cards = await page.locator('#products li').count();
  const visible = await page.evaluate(() => [...document.querySelectorAll('#products img')]
    .filter((i) => i.getBoundingClientRect().top < innerHeight).length);
  await context.close();
  const total = Object.values(wire).reduce((a, b) => a + b, 0);
  return { wire, files, total, cards, visible };
}

const kb = (n) => `${((n ?? 0) / 1024).toFixed(1)} KB`;
for (const [label, path] of [
  ['catalogue, first page', '/kramatwatu/pasar'],
  ['catalogue, search "keripik" + category', '/kramatwatu/pasar?q=keripik&kategori=makanan'],
]) {
  const w = await weigh(path);
  const parts = Object.keys(w.wire).sort().map((k) => `${k} ${kb(w.wire[k])} (${w.files[k]})`).join(', ');
  console.log(`${label} ${path}: total ${kb(w.total)} (${w.total} B) — ${parts}; ${w.cards} cards, ${w.visible} thumbnails in the first screen (budget: <= 200 KB)`);
}
await browser.close();
