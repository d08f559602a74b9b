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

  // It leads the home page's latest news, with its cover.
  await visitor.goto('/kramatwatu');
  const latest = visitor.locator('#latest-news li').first();
  await expect(latest.getByRole('link')).toHaveText('Posyandu balita bulan Desember');
  await expect.poll(() => latest.locator('img').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);

  // Search engines find it.
  const sitemap = await (await visitor.request.get('/kramatwatu/sitemap.xml')).text();
  expect(sitemap).toContain('/kramatwatu/berita/posyandu-balita-bulan-desember</loc>');
  const robots = await (await visitor.request.get('/robots.txt')).text();
  expect(robots).toContain('Sitemap: ');
});

test('officials keep the profile, announcements, agenda, APBDes and gallery; visitors without JavaScript read them', async ({ browser }) => {
  const sekdes = await officialPage(browser, 'sekdes.kramatwatu');
  const inAWeek = new Date(Date.now() + 7 * 86400_000 + 7 * 3600_000).toISOString().slice(0, 10);

  // Profile: a wrong email is named; then the vision is saved and a person added.
  await sekdes.goto('/kramatwatu/admin/profil');
  await hydrated(sekdes);
  await noOverflow(sekdes);
  await sekdes.getByLabel('Visi').fill('Desa uji yang terbuka dan melayani');
  await sekdes.getByLabel('Email').fill('bukan email');
  await sekdes.getByRole('button', { name: 'Simpan profil' }).click();
  await expect(sekdes.locator('#profile-form .field-error')).toContainText('Alamat email tidak sah');
  await sekdes.getByLabel('Email').fill('pemdes@kramatwatu.desa.id');
  await sekdes.getByRole('button', { name: 'Simpan profil' }).click();
  await expect(sekdes.getByRole('status')).toHaveText('Profil tersimpan.');
  await sekdes.getByLabel('Nama', { exact: true }).fill('Neng Sari Uji');
  await sekdes.getByLabel('Jabatan').fill('Kaur Tata Usaha');
  await sekdes.getByRole('button', { name: 'Tambah' }).click();
  const person = sekdes.locator('.people-admin li', { hasText: 'Neng Sari Uji' });
  await expect(person).toBeVisible();
  await hydrated(sekdes); // the page reloads with the new list
  await person.getByLabel('Foto Neng Sari Uji').setInputFiles({ name: 'neng.png', mimeType: 'image/png', buffer: PHOTO });
  await person.getByRole('button', { name: 'Unggah foto' }).click();
  await expect(sekdes.locator('.people-admin li', { hasText: 'Neng Sari Uji' }).locator('img')).toHaveCount(1);

  // An announcement for a week and an event.
  await sekdes.goto('/kramatwatu/admin/pengumuman');
  await hydrated(sekdes);
  const notice = sekdes.locator('#announcement-form');
  await notice.getByLabel('Judul').fill('Vaksinasi kucing gratis');
  await notice.getByLabel('Isi').fill('Bawa kucing ke balai desa.');
  await notice.getByRole('button', { name: 'Simpan pengumuman' }).click();
  await expect(notice.locator('.field-error')).toContainText('Pilih tanggal berakhirnya');
  await notice.getByLabel('Berlaku sampai').fill(inAWeek);
  await notice.getByRole('button', { name: 'Simpan pengumuman' }).click();
  await expect(sekdes.locator('#announcement-list li', { hasText: 'Vaksinasi kucing gratis' })).toBeVisible();
  await hydrated(sekdes); // the page reloads with the new list
  const event = sekdes.locator('#event-form');
  await event.getByLabel('Nama kegiatan').fill('Lomba kebersihan antar-RT');
  await event.getByLabel('Tanggal').fill(inAWeek);
  await event.getByLabel('Tempat').fill('Lapangan desa');
  await event.getByRole('button', { name: 'Simpan kegiatan' }).click();
  await expect(sekdes.locator('#event-list li', { hasText: 'Lomba kebersihan antar-RT' })).toBeVisible();

  // APBDes of last year: a word where a number belongs is refused, then it is saved.
  const year = new Date().getFullYear() - 1;
  await sekdes.goto(`/kramatwatu/admin/apbdes?tahun=${year}`);
  await hydrated(sekdes);
  await noOverflow(sekdes);
  await sekdes.getByLabel('Dana Desa anggaran', { exact: true }).fill('satu miliar');
  await sekdes.getByRole('button', { name: 'Simpan APBDes' }).click();
  await expect(sekdes.locator('#budget-form .field-error').first()).toContainText('Dana Desa: Jumlah hanya berisi angka');
  await sekdes.getByLabel('Dana Desa anggaran', { exact: true }).fill('1.111.000.000');
  await sekdes.getByLabel('Dana Desa realisasi', { exact: true }).fill('999.000.000');
  await sekdes.getByRole('button', { name: 'Simpan APBDes' }).click();
  await expect(sekdes.getByRole('status')).toHaveText(`APBDes ${year} tersimpan.`);

  // Gallery: an album and a photo.
  await sekdes.goto('/kramatwatu/admin/galeri');
  await hydrated(sekdes);
  await sekdes.getByLabel('Album baru').fill('Lomba kebersihan');
  await sekdes.getByRole('button', { name: 'Buat album' }).click();
  const album = sekdes.locator('section', { has: sekdes.getByRole('heading', { name: 'Lomba kebersihan' }) });
  await expect(album).toBeVisible();
  await album.getByLabel('Foto untuk album Lomba kebersihan').setInputFiles({ name: 'rt.png', mimeType: 'image/png', buffer: PHOTO });
  await album.getByLabel('Keterangan foto').fill('Juara RT 03');
  await album.getByRole('button', { name: 'Unggah foto' }).click();
  await expect(sekdes.locator('section', { has: sekdes.getByRole('heading', { name: 'Lomba kebersihan' }) }).locator('img')).toHaveCount(1);

  // A visitor without JavaScript.
  const visitor = await phone(browser, { javaScriptEnabled: false });
  await visitor.goto('/kramatwatu');
  await expect(visitor.locator('.notices')).toContainText('Vaksinasi kucing gratis');
  await expect.poll(() => visitor.locator('img.hero-photo').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
  await visitor.goto('/kramatwatu/profil');
  await expect(visitor.locator('.vision')).toHaveText('Desa uji yang terbuka dan melayani');
  await expect(visitor.locator('#people li', { hasText: 'Neng Sari Uji' }).locator('img')).toHaveCount(1);
  await visitor.goto('/kramatwatu/agenda');
  await expect(visitor.locator('#events')).toContainText('Lomba kebersihan antar-RT');
  await visitor.goto(`/kramatwatu/apbdes?tahun=${year}`);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(`APBDes tahun ${year}`);
  const danaDesa = visitor.locator('tr', { has: visitor.getByRole('rowheader', { name: 'Dana Desa', exact: true }) });
  await expect(danaDesa).toContainText('Rp 1.111.000.000');
  await expect(danaDesa).toContainText('Rp 999.000.000');
  await expect(visitor.locator('#budget-years')).toBeVisible();
  await noOverflow(visitor);
  await visitor.goto('/kramatwatu/galeri');
  await visitor.getByRole('link', { name: /Lomba kebersihan/ }).click();
  await expect(visitor.getByRole('img', { name: 'Juara RT 03' })).toBeVisible();
});

test('every public page works on a phone without JavaScript', async ({ browser }) => {
  const visitor = await phone(browser, { javaScriptEnabled: false });
  const errors: string[] = [];
  visitor.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  // The deployment's home, then every public page of a village.
  await visitor.goto('/');
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Desa di Digdaya');
  await expect(visitor.locator('.directory-map svg')).toBeVisible();
  await visitor.getByRole('searchbox').fill('marga');
  await visitor.getByRole('button', { name: 'Cari' }).click();
  await expect(visitor.locator('.village-list').getByRole('link', { name: /Desa Margasana/ })).toBeVisible();
  await expect(visitor.locator('.village-list').getByRole('link', { name: /Desa Kramatwatu/ })).toHaveCount(0);
  const pages: [string, RegExp][] = [
    ['/kramatwatu', /^Desa Kramatwatu$/],
    ['/kramatwatu/profil', /^Profil Desa Kramatwatu$/],
    ['/kramatwatu/berita', /^Berita desa$/],
    ['/kramatwatu/pengumuman', /^Pengumuman$/],
    ['/kramatwatu/agenda', /^Agenda kegiatan$/],
    ['/kramatwatu/apbdes', /^APBDes tahun \d{4}$/],
    ['/kramatwatu/statistik', /^Statistik Penduduk$/],
    ['/kramatwatu/galeri', /^Galeri$/],
    ['/kramatwatu/pasar', /Pasar/],
    ['/kramatwatu/layanan', /Layanan/],
    ['/kramatwatu/pengaduan', /Pengaduan/],
    ['/kramatwatu/peta', /^Peta/],
  ];
  for (const [path, title] of pages) {
    const res = await visitor.goto(path);
    expect(res?.status(), path).toBe(200);
    await expect(visitor.getByRole('heading', { level: 1 }), path).toHaveText(title);
    await expect(visitor.locator('.loading'), `${path} is not waiting for a script`).toHaveCount(0);
    await noOverflow(visitor);
  }
  // A news article from the list, and the map's fallback.
  await visitor.goto('/kramatwatu/berita');
  await visitor.locator('#articles a').first().click();
  await expect(visitor.locator('article.article h1')).toBeVisible();
  await visitor.goto('/kramatwatu/peta');
  await expect(visitor.getByRole('link', { name: 'unduh data peta (GeoJSON)' })).toBeVisible();
  expect(errors).toEqual([]);
});
