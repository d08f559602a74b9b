//! The demo village's portal (server only, `seed-demo`): a profile with its people, news with
//! cover photos, announcements and an agenda around today, two years of APBDes, a gallery and
//! a home page photo. The photos are drawn here (a sky, hills and fields), so the demo needs no
//! files from elsewhere; they go through the same checks and re-encoding as any upload.

use chrono::{Duration, Utc};
use sea_orm::DatabaseConnection;

use super::budget::{BudgetInput, LineInput};
use super::content::{AnnouncementInput, EventInput, PersonInput, Profile};
use super::content_service as content;
use super::model::ArticleInput;
use crate::access::guard::Official;
use crate::db::entities::village;
use crate::error::{AppError, AppResult};
use crate::media::Storage;

/// A landscape of `w`×`h` pixels as PNG: sky, sun, rows of hills, rice fields. `seed` varies
/// the colours and the hills.
pub fn landscape(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let s = seed as f32;
    let sun = (w as f32 * (0.2 + 0.15 * (s % 4.0)), h as f32 * 0.22);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let hill = |amp: f32, freq: f32, base: f32| {
            base + amp * (fx * freq + s).sin() + amp * 0.4 * (fx * freq * 2.7 + s * 1.3).sin()
        };
        let d = ((x as f32 - sun.0).powi(2) + (y as f32 - sun.1).powi(2)).sqrt();
        if fy > hill(0.02, 9.0, 0.78) {
            // Rice fields: stripes of green.
            let stripe = ((fy * 60.0 + fx * 4.0).sin() * 0.5 + 0.5) * 25.0;
            image::Rgb([(70.0 + stripe) as u8, (140.0 + stripe) as u8, 60])
        } else if fy > hill(0.05, 5.0, 0.62) {
            image::Rgb([40, 110, 60])
        } else if fy > hill(0.07, 3.0, 0.5) {
            image::Rgb([85, 130, 110])
        } else if d < h as f32 * 0.07 {
            image::Rgb([255, 236, 170])
        } else {
            let glow = (1.0 - (d / (w as f32)).min(1.0)) * 40.0;
            image::Rgb([
                (110.0 + fy * 90.0 + glow) as u8,
                (170.0 + fy * 50.0 + glow * 0.8) as u8,
                (225.0 - fy * 20.0) as u8,
            ])
        }
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encoding a PNG in memory");
    out
}

/// A demo save's refusal in words (which rule the demo data broke), not only "check the form".
fn checked<T>(saved: AppResult<T>) -> AppResult<T> {
    saved.map_err(|e| match e {
        AppError::Refused(p) => AppError::Invalid(p.into_iter().map(|p| p.message).collect::<Vec<_>>().join("; ")),
        other => other,
    })
}

