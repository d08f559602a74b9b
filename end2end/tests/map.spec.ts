import { test, expect, type Page, type Browser } from '@playwright/test';

const PHONE = { width: 360, height: 740 };

async function hydrated(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

async function noOverflow(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/// A phone where every request that is not to this server (map tiles) fails.
async function offlinePhone(browser: Browser, viewport = PHONE): Promise<Page> {
  const context = await browser.newContext({ viewport });
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
  return context.newPage();
}

/// Whether a box lies (mostly) inside another.
function inside(b: { x: number; y: number; width: number; height: number }, frame: { x: number; y: number; width: number; height: number }) {
  const cx = b.x + b.width / 2;
  const cy = b.y + b.height / 2;
  return cx >= frame.x && cx <= frame.x + frame.width && cy >= frame.y && cy <= frame.y + frame.height;
}

/// A spot inside the village's box on the editor's map, at least `room` pixels from every marker
/// (so a tap draws instead of opening a marker), with a `size` square free around it.
async function emptySpot(page: Page, size: number): Promise<{ x: number; y: number }> {
  return page.evaluate((size) => {
    const boundary = document.querySelector('#village-map .leaflet-overlay-pane path[stroke="#0b6e4f"]')!.getBoundingClientRect();
    const map = document.querySelector('#village-map')!.getBoundingClientRect();
    const left = Math.max(boundary.left, map.left + 60);
    const right = Math.min(boundary.right, map.right - 20);
    const top = Math.max(boundary.top, map.top + 20);
    const bottom = Math.min(boundary.bottom, map.bottom - 20);
    const markers = [...document.querySelectorAll('#village-map .leaflet-marker-icon')].map((m) => {
      const r = m.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });
    const room = 45;
    for (let y = top + 20; y < bottom - size - 20; y += 10) {
      for (let x = left + 20; x < right - size - 20; x += 10) {
        const corners = [[x, y], [x + size, y], [x, y + size], [x + size, y + size]];
        if (corners.every(([cx, cy]) => markers.every((m) => Math.hypot(m.x - cx, m.y - cy) > room))) return { x, y };
      }
    }
    throw new Error('no free spot on the map');
  }, size);
}

test('the village map shows its boundary, places and population without any tiles', async ({ browser }) => {
  const phone = await offlinePhone(browser);
  await phone.goto('/kramatwatu/peta');
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText(/^Peta /);
  await hydrated(phone);
  const map = phone.locator('#village-map');
  await expect(map).toHaveClass(/tiles-off/);

  // The boundary and the dusun are drawn, and fill the map's frame.
  const frame = (await map.boundingBox())!;
  const paths = map.locator('.leaflet-overlay-pane path');
  await expect.poll(() => paths.count()).toBeGreaterThan(4);
  // Places are markers with their category's symbol, on the map.
  const markers = map.locator('.leaflet-marker-pane .map-icon');
  await expect.poll(() => markers.count()).toBeGreaterThanOrEqual(8);
  let visible = 0;
  for (const m of await markers.all()) {
    if (inside((await m.boundingBox())!, frame)) visible++;
  }
  expect(visible).toBeGreaterThanOrEqual(8);

  // A place's popup: its name and a link to open it in the phone's map app.
  await map.locator('.leaflet-marker-icon[title^="Kantor Desa"]').dispatchEvent('click');
  const popup = map.locator('.leaflet-popup-content');
  await expect(popup).toContainText('Kantor Desa');
  await expect(popup.getByRole('link', { name: 'Buka di aplikasi peta' })).toHaveAttribute('href', /^geo:-?\d/);

  // The switcher: schools off and on again; the population choropleth on, with its legend.
  const schools = phone.locator('input[data-layer="sekolah"]');
  const schoolMarkers = map.locator('.leaflet-marker-icon[title^="SD Negeri"]');
  await expect(schoolMarkers).toHaveCount(1);
  await schools.uncheck();
  await expect(schoolMarkers).toHaveCount(0);
  await schools.check();
  await expect(schoolMarkers).toHaveCount(1);
  await expect(phone.locator('#population-legend')).toBeHidden();
  const before = await paths.count();
  await phone.locator('input[data-layer="penduduk"]').check();
  await expect(phone.locator('#population-legend')).toBeVisible();
  await expect.poll(() => paths.count()).toBeGreaterThan(before);
  await noOverflow(phone);
  await phone.context().close();
});

test('an official draws a point and an area, they stay after a reload; a broken import is refused', async ({ browser }) => {
  const page = await offlinePhone(browser, { width: 1024, height: 800 });
  await page.goto('/kramatwatu/masuk');
  await hydrated(page);
  await page.getByLabel('Nama pengguna').fill('operator.kramatwatu');
  await page.getByLabel('Kata sandi', { exact: true }).fill('kopi-tubruk-kramatwatu');
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await expect(page).toHaveURL(/\/kramatwatu\/admin$/);
  await page.goto('/kramatwatu/admin/peta');
  await hydrated(page);
  const map = page.locator('#village-map');
  await expect(map.locator('.leaflet-pm-toolbar.leaflet-pm-draw')).toBeVisible();
  const count = await page.locator('#features li').count();
  expect(count).toBeGreaterThan(5);
  await map.scrollIntoViewIfNeeded();

  // A point: the marker tool, a tap, then its form.
  await map.locator('.leaflet-pm-icon-marker').click();
  const p = await emptySpot(page, 0);
  await page.mouse.click(p.x, p.y);
  await expect(page.locator('#feature-form h2')).toHaveText('Objek baru');
  await page.getByLabel('Kategori').selectOption('posyandu');
  await page.getByLabel('Nama').fill('Posyandu Mawar');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await expect(page.locator('#map-status')).toContainText('"Posyandu Mawar" tersimpan.');

  // An area: three corners and back to the first.
  await map.locator('.leaflet-pm-icon-polygon').click();
  const q = await emptySpot(page, 60);
  const corners = [q, { x: q.x + 60, y: q.y }, { x: q.x + 60, y: q.y + 60 }];
  for (const c of corners) await page.mouse.click(c.x, c.y);
  await page.mouse.click(corners[0].x, corners[0].y);
  await expect(page.locator('#feature-form h2')).toHaveText('Objek baru');
  await page.getByLabel('Kategori').selectOption('sawah');
  await page.getByLabel('Nama').fill('Sawah Percontohan');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await expect(page.locator('#map-status')).toContainText('"Sawah Percontohan" tersimpan.');
  await expect(page.locator('#features li')).toHaveCount(count + 2);

  // After a reload both are still there, on the map and in the list.
  await page.reload();
  await hydrated(page);
  await expect(page.locator('#features li', { hasText: 'Posyandu Mawar' })).toContainText('titik');
  await expect(page.locator('#features li', { hasText: 'Sawah Percontohan' })).toContainText('area');
  await expect.poll(() => map.locator('.leaflet-marker-pane .map-icon').count()).toBeGreaterThan(8);

  // A GeoJSON file with a self-crossing area is refused whole, with the reason.
  const broken = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { nama: 'Pos Ronda' }, geometry: { type: 'Point', coordinates: [106.1, -6.0] } },
      { type: 'Feature', properties: { nama: 'Kebun' }, geometry: { type: 'Polygon', coordinates: [[[106.1, -6.0], [106.2, -6.1], [106.2, -6.0], [106.1, -6.1], [106.1, -6.0]]] } },
    ],
  });
  await page.getByLabel(/Berkas GeoJSON/).setInputFiles({ name: 'rusak.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(broken) });
  await page.getByRole('button', { name: 'Impor' }).click();
  await expect(page.locator('#map-error')).toContainText('Impor dibatalkan, tidak ada yang disimpan.');
  await expect(page.locator('#map-error')).toContainText('Fitur ke-2');
  await expect(page.locator('#features li')).toHaveCount(count + 2);
  await page.context().close();
});

test('the deployment map shows every village with a link to its site', async ({ browser }) => {
  const phone = await offlinePhone(browser);
  await phone.goto('/peta');
  await hydrated(phone);
  const map = phone.locator('#overview-map');
  await expect.poll(() => map.locator('.leaflet-overlay-pane path').count()).toBe(2);
  await expect(map).toHaveAttribute('data-villages', '2');
  await map.locator('.leaflet-overlay-pane path').first().dispatchEvent('click');
  await expect(map.locator('.leaflet-popup-content a')).toHaveAttribute('href', /^\/[a-z-]+$/);
  await noOverflow(phone);
  await phone.context().close();
});
