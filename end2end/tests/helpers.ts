// What the browser tests share: a phone's screen, a tiny photo, waiting for hydration, the
// checks every page on a phone passes, signing in, and finding a spot on the village map.
import { expect, type Page, type Browser } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PHONE = { width: 360, height: 740 };

// A 2×2 PNG photo.
export const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGMImOAARAwQCgAfzgSBcQGcIwAAAABJRU5ErkJggg==',
  'base64',
);

export async function hydrated(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/// Nothing wider than the phone's screen (measured once the stylesheet has arrived: a page
/// reached by a link can be queried before its CSS applies).
export async function noOverflow(page: Page) {
  await page.waitForLoadState('load');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/// A phone that reaches only this server (map tiles fail, as in a blank spot).
export async function phone(browser: Browser, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, ...options });
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
  return context.newPage();
}

/// A demo official of Kramatwatu, signed in on a phone.
export async function officialPage(browser: Browser, username: string): Promise<Page> {
  const page = await phone(browser);
  await page.goto('/kramatwatu/masuk');
  await hydrated(page);
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi', { exact: true }).fill('kopi-tubruk-kramatwatu');
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await expect(page).toHaveURL(/\/kramatwatu\/admin$/);
  return page;
}

/// A point of the map (page coordinates) inside one of the dusun drawn on it.
export async function pointInDusun(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => {
    document.querySelector('#village-map')!.scrollIntoView({ block: 'center' });
    const map = document.querySelector('#village-map')!.getBoundingClientRect();
    for (let fy = 0.5; fy < 0.95; fy += 0.05) {
      for (let fx = 0.5; fx < 0.95; fx += 0.05) {
        for (const [x, y] of [[map.left + map.width * fx, map.top + map.height * fy], [map.left + map.width * (1 - fx), map.top + map.height * (1 - fy)]]) {
          const hit = document.elementFromPoint(x, y);
          if (hit && hit.tagName === 'path' && hit.getAttribute('stroke-dasharray')) return { x, y };
        }
      }
    }
    throw new Error('no dusun under the map');
  });
}

/// The kades (signed in on `kades`) gives the `nth` resident of the PIN list other than the demo
/// resident a PIN slip and looks up their NIK: their name, NIK and issued PIN.
export async function residentWithSlip(kades: Page, nth: number): Promise<{ name: string; nik: string; pin: string }> {
  const seed = readFileSync(join(process.env.TMPDIR ?? tmpdir(), 'digdaya-e2e-seed.txt'), 'utf8');
  const demo = seed.match(/Demo resident (.+?) at /)![1];
  await kades.goto('/kramatwatu/admin/pin');
  await hydrated(kades);
  const row = kades.locator('.pin-list li').filter({ hasNotText: demo }).nth(nth);
  const name = (await row.locator('strong').first().textContent())!.trim();
  // Clicked until the slip shows (the page's code may still be arriving on a slow start).
  await expect(async () => {
    await row.getByRole('button').click();
    await expect(kades.locator('#slip-pin')).toHaveText(/^\d{6}$/, { timeout: 2000 });
  }).toPass();
  const pin = (await kades.locator('#slip-pin').textContent())!.trim();
  await kades.goto(`/kramatwatu/admin/penduduk?q=${encodeURIComponent(name)}`);
  await kades.locator('.resident-list').getByRole('link', { name }).first().click();
  await kades.getByRole('link', { name: 'Tampilkan NIK & KK lengkap' }).click();
  await expect(kades.locator('#biodata dd').first()).toHaveText(/^\d{16}$/);
  const nik = (await kades.locator('#biodata dd').first().textContent())!.trim();
  return { name, nik, pin };
}