/// Fills the demo village's portal, as its kades would.
///
/// # Errors
/// Database and storage failures.
pub async fn seed_demo_portal(
    db: &DatabaseConnection,
    files: &Storage,
    v: &village::Model,
    by: &Official,
) -> AppResult<()> {
    let now = Utc::now();
    let name = format!("{} {}", crate::village::model::capitalise(&v.kind), v.name);
    let profile = Profile {
        history: format!(
            "{name} tumbuh dari permukiman petani dan nelayan di tepi jalan raya Serang–Cilegon. Nama desa \
             berasal dari cerita para sesepuh tentang sebuah tempat keramat di tepi sungai yang dahulu menjadi \
             tempat singgah para pedagang.\n\nSejak pemekaran pada tahun 1980-an, desa berkembang menjadi \
             kawasan pertanian padi, perikanan darat dan usaha kecil. Kini sebagian warga bekerja di kawasan \
             industri sekitar, sementara sawah dan kebun tetap menjadi sumber penghidupan utama."
        ),
        vision: format!(
            "Terwujudnya {name} yang maju, sejahtera, religius dan berbudaya melalui pelayanan yang terbuka."
        ),
        mission: "Meningkatkan pelayanan administrasi yang cepat, mudah dan dapat diakses dari rumah\n\
                  Membangun jalan desa, saluran air dan sarana umum secara merata di setiap dusun\n\
                  Mengembangkan usaha warga dan BUMDes melalui pasar desa\n\
                  Meningkatkan kesehatan ibu dan anak melalui posyandu yang aktif\n\
                  Mengelola keuangan desa secara terbuka dan dapat dipertanggungjawabkan"
            .into(),
        address: v.address.clone().unwrap_or_else(|| format!("Jl. Raya Serang–Cilegon Km 8, {name}")),
        hours: "Senin–Kamis 08.00–15.00\nJumat 08.00–11.00\nSabtu, Minggu dan hari libur: tutup".into(),
        phone: "0254 232011".into(),
        email: format!("pemdes@{}.desa.id", v.slug),
        hero_key: None,
    };
    checked(content::save_profile(db, v, by, &profile).await)?;
    content::set_hero(db, files, v, by, &landscape(1280, 720, 1)).await?;

    for (person, title) in [
        ("H. Ahmad Fauzi", "Kepala Desa"),
        ("Siti Nurhayati, S.E.", "Sekretaris Desa"),
        ("Dedi Supriadi", "Kaur Keuangan"),
        ("Rina Marlina", "Kaur Umum dan Perencanaan"),
        ("Ujang Sutisna", "Kasi Pemerintahan"),
        ("Euis Komariah", "Kasi Kesejahteraan"),
        ("Agus Salim", "Kasi Pelayanan"),
    ] {
        checked(
            content::save_person(db, v, by, None, &PersonInput { name: person.into(), title: title.into() }).await,
        )?;
    }

    let day = |days: i64| (content::today(now) + Duration::days(days)).format("%Y-%m-%d").to_string();
    for (title, body, ends) in [
        (
            "Pendaftaran bantuan langsung tunai Dana Desa",
            "Warga yang belum terdaftar dapat mendaftar di kantor desa dengan membawa KK dan KTP.\n\nPendaftaran dibuka pada jam pelayanan.",
            day(14),
        ),
        (
            "Pemadaman listrik bergilir",
            "PLN memberitahukan pemadaman di Dusun 2 pukul 09.00–13.00 untuk perawatan jaringan.",
            day(3),
        ),
    ] {
        let input = AnnouncementInput { title: title.into(), body: body.into(), ends_on: ends };
        checked(content::save_announcement(db, v, by, None, &input, now).await)?;
    }
    for (title, days, time, place, note) in [
        ("Kerja bakti membersihkan saluran air", 2, "07:00", "Masjid Jami' Dusun 1", "Membawa cangkul dan karung."),
        ("Posyandu balita dan ibu hamil", 5, "08:00", "Posyandu Melati", "Penimbangan, imunisasi dan PMT."),
        (
            "Musyawarah desa penyusunan RKPDes",
            12,
            "09:00",
            "Aula kantor desa",
            "Terbuka untuk tokoh masyarakat dan perwakilan RT.",
        ),
        ("Penyaluran bantuan pangan", -6, "", "Kantor desa", ""),
    ] {
        let input = EventInput {
            title: title.into(),
            day: day(days),
            time: time.into(),
            place: place.into(),
            note: note.into(),
        };
        checked(content::save_event(db, v, by, None, &input, now - Duration::days(30)).await)?;
    }

    let articles: [(&str, &str, &str, i64); 3] = [
        (
            "Musyawarah desa sepakati perbaikan jalan usaha tani",
            "pembangunan",
            "Musyawarah desa yang dihadiri ketua RT, RW dan tokoh masyarakat menyepakati **perbaikan jalan usaha tani** \
             sepanjang 850 meter sebagai prioritas tahun depan.\n\n## Rincian kegiatan\n\n- Pengerasan jalan dengan batu \
             dan sirtu\n- Pembuatan saluran di sisi jalan\n- Dikerjakan secara padat karya oleh warga\n\nAnggaran berasal \
             dari Dana Desa bidang pembangunan.",
            3,
        ),
        (
            "Posyandu Melati raih juara dua tingkat kecamatan",
            "kesehatan",
            "Kader Posyandu Melati meraih juara dua lomba posyandu tingkat kecamatan. Penilaian meliputi kelengkapan \
             pencatatan, cakupan imunisasi dan kegiatan pemberian makanan tambahan.\n\nPemerintah desa mengucapkan \
             terima kasih kepada para kader yang setiap bulan melayani balita dan ibu hamil.",
            9,
        ),
        (
            "Pasar desa daring kini memuat produk UMKM warga",
            "ekonomi",
            "Warga yang memiliki usaha kini dapat membuka lapak di **Pasar UMKM** desa. Pembeli menghubungi penjual \
             langsung melalui WhatsApp.\n\nLapak baru diperiksa perangkat desa sebelum tampil untuk umum.",
            20,
        ),
    ];
    for (i, (title, category, body, ago)) in articles.into_iter().enumerate() {
        let at = (now - Duration::days(ago) + crate::kit::time::WIB_OFFSET).format("%Y-%m-%dT%H:%M").to_string();
        let input = ArticleInput {
            title: title.into(),
            category: category.into(),
            body: body.into(),
            publish: true,
            publish_at: at,
        };
        let id = checked(super::service::save_article(db, v, by, None, &input, now).await)?;
        super::service::set_cover(db, files, v, by, id, &landscape(1200, 675, 2 + i as u32)).await?;
    }

    let year = content::last_budget_year(now) - 1;
    let lines = |year: i32, realised: f64| {
        let amounts: [(&str, i64); 12] = [
            ("pendapatan.asli", 45_000_000),
            ("pendapatan.dana_desa", 1_012_000_000),
            ("pendapatan.bagi_hasil", 62_500_000),
            ("pendapatan.add", 412_000_000),
            ("pendapatan.bantuan_kabupaten", 100_000_000),
            ("belanja.pemerintahan", 545_000_000),
            ("belanja.pembangunan", 812_000_000),
            ("belanja.kemasyarakatan", 98_000_000),
            ("belanja.pemberdayaan", 150_000_000),
            ("belanja.bencana", 40_000_000),
            ("penerimaan.silpa", 35_500_000),
            ("pengeluaran.penyertaan_modal", 20_000_000),
        ];
        let growth = if year < content::last_budget_year(now) - 1 { 0.93 } else { 1.0 };
        BudgetInput {
            year,
            lines: amounts
                .iter()
                .map(|(code, amount)| {
                    let planned = (*amount as f64 * growth).round() as i64 / 1000 * 1000;
                    let done = (planned as f64 * realised).round() as i64 / 1000 * 1000;
                    LineInput { code: (*code).into(), planned: planned.to_string(), realised: done.to_string() }
                })
                .collect(),
        }
    };
    checked(content::save_budget(db, v, by, &lines(year - 1, 0.97), now).await)?;
    checked(content::save_budget(db, v, by, &lines(year, 0.82), now).await)?;

    let album =
        checked(content::save_album(db, v, by, None, "Kerja bakti bersih desa", now - Duration::days(10)).await)?;
    for (i, caption) in
        ["Warga membersihkan saluran air", "Gotong royong di Dusun 1", "Sawah setelah panen"].into_iter().enumerate()
    {
        content::add_photo(db, files, v, by, album, &landscape(1024, 768, 7 + i as u32), caption).await?;
    }
    Ok(())
}
