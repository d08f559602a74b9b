import { test, expect } from '@playwright/test';
import { PHONE, PHOTO, noOverflow, officialPage, phone, residentWithSlip } from './helpers';

// Issue 29: every form of the residents' journeys and the officials' core actions works before
// (and without) the WASM: it posts to the server, shows the server's errors in place and keeps
// what was typed. Both phones here run no JavaScript at all.

test('without JavaScript a resident changes the PIN, asks for a letter, reports a problem and opens a shop with a product; the kades forwards, signs, replies and approves', async ({ browser }) => {
  const kadesWithJs = await officialPage(browser, 'kades.kramatwatu');
  const { nik, pin } = await residentWithSlip(kadesWithJs, 4);
  await kadesWithJs.context().close();
  const resident = await phone(browser, { javaScriptEnabled: false });

  // Sign-in and the PIN change.
  await resident.goto('/kramatwatu/masuk');
  await resident.getByLabel('NIK').fill(nik);
  await resident.getByLabel('PIN').fill(pin);
  await resident.getByRole('button', { name: 'Masuk sebagai warga' }).click();
  await expect(resident).toHaveURL(/\/akun\/ganti-pin$/);
  await resident.getByLabel('PIN saat ini').fill(pin);
  await resident.getByLabel('PIN baru', { exact: true }).fill('640271');
  await resident.getByLabel('Ulangi PIN baru').fill('640271');
  await resident.getByRole('button', { name: 'Simpan PIN' }).click();
  await expect(resident).toHaveURL(/\/kramatwatu\/akun$/);

  // A letter request with both photos in the form: handed in at once.
  await resident.goto('/kramatwatu/layanan');
  await resident.getByRole('link', { name: 'Surat Keterangan Domisili' }).click();
  await resident.getByLabel('Keperluan').fill('mendaftar sekolah anak');
  await resident.getByLabel('Foto KTP').setInputFiles({ name: 'ktp.png', mimeType: 'image/png', buffer: PHOTO });
  await resident.getByLabel('Foto Kartu Keluarga').setInputFiles({ name: 'kk.png', mimeType: 'image/png', buffer: PHOTO });
  await resident.getByRole('button', { name: 'Kirim permohonan' }).click();
  await expect(resident).toHaveURL(/\/layanan\/permohonan\/\d+$/);
  const letterId = resident.url().match(/(\d+)$/)![1];
  await expect(resident.locator('.badge').first()).toHaveText('Sedang Diperiksa');
  await expect(resident.locator('.thumbs img')).toHaveCount(2);

  // A report refused by the server comes back with its problems and what was typed.
  await resident.goto('/kramatwatu/pengaduan/baru');
  await resident.getByLabel('Kategori').selectOption('Jalan dan jembatan');
  await resident.getByLabel('Apa masalahnya?').fill('Rusak');
  await resident.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(resident.locator('.field-error').first()).toBeVisible();
  await expect(resident.getByLabel('Kategori')).toHaveValue('Jalan dan jembatan');
  await expect(resident.getByLabel('Apa masalahnya?')).toHaveValue('Rusak');
  await noOverflow(resident);
  await resident.getByLabel('Apa masalahnya?').fill('Jembatan bambu di dekat sawah retak dan miring, berbahaya bagi anak sekolah.');
  await resident.getByLabel('Tidak bisa memakai peta? Pilih dusunnya').selectOption({ index: 1 });
  await resident.getByLabel('Foto (tidak wajib, paling banyak 6)').setInputFiles({ name: 'jembatan.png', mimeType: 'image/png', buffer: PHOTO });
  await resident.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(resident).toHaveURL(/\/pengaduan\/\d+$/);
  const reportId = resident.url().match(/(\d+)$/)![1];
  await expect(resident.locator('.thumbs img')).toHaveCount(1);

  // A shop: refused first (no WhatsApp number), the name kept; then opened.
  await resident.goto('/kramatwatu/pasar/kelola');
  await resident.getByLabel('Nama usaha').fill('Warung Kopi Pak Darto');
  await resident.getByLabel('Jenis usaha').selectOption({ index: 1 });
  await resident.getByLabel('Alamat').fill('Kp. Kramat RT 001/002');
  await resident.getByRole('button', { name: 'Buka lapak' }).click();
  await expect(resident.locator('.field-error', { hasText: 'Nomor WhatsApp tidak valid' })).toBeVisible();
  await expect(resident.getByLabel('Nama usaha')).toHaveValue('Warung Kopi Pak Darto');
  await resident.getByLabel('Nomor WhatsApp').fill('0812-4455-6677');
  await resident.getByRole('button', { name: 'Buka lapak' }).click();
  await expect(resident).toHaveURL(/\/pasar\/kelola\/\d+$/);
  const shopId = resident.url().match(/(\d+)$/)![1];

  // …and a product: a discount above the price is refused in place, then corrected.
  const form = resident.locator('#new-product');
  await form.getByLabel('Nama produk').fill('Kopi robusta bubuk 250 g');
  await form.getByLabel('Harga (Rp)').fill('30.000');
  await form.getByLabel('Harga diskon (boleh dikosongkan)').fill('35.000');
  await form.getByRole('button', { name: 'Simpan produk' }).click();
  await expect(resident.locator('#new-product .field-error', { hasText: 'Harga diskon harus lebih rendah' })).toBeVisible();
  await expect(resident.locator('#new-product').getByLabel('Nama produk')).toHaveValue('Kopi robusta bubuk 250 g');
  await resident.locator('#new-product').getByLabel('Harga diskon (boleh dikosongkan)').fill('27.500');
  await resident.locator('#new-product').getByRole('button', { name: 'Simpan produk' }).click();
  await expect(resident).toHaveURL(/\?produk=\d+#produk-\d+$/);
  await expect(resident.locator('.my-product', { hasText: 'Kopi robusta bubuk 250 g' })).toContainText('Rp 27.500');

  // The kades, without JavaScript too: forwards and signs the letter, replies to the report
  // and approves the shop.
  const kades = await phone(browser, { javaScriptEnabled: false });
  await kades.goto('/kramatwatu/masuk');
  await kades.getByLabel('Nama pengguna').fill('kades.kramatwatu');
  await kades.getByLabel('Kata sandi', { exact: true }).fill('kopi-tubruk-kramatwatu');
  await kades.getByRole('button', { name: 'Masuk', exact: true }).click();
  await expect(kades).toHaveURL(/\/kramatwatu\/admin$/);

  await kades.goto(`/kramatwatu/admin/surat/${letterId}`);
  await kades.getByRole('button', { name: 'Teruskan untuk ditandatangani' }).click();
  await expect(kades.locator('.badge').first()).toHaveText('Menunggu Tanda Tangan');
  await kades.getByRole('button', { name: 'Tanda tangani' }).click();
  await expect(kades.locator('#letter-number')).toContainText('Nomor 470/');

  await kades.goto(`/kramatwatu/admin/pengaduan/${reportId}`);
  await kades.getByLabel('Balasan petugas').fill('Tim desa memeriksa jembatan besok pagi.');
  await kades.getByLabel('Status', { exact: true }).selectOption({ label: 'Ubah menjadi Diproses' });
  await kades.getByRole('button', { name: 'Kirim', exact: true }).click();
  await expect(kades.locator('main')).toContainText('Tim desa memeriksa jembatan besok pagi.');
  await expect(kades.locator('.badge').first()).toHaveText('Diproses');

  await kades.goto('/kramatwatu/admin/pasar');
  const row = kades.locator(`#toko-${shopId}`);
  await row.getByRole('button', { name: 'Setujui' }).click();
  await expect(kades.locator(`#toko-${shopId} .badge`)).toHaveText('Aktif');

  // The resident sees it all.
  await resident.goto(`/kramatwatu/layanan/permohonan/${letterId}`);
  await expect(resident.locator('.badge').first()).toHaveText('Siap Diunduh');
  await resident.goto(`/kramatwatu/pengaduan/${reportId}`);
  await expect(resident.locator('main')).toContainText('Tim desa memeriksa jembatan besok pagi.');
  await resident.context().close();
  await kades.context().close();
});

test('before its WASM arrives and without a signal, a report is kept on the phone and goes once the signal is back', async ({ browser }) => {
  // The page's script runs; its WASM never comes (a slow link), so the form is the server's.
  const context = await browser.newContext({ viewport: PHONE, serviceWorkers: 'block' });
  await context.route(/\.(wasm|bin)$/, (route) => route.abort());
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
  const page = await context.newPage();
  await page.goto('/kramatwatu/pengaduan/baru');
  const mark = `Got ${Date.now()}`;
  await page.getByLabel('Kategori').selectOption('Jalan dan jembatan');
  await page.getByLabel('Apa masalahnya?').fill(`${mark}: gorong-gorong ambrol di depan balai dusun.`);
  await page.getByLabel('Nama Anda').fill('Siti Aminah');
  await page.getByLabel('Nomor HP (untuk dihubungi petugas)').fill('0812 3456 7890');
  await page.getByLabel('Tidak bisa memakai peta? Pilih dusunnya').selectOption({ index: 1 });
  await page.getByLabel('Foto (tidak wajib, paling banyak 6)').setInputFiles({ name: 'gorong.png', mimeType: 'image/png', buffer: PHOTO });
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(page.locator('.app-notice')).toContainText('Tersimpan di ponsel');
  await expect(page.locator('#outbox-bar')).toContainText('1 kiriman menunggu sinyal');
  await expect(page).toHaveURL(/\/pengaduan\/baru$/);
  // The signal comes back: it goes by itself, once.
  await context.setOffline(false);
  await expect(page.locator('#outbox-bar')).toHaveCount(0, { timeout: 20_000 });
  const kades = await officialPage(browser, 'kades.kramatwatu');
  await kades.goto('/kramatwatu/admin/pengaduan?status=baru');
  await expect(kades.locator('#reports li', { hasText: mark })).toHaveCount(1);
  await kades.locator('#reports li', { hasText: mark }).getByRole('link').first().click();
  await expect(kades.locator('#foto img')).toHaveCount(1);
  await context.close();
});
