// Renders the deployment's map of all villages in Chromium with 4x CPU throttling (the tile
// server blocked, as in a blank spot) and reports how long until every village is drawn; then
// weighs what the village map page loads beyond the village home page (JS, WASM, CSS), each on a
// first visit. Run from end2end/ (for its Playwright) by bench/map.sh.
import { createRequire } from 'node:module';

const { chromium } = createRequire(`${process.cwd()}/`)('@playwright/test');
const origin = process.env.BENCH_ORIGIN;
const runs = Number(process.env.BENCH_RENDER_RUNS ?? 5);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});

async function phone() {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
  const page = await context.newPage();
  return { context, page };
}

const expected = await (await fetch(`${origin}/api/map/desa`)).json();
const villages = expected.features.length;
const times = [];
for (let i = 0; i < runs; i++) {
  const { context, page } = await phone();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.goto(`${origin}/peta`, { waitUntil: 'commit' });
  // The page marks the map with the number of villages once they are added (on a canvas
  // above 100 villages, so there is no SVG path to count); the canvas draws in the next frame.
  await page.waitForFunction(
    (n) => Number(document.querySelector('#overview-map')?.dataset.villages) === n,
    villages,
    { timeout: 60_000, polling: 50 },
  );
  // From the start of navigation to the frame with every village drawn.
  const ms = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
  times.push(ms);
  await context.close();
}
times.sort((a, b) => a - b);
console.log(`overview /peta, ${villages} villages, 4x CPU throttling, ${runs} runs: median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, worst ${times[times.length - 1].toFixed(0)} ms (budget: <= 1500 ms)`);

// What a first visit transfers, by kind, from the navigation to the page being quiet: the
// compressed bodies (Content-Length of the static files; every JS, WASM and CSS file is one),
// and everything on the wire including each response's headers.
async function weigh(path) {
  const { context, page } = await phone();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const byId = new Map();
  cdp.on('Network.responseReceived', (e) => {
    const length = Number(e.response.headers['content-length'] ?? e.response.headers['Content-Length'] ?? NaN);
    byId.set(e.requestId, { url: e.response.url, type: e.type, length });
  });
  const sizes = {};
  const wire = {};
  const files = {};
  cdp.on('Network.loadingFinished', (e) => {
    const r = byId.get(e.requestId);
    if (!r) return;
    const kind = /\.wasm$/.test(r.url) ? 'wasm' : r.type === 'Script' ? 'js' : r.type === 'Stylesheet' ? 'css' : r.type === 'Document' ? 'html' : /\/api\/map\//.test(r.url) ? 'layers' : 'other';
    sizes[kind] = (sizes[kind] ?? 0) + (Number.isFinite(r.length) ? r.length : e.encodedDataLength);
    wire[kind] = (wire[kind] ?? 0) + e.encodedDataLength;
    files[kind] = (files[kind] ?? 0) + 1;
  });
  await page.goto(`${origin}${path}`, { waitUntil: 'networkidle' });
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.waitForTimeout(500);
  await context.close();
  return { sizes, wire, files };
}
// The shell: a hydrated page of the main module only (the home page is sent without the WASM).
const home = await weigh('/kramatwatu/masuk');
const map = await weigh('/kramatwatu/peta');
const code = (s) => (s.js ?? 0) + (s.wasm ?? 0) + (s.css ?? 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const describe = (w) => `js ${kb(w.sizes.js ?? 0)} (${w.files.js ?? 0} files), wasm ${kb(w.sizes.wasm ?? 0)} (${w.files.wasm ?? 0} files), css ${kb(w.sizes.css ?? 0)}, html ${kb(w.sizes.html ?? 0)}, layers ${kb(w.sizes.layers ?? 0)}`;
console.log(`shell /kramatwatu/masuk: ${describe(home)}`);
console.log(`map /kramatwatu/peta: ${describe(map)}`);
const jsWasm = (s) => (s.js ?? 0) + (s.wasm ?? 0);
const extra = jsWasm(map.sizes) - jsWasm(home.sizes);
console.log(`map route's extra JS+WASM beyond the shell, compressed bodies: ${kb(extra)} (${extra} bytes; budget: <= 100 KB = 102400 bytes); with its CSS: ${kb(code(map.sizes) - code(home.sizes))}; on the wire with response headers: ${kb(code(map.wire) - code(home.wire))}`);
await browser.close();
