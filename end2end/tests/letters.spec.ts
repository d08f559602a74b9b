import { test, expect } from '@playwright/test';
import { PHONE, PHOTO, hydrated, noOverflow, officialPage, residentWithSlip } from './helpers';

test('a resident asks for a letter from a phone, the kades signs it, the resident downloads it and the QR verifies', async ({ browser }) => {
  // The kades gives a resident (not the demo resident) a PIN slip, and looks up their NIK.
  const kades = await officialPage(browser, 'kades.kramatwatu');
  const { name, nik, pin } = await residentWithSlip(kades, 0);

  // The resident signs in on their phone and chooses their own PIN.
  const context = await browser.newContext({ viewport: PHONE });
  const phone = await context.newPage();
  await phone.goto('/kramatwatu/masuk');
  await hydrated(phone);
  await phone.getByLabel('NIK').fill(nik);
  await phone.getByLabel('PIN').fill(pin);
  await phone.getByRole('button', { name: 'Masuk sebagai warga' }).click();
  await expect(phone).toHaveURL(/\/akun\/ganti-pin$/);
  await phone.getByLabel('PIN saat ini').fill(pin);
  await phone.getByLabel('PIN baru', { exact: true }).fill('729416');
  await phone.getByLabel('Ulangi PIN baru').fill('729416');
  await phone.getByRole('button', { name: 'Simpan PIN' }).click();
  await expect(phone).toHaveURL(/\/kramatwatu\/akun$/);

  // Asks for a Surat Keterangan Domisili and attaches the two photos.
  await phone.goto('/kramatwatu/layanan');
  await phone.getByRole('link', { name: 'Surat Keterangan Domisili' }).click();
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Surat Keterangan Domisili');
  await hydrated(phone);
  await noOverflow(phone);
  await phone.getByLabel('Keperluan').fill('melamar pekerjaan');
  // Sent without the photos, which follow on the request's page.
  await phone.getByRole('button', { name: 'Kirim permohonan' }).click();
  await expect(phone).toHaveURL(/\/layanan\/permohonan\/\d+$/);
  const requestUrl = phone.url();
  await expect(phone.locator('.badge').first()).toHaveText('Belum Lengkap');
  for (const label of ['Foto KTP', 'Foto Kartu Keluarga']) {
    await phone.getByLabel(label).setInputFiles({ name: 'foto.png', mimeType: 'image/png', buffer: PHOTO });
    await phone.locator('.attachment', { hasText: label }).getByRole('button', { name: 'Unggah' }).click();
    await expect(phone.locator('.attachment', { hasText: label }).locator('img')).toHaveCount(1);
  }
  await hydrated(phone);
  await phone.getByRole('button', { name: 'Kirim permohonan' }).click();
  await expect(phone.locator('.badge').first()).toHaveText('Sedang Diperiksa');
  await noOverflow(phone);

  // The kades finds it in the queue, checks the photos, forwards and signs it.
  await kades.goto('/kramatwatu/admin/surat');
  await kades.locator('#queue').getByRole('link', { name: new RegExp(name) }).click();
  await expect(kades.locator('.thumbs img')).toHaveCount(2);
  await hydrated(kades);
  await kades.getByRole('button', { name: 'Teruskan untuk ditandatangani' }).click();
  await expect(kades.locator('.badge').first()).toHaveText('Menunggu Tanda Tangan');
  await kades.getByRole('button', { name: 'Tanda tangani' }).click();
  await expect(kades.locator('#letter-number')).toContainText('Nomor 470/');
  const number = (await kades.locator('#letter-number').textContent())!.replace('Nomor ', '').trim();
  await expect(kades.locator('#download-pdf')).toBeVisible();

  // The resident sees it ready and downloads the PDF.
  await phone.goto(requestUrl);
  await expect(phone.locator('.badge').first()).toHaveText('Siap Diunduh');
  await expect(phone.locator('#timeline li')).toHaveCount(4);
  const href = await phone.locator('#download-pdf').getAttribute('href');
  const pdf = await phone.request.get(href!);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  const bytes = (await pdf.body()).toString('latin1');
  expect(bytes.startsWith('%PDF-')).toBe(true);
  expect(bytes).toContain(number);
  // The QR's address (also a link over the QR) opens the verification page: genuine.
  const qr = bytes.match(/\/URI \((http[^)]+)\)/)![1];
  await phone.goto(qr.replace(/^http:\/\/[^/]+/, ''));
  await expect(phone.locator('#verdict h2')).toHaveText('✓ Surat ini asli');
  await expect(phone.locator('#verdict')).toContainText(number);
  // What the checker compares with the paper: the name, the last four digits of the NIK, the
  // purpose (the whole NIK never).
  await expect(phone.locator('#verdict')).toContainText(name);
  await expect(phone.locator('#verdict')).toContainText('••••••••••••');
  await noOverflow(phone);
  // A changed signature is caught.
  await phone.goto(qr.replace(/^http:\/\/[^/]+/, '').replace(/&s=.*/, '&s=AAAA'));
  await expect(phone.locator('#verdict h2')).toHaveText('✗ Data surat tidak cocok');
  await context.close();
  await kades.context().close();
});
