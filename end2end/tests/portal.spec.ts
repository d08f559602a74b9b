import { test, expect } from '@playwright/test';
import { PHOTO, hydrated, noOverflow, officialPage, phone } from './helpers';

test('an official writes an article with a preview and publishes it; it is listed, readable without JavaScript and in the sitemap', async ({ browser }) => {
  const sekdes = await officialPage(browser, 'sekdes.kramatwatu');
  await sekdes.goto('/kramatwatu/admin/berita');
  await hydrated(sekdes);
  await sekdes.locator('#new-article').click();
  await expect(sekdes.getByRole('heading', { level: 1 })).toHaveText('Tulis berita');
  await hydrated(sekdes);
  await noOverflow(sekdes);

  // Missing fields are named before anything is sent.
  await sekdes.getByRole('button', { name: 'Simpan' }).click();
  await expect(sekdes.locator('.field-error').first()).toContainText('Judul wajib diisi');

  await sekdes.getByLabel('Judul').fill('Posyandu balita bulan Desember');
  await sekdes.getByLabel('Kategori').selectOption('kesehatan');
  await sekdes.getByLabel('Isi berita').fill(
    '## Jadwal\n\nPosyandu di **Dusun Kramat**, Selasa pukul 08.00.\n\n<script>alert(1)</script>\n\n[Info](javascript:alert(1))',
  );
  await sekdes.getByRole('button', { name: 'Pratinjau' }).click();
  const preview = sekdes.locator('#preview');
  await expect(preview.locator('h2')).toHaveText('Jadwal');
  await expect(preview.locator('strong')).toHaveText('Dusun Kramat');
  await expect(preview).toContainText('<script>alert(1)</script>');
  await expect(preview.locator('script')).toHaveCount(0);
  await expect(preview.locator('a')).toHaveCount(0);
  await sekdes.getByLabel('Terbitkan', { exact: true }).check();
  await sekdes.getByRole('button', { name: 'Simpan' }).click();
  await expect(sekdes).toHaveURL(/\/kramatwatu\/admin\/berita$/);
  const row = sekdes.locator('#articles li', { hasText: 'Posyandu balita bulan Desember' });
  await expect(row.locator('.badge')).toHaveText('Terbit');

  // Adds a cover image from the article's editor (a plain form; a lying file is refused).
  await row.getByRole('link', { name: 'Posyandu balita bulan Desember' }).click();
  await expect(sekdes.getByRole('heading', { level: 1 })).toHaveText('Ubah berita');
  await sekdes.getByLabel('Gambar sampul').setInputFiles({ name: 'virus.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('MZ not a photo') });
  await sekdes.getByRole('button', { name: 'Unggah sampul' }).click();
  await expect(sekdes.locator('#sampul .form-error')).toContainText('bukan foto');
  await sekdes.getByLabel('Gambar sampul').setInputFiles({ name: 'sampul.png', mimeType: 'image/png', buffer: PHOTO });
  await sekdes.getByRole('button', { name: 'Unggah sampul' }).click();
  await expect(sekdes.locator('#sampul img')).toHaveCount(1);
  await expect(sekdes.locator('#sampul .form-error')).toHaveCount(0);

  // A visitor without JavaScript finds it in the list and reads it.
  const visitor = await phone(browser, { javaScriptEnabled: false });
  await visitor.goto('/kramatwatu/berita');
  await visitor.getByRole('link', { name: 'Posyandu balita bulan Desember' }).click();
  await expect(visitor).toHaveURL(/\/kramatwatu\/berita\/posyandu-balita-bulan-desember$/);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Posyandu balita bulan Desember');
  await expect(visitor.locator('.article-body strong')).toHaveText('Dusun Kramat');
  await expect.poll(() => visitor.locator('img.cover').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
  await expect(visitor.locator('.article-body script')).toHaveCount(0);
  await expect(visitor.locator('meta[name="description"]')).toHaveAttribute('content', /Posyandu di Dusun Kramat/);
  const html = await visitor.content();
  expect(html).not.toMatch(/\/pkg\/[^"']*\.(js|wasm)/);
  await noOverflow(visitor);

  // Search engines find it.
  const sitemap = await (await visitor.request.get('/kramatwatu/sitemap.xml')).text();
  expect(sitemap).toContain('/kramatwatu/berita/posyandu-balita-bulan-desember</loc>');
  const robots = await (await visitor.request.get('/robots.txt')).text();
  expect(robots).toContain('Sitemap: ');
});
