import { test, expect, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PHONE = { width: 360, height: 740 };

/** Collects console errors, page errors and failed requests while a test runs. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page: ${err.message}`));
  page.on('requestfailed', (req) => {
    // A navigation cancels what the page still had in flight (a deferred script, the service
    // worker's background refresh): that is the browser leaving, not a failure of ours.
    const why = req.failure()?.errorText ?? '';
    if (why === 'net::ERR_ABORTED') return;
    errors.push(`request failed: ${req.url()} (${why})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return errors;
}

/** A file of the workspace's shared data (beside the project, or at /work/shared/data, where CI finds it). */
function sharedData(path: string): string {
  const roots = [process.env.DIGDAYA_SHARED_DATA, join(__dirname, '../../../shared/data'), '/work/shared/data'];
  for (const root of roots) {
    if (root && existsSync(join(root, path))) return join(root, path);
  }
  throw new Error(`shared data ${path} not found (set DIGDAYA_SHARED_DATA)`);
}

/** Signs the demo operator in and waits for the admin dashboard. */
async function signInAsOperator(page: Page) {
  await page.goto('/kramatwatu/masuk');
  await hydrated(page);
  await page.getByLabel('Nama pengguna').fill('operator.kramatwatu');
  await page.getByLabel('Kata sandi', { exact: true }).fill('kopi-tubruk-kramatwatu');
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await expect(page).toHaveURL(/\/kramatwatu\/admin$/);
}

async function hydrated(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

test('the deployment root lists its villages', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Desa di Digdaya');
  await expect(page.locator('.village-list').getByRole('link', { name: /Desa Kramatwatu/ })).toBeVisible();
  await expect(page.locator('.village-list').getByRole('link', { name: /Desa Margasana/ })).toBeVisible();
});

test('the village home page is complete from the server, with no WASM to wait for', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize(PHONE);
  await page.goto('/kramatwatu');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Desa Kramatwatu');
  await expect(page.locator('.stats li').first()).toContainText('2.000');
  await expect(page.locator('body')).toHaveClass('static');
  // Without a script the menu is a strip of links.
  await expect(page.locator('#main-nav')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Menu' })).toBeHidden();
  expect(errors).toEqual([]);
});

test('on a hydrated page the menu opens, and client-side navigation renders the portal pages', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize(PHONE);
  await page.goto('/kramatwatu/pengaduan');
  await hydrated(page);

  // The menu button is interactive only after hydration.
  const menu = page.getByRole('button', { name: 'Menu' });
  const nav = page.locator('#main-nav');
  await expect(nav).toBeHidden();
  await menu.click();
  await expect(nav).toBeVisible();
  await expect(page.getByRole('button', { name: 'Tutup' })).toHaveAttribute('aria-expanded', 'true');

  // Client-side navigation closes the menu and renders the next page (its code loaded lazily).
  await nav.getByRole('link', { name: 'Profil' }).click();
  await expect(page).toHaveURL(/\/kramatwatu\/profil$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Profil Desa Kramatwatu');
  await expect(nav).toBeHidden();
  await expect(page.getByRole('cell', { name: 'Kramat', exact: true })).toBeVisible();
  await menu.click();
  await nav.getByRole('link', { name: 'Beranda' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Desa Kramatwatu');

  expect(errors).toEqual([]);
});

test('statistics: the pyramid drawn by the server, and a dusun by a plain link', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/kramatwatu/statistik');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Seluruh desa');
  const pyramid = page.locator('#pyramid svg');
  await expect(pyramid).toBeVisible();
  await expect(pyramid).toHaveAttribute('role', 'img');
  expect(await pyramid.locator('rect.male').count()).toBe(16);
  expect(await pyramid.locator('rect.female').count()).toBe(16);
  await page.locator('.chips').getByRole('link', { name: 'Pegantungan' }).click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Dusun Pegantungan');
  await expect(page).toHaveURL(/dusun=\d+/);
  await expect(page.locator('#pyramid svg')).toBeVisible();
  expect(errors).toEqual([]);
});

for (const path of ['/', '/kramatwatu', '/kramatwatu/profil', '/kramatwatu/statistik', '/kramatwatu/layanan', '/tidak-ada']) {
  test(`${path} fits a 360 px phone without horizontal scroll`, async ({ page }) => {
    await page.setViewportSize(PHONE);
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
}

test('an official signs in, sees the admin dashboard and signs out', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize(PHONE);
  await page.goto('/kramatwatu/admin');
  await expect(page).toHaveURL(/\/kramatwatu\/masuk$/);
  await hydrated(page);

  await page.getByLabel('Nama pengguna').fill('kades.kramatwatu');
  await page.getByLabel('Kata sandi', { exact: true }).fill('bukan-kata-sandinya');
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Nama pengguna atau kata sandi salah.');

  await page.getByLabel('Kata sandi', { exact: true }).fill('kopi-tubruk-kramatwatu');
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await expect(page).toHaveURL(/\/kramatwatu\/admin$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Admin Desa Kramatwatu');
  await expect(page.getByText('Masuk sebagai H. Ahmad Syarifudin · Kepala Desa')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  await page.getByRole('link', { name: /Sesi masuk/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sesi masuk');
  await expect(page.getByText('Sesi ini')).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Admin Desa Kramatwatu');

  // Every split-off admin page, loaded directly, renders on the server and hydrates cleanly.
  for (const path of ['perangkat', 'pin', 'audit', 'kata-sandi', 'sesi']) {
    await page.goto(`/kramatwatu/admin/${path}`);
    await hydrated(page);
  }
  await page.goto('/kramatwatu/admin');
  await hydrated(page);

  await page.getByRole('button', { name: 'Keluar' }).click();
  await expect(page).toHaveURL(/\/kramatwatu\/masuk$/);
  await page.goto('/kramatwatu/admin');
  await expect(page).toHaveURL(/\/kramatwatu\/masuk$/);

  // The refused sign-in is the only failed request; nothing else went wrong.
  const unexpected = errors.filter((e) => !e.includes('/api/auth/sign-in') && !e.includes('status of 400'));
  expect(unexpected).toEqual([]);
});

test('a resident signs in with NIK and PIN, must change the PIN, sees their family, signs out', async ({ page }) => {
  const errors = watchErrors(page);
  const seed = readFileSync(join(process.env.TMPDIR ?? tmpdir(), 'digdaya-e2e-seed.txt'), 'utf8');
  const found = seed.match(/Demo resident (.+) at \/kramatwatu\/masuk: NIK (\d{16}) PIN (\d{6})/);
  expect(found, seed).not.toBeNull();
  const [, name, nik, pin] = found!;

  await page.setViewportSize(PHONE);
  await page.goto('/kramatwatu/akun');
  await expect(page).toHaveURL(/\/kramatwatu\/masuk$/);
  await hydrated(page);
  await page.getByLabel('NIK').fill(nik);
  await page.getByLabel('PIN').fill('000000');
  await page.getByRole('button', { name: 'Masuk sebagai warga' }).click();
  await expect(page.getByRole('alert')).toContainText('NIK atau PIN salah');

  await page.getByLabel('PIN').fill(pin);
  await page.getByRole('button', { name: 'Masuk sebagai warga' }).click();
  await expect(page).toHaveURL(/\/kramatwatu\/akun\/ganti-pin$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ganti PIN');

  // The page refuses an easy PIN before sending it; then the new one is saved.
  await page.getByLabel('PIN saat ini').fill(pin);
  await page.getByLabel('PIN baru', { exact: true }).fill('123456');
  await page.getByLabel('Ulangi PIN baru').fill('123456');
  await page.getByRole('button', { name: 'Simpan PIN' }).click();
  await expect(page.getByRole('alert')).toContainText('urutan angka');
  await page.getByLabel('PIN baru', { exact: true }).fill('480213');
  await page.getByLabel('Ulangi PIN baru').fill('480213');
  await page.getByRole('button', { name: 'Simpan PIN' }).click();

  await expect(page).toHaveURL(/\/kramatwatu\/akun$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  // Loaded directly, the lazily split page renders on the server and hydrates.
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.locator('#my-data')).toContainText(nik);
  await expect(page.getByRole('heading', { name: 'Keluarga' })).toBeVisible();
  await expect(page.locator('.family-list li').first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  await page.getByRole('link', { name: /Akses data saya/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Akses data saya');
  await expect(page.getByText('Warga mengganti PIN')).toBeVisible();
  await page.goBack();

  await page.getByRole('button', { name: 'Keluar' }).click();
  await expect(page).toHaveURL(/\/kramatwatu\/masuk$/);
  await page.goto('/kramatwatu/akun');
  await expect(page).toHaveURL(/\/kramatwatu\/masuk$/);

  const unexpected = errors.filter((e) => !e.includes('/api/auth/resident-sign-in') && !e.includes('status of 400'));
  expect(unexpected).toEqual([]);
});

test('an official issues a PIN slip to a resident', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize(PHONE);
  await signInAsOperator(page);
  await page.getByRole('link', { name: /PIN warga/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('PIN warga');
  await expect(page.locator('.pin-list li').first()).toBeVisible();
  // Anyone but the demo resident, whose PIN the resident test uses.
  const seed = readFileSync(join(process.env.TMPDIR ?? tmpdir(), 'digdaya-e2e-seed.txt'), 'utf8');
  const demo = seed.match(/Demo resident (.+) at /)![1];
  await page.locator('.pin-list li').filter({ hasNotText: demo }).first().getByRole('button').click();
  await expect(page.locator('#slip-pin')).toHaveText(/^\d{6}$/);
  await expect(page.locator('#pin-slip')).toContainText('••••');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  expect(errors).toEqual([]);
});

test('an official searches the registry, records a birth and imports the incumbent sample', async ({ page }) => {
  const errors = watchErrors(page);
  const seed = readFileSync(join(process.env.TMPDIR ?? tmpdir(), 'digdaya-e2e-seed.txt'), 'utf8');
  const demo = seed.match(/Demo resident (.+?) at /)![1];
  await page.setViewportSize(PHONE);
  await signInAsOperator(page);

  // Search by name; open the resident; the family card shows masked numbers.
  await page.getByRole('link', { name: /Data penduduk/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Data penduduk');
  await expect(page.locator('#result-count')).toHaveText('2.000 penduduk');
  await page.getByLabel('Nama, awal NIK, atau No. KK').fill(demo);
  await page.getByRole('button', { name: 'Cari', exact: true }).click();
  await expect(page).toHaveURL(/q=/);
  await page.locator('.resident-list').getByRole('link', { name: demo }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(demo);
  await expect(page.locator('#family-card h2')).toContainText('••••••••');
  let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // Record a birth in this family: the form checks the NIK before sending it.
  await page.getByRole('link', { name: 'Catat kelahiran di keluarga ini' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Catat kelahiran');
  await hydrated(page);
  await page.getByLabel('NIK (16 angka)').fill('360405411026001');
  await page.getByLabel('Nama lengkap').fill('Neng Aulia Putri');
  await page.getByLabel('Jenis kelamin').selectOption('P');
  await page.getByLabel('Tempat lahir').fill('Serang');
  await page.getByLabel('Tanggal lahir').fill('2026-10-01');
  await page.getByLabel('Agama').selectOption('ISLAM');
  await page.getByLabel('Pendidikan dalam KK').selectOption('TIDAK / BELUM SEKOLAH');
  await page.getByLabel('Pekerjaan').selectOption('BELUM/TIDAK BEKERJA');
  await page.getByLabel('Nomor akta kelahiran').fill('3604-LT-01102026-0001');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await expect(page.locator('.field-error').first()).toHaveText('NIK harus 16 angka.');
  await page.getByLabel('NIK (16 angka)').fill('3604054110260001');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neng Aulia Putri');
  await expect(page.locator('.event-list')).toContainText('Kelahiran · 01-10-2026');
  await expect(page.locator('#family-card')).toContainText(demo);

  // The family moves: a new address and RT on the card, the members follow.
  await hydrated(page);
  await page.getByRole('button', { name: 'Ubah alamat KK' }).click();
  await page.locator('#fam-address').fill('Kp. Baru Jaya No. 7');
  await expect(page.locator('#fam-rt option').nth(2)).toBeAttached();
  await page.locator('#fam-rt').selectOption({ index: 2 });
  await page.getByRole('button', { name: 'Simpan alamat' }).click();
  await expect(page.locator('#family-card > p.muted')).toContainText('Kp. Baru Jaya No. 7');

  // The Buku Mutasi opens on the current year; the birth is in the book of its year.
  await page.goto('/kramatwatu/admin/penduduk/buku');
  await expect(page.getByRole('heading', { level: 2, name: /Buku Mutasi Penduduk \d{4}/ })).toHaveText(`Buku Mutasi Penduduk ${new Date().getFullYear()}`);
  await page.goto('/kramatwatu/admin/penduduk/buku?tahun=2026');
  await expect(page.locator('#mutasi')).toContainText('Neng Aulia Putri');

  // Import the incumbent's sample: the dry run first, then the real run with its progress.
  await page.goto('/kramatwatu/admin/penduduk/impor');
  await hydrated(page);
  await page.setInputFiles('#berkas', sharedData('opensid/contoh_penduduk.xlsx'));
  await page.getByRole('button', { name: 'Unggah dan periksa' }).click();
  await expect(page).toHaveURL(/unggahan=/);
  await expect(page.locator('#import-report h2')).toContainText('Hasil pemeriksaan (belum disimpan)');
  await expect(page.locator('#import-report .stats li').nth(1)).toContainText('97');
  await expect(page.locator('#import-report')).toContainText('Tanggal lahir di dalam NIK berbeda');
  await hydrated(page);
  await page.getByRole('button', { name: 'Impor sekarang' }).click();
  await expect(page.locator('#import-done')).toBeVisible();
  await expect(page.locator('#import-report h2')).toContainText('Hasil impor');
  await page.getByRole('link', { name: 'Lihat data penduduk' }).click();
  await expect(page.locator('#result-count')).toHaveText('2.098 penduduk');
  overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // Every registry page, loaded directly, renders on the server and hydrates cleanly.
  for (const path of ['penduduk', 'penduduk/baru', 'penduduk/impor', 'penduduk/buku', 'penduduk/perbaikan', 'penduduk/statistik']) {
    await page.goto(`/kramatwatu/admin/${path}`);
    await hydrated(page);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  expect(errors).toEqual([]);
});
