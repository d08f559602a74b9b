import { test, expect } from '@playwright/test';
import { PHOTO, hydrated, noOverflow, officialPage, phone, pointInDusun, residentWithSlip } from './helpers';

test('a resident opens a shop and adds a product with a photo; an official approves; a visitor without JavaScript finds it and reaches the seller on WhatsApp', async ({ browser }) => {
  // The kades gives a resident (not the demo resident) a PIN slip and looks up their NIK.
  const kades = await officialPage(browser, 'kades.kramatwatu');
  const { nik, pin } = await residentWithSlip(kades, 2);

  // The resident signs in, chooses a PIN and opens a shop from "Lapak saya".
  const seller = await phone(browser);
  await seller.goto('/kramatwatu/masuk');
  await hydrated(seller);
  await seller.getByLabel('NIK').fill(nik);
  await seller.getByLabel('PIN').fill(pin);
  await seller.getByRole('button', { name: 'Masuk sebagai warga' }).click();
  await expect(seller).toHaveURL(/\/akun\/ganti-pin$/);
  await seller.getByLabel('PIN saat ini').fill(pin);
  await seller.getByLabel('PIN baru', { exact: true }).fill('583014');
  await seller.getByLabel('Ulangi PIN baru').fill('583014');
  await seller.getByRole('button', { name: 'Simpan PIN' }).click();
  await expect(seller).toHaveURL(/\/kramatwatu\/akun$/);
  await seller.goto('/kramatwatu/pasar/kelola');
  await expect(seller.getByRole('heading', { level: 1 })).toHaveText('Lapak saya');
  await hydrated(seller);
  await noOverflow(seller);

  // A wrong number is caught before sending, in words.
  await seller.getByLabel('Nama usaha').fill('Presto Bu Ratna');
  await seller.getByLabel('Jenis usaha').selectOption('perikanan');
  await seller.getByLabel('Nomor WhatsApp').fill('021-555');
  await seller.getByLabel('Alamat').fill('Kp. Kramat RT 003/002');
  await seller.getByRole('button', { name: 'Buka lapak' }).click();
  await expect(seller.locator('.field-error')).toContainText('Nomor WhatsApp tidak valid');
  await seller.getByLabel('Nomor WhatsApp').fill('0812-7788-9900');
  await seller.getByLabel('Jam buka (boleh dikosongkan)').fill('Setiap hari 08.00–16.00');
  await expect(seller.locator('#village-map .leaflet-overlay-pane path').first()).toBeAttached();
  const at = await pointInDusun(seller);
  await seller.mouse.click(at.x, at.y);
  await expect(seller.locator('#pin-text')).toContainText('Titik:');
  await seller.getByRole('button', { name: 'Buka lapak' }).click();
  await expect(seller).toHaveURL(/\/pasar\/kelola\/\d+$/);
  const shopUrl = seller.url();
  await expect(seller.locator('#shop-status')).toContainText('Menunggu persetujuan');

  // Adds a product (the form is open while there is none) and a photo.
  await hydrated(seller);
  const form = seller.locator('#new-product');
  await form.getByLabel('Nama produk').fill('Bandeng presto duri lunak');
  await form.getByLabel('Harga (Rp)').fill('45.000');
  await form.getByLabel('Satuan').selectOption('bungkus');
  await form.getByLabel('Harga diskon (boleh dikosongkan)').fill('50000');
  await form.getByRole('button', { name: 'Simpan produk' }).click();
  await expect(form.locator('.field-error')).toContainText('Harga diskon harus lebih rendah');
  await form.getByLabel('Harga diskon (boleh dikosongkan)').fill('40.000');
  await form.getByRole('button', { name: 'Simpan produk' }).click();
  await expect(seller).toHaveURL(/\?produk=\d+#produk-\d+$/);
  const product = seller.locator('.my-product', { hasText: 'Bandeng presto duri lunak' });
  await expect(product).toContainText('Rp 40.000');
  await product.getByLabel('Foto produk').setInputFiles({ name: 'bandeng.png', mimeType: 'image/png', buffer: PHOTO });
  await product.getByRole('button', { name: 'Unggah foto' }).click();
  await expect(product.locator('.thumbs img')).toHaveCount(1);
  // The seller sees the photo of a shop that is not public yet.
  await expect.poll(() => product.locator('.thumbs img').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
  // A lying file is refused with a message; nothing is added.
  await product.getByLabel('Foto produk').setInputFiles({ name: 'virus.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('MZ\x90\x00 not a photo') });
  await product.getByRole('button', { name: 'Unggah foto' }).click();
  await expect(seller.locator('.my-product .form-error')).toContainText(/foto|gambar/i);
  await expect(product.locator('.thumbs img')).toHaveCount(1);
  await noOverflow(seller);

  // Not in the market before approval.
  const visitor = await phone(browser, { javaScriptEnabled: false });
  await visitor.goto('/kramatwatu/pasar?q=bandeng');
  await expect(visitor.locator('#result-count')).toHaveText('0 produk');

  // The kades approves it from the officials' page.
  await kades.goto('/kramatwatu/admin/pasar');
  await hydrated(kades);
  const shopId = shopUrl.match(/(\d+)$/)![1];
  const entry = kades.locator(`#toko-${shopId}`);
  await expect(entry).toContainText('Menunggu persetujuan');
  await entry.getByRole('button', { name: 'Setujui' }).click();
  await expect(entry).toContainText('Aktif');

  // A visitor on a phone without JavaScript: searches, filters, opens the product.
  await visitor.goto('/kramatwatu/pasar');
  // Sent without the WASM: nothing but the page, its stylesheet and the photos.
  const html = await visitor.content();
  expect(html).not.toMatch(/\/pkg\/[^"']*\.(js|wasm)/);
  await visitor.getByLabel('Cari produk atau toko').fill('bandeng');
  await visitor.getByRole('button', { name: 'Cari' }).click();
  await expect(visitor).toHaveURL(/q=bandeng/);
  await visitor.locator('summary', { hasText: 'Saring dan urutkan' }).click();
  await visitor.getByLabel('Harga dari (Rp)').fill('30.000');
  await visitor.getByLabel('sampai (Rp)').fill('35.000');
  await visitor.getByRole('button', { name: 'Terapkan' }).click();
  await expect(visitor.locator('#result-count')).toHaveText('0 produk');
  await visitor.getByLabel('sampai (Rp)').fill('50.000');
  await visitor.getByLabel('Hanya yang tersedia').check();
  await visitor.getByRole('button', { name: 'Terapkan' }).click();
  await visitor.getByRole('link', { name: /Perikanan/ }).click();
  await expect(visitor).toHaveURL(/kategori=perikanan/);
  await expect(visitor).toHaveURL(/tersedia=1/);
  await expect(visitor.locator('#result-count')).toHaveText('1 produk');
  const card = visitor.locator('#products li');
  await expect(card).toContainText('Bandeng presto duri lunak');
  await expect(card).toContainText('Rp 40.000');
  await expect(card.locator('img')).toHaveAttribute('width', '240');
  await noOverflow(visitor);
  await card.getByRole('link').click();
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Bandeng presto duri lunak');
  await expect(visitor.locator('.product-photo')).toBeVisible();
  const link = await visitor.locator('#whatsapp').getAttribute('href');
  const wa = new URL(link!);
  expect(wa.origin + wa.pathname).toBe('https://wa.me/6281277889900');
  const text = wa.searchParams.get('text')!;
  expect(text).toContain('Bandeng presto duri lunak');
  expect(text).toContain('Rp 40.000');
  expect(text).toMatch(/\/kramatwatu\/pasar\/produk\/\d+$/);
  // The seller's details, never their NIK.
  await expect(visitor.locator('.shop-box')).toContainText('Presto Bu Ratna');
  await expect(visitor.locator('body')).not.toContainText(nik);
  await noOverflow(visitor);

  // The results on a map: the shop is a dot on the village, linked to its page.
  await visitor.goto('/kramatwatu/pasar?q=bandeng');
  await visitor.locator('#show-map').click();
  await expect(visitor).toHaveURL(/peta=1/);
  await expect(visitor.locator('.results-map circle')).toHaveCount(1);
  await noOverflow(visitor);
  await visitor.locator('#map-shops').getByRole('link', { name: 'Presto Bu Ratna' }).click();
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Presto Bu Ratna');
  await expect(visitor.locator('#products')).toContainText('Bandeng presto duri lunak');
  await noOverflow(visitor);
});
