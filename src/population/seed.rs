//! The demo village: a real village from the official list with its real boundary, dusun/RW/RT,
//! and a realistic population with structurally valid NIK and KK numbers. Deterministic for a
//! given seed: the same seed and size give the same residents, whatever day it runs.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
};

use super::nik::{KkNumber, Nik};
use super::service::insert_area;
use crate::db::entities::{area, family, resident, village};
use crate::region::{self, RegionCode};
use crate::village::service::{CreateVillageError, create_from_code};

/// The default demo village: Desa Kramatwatu, Kecamatan Kramatwatu, Kabupaten Serang, Banten.
pub const DEMO_CODE: &str = "36.04.05.2001";
pub const DEMO_RESIDENTS: u32 = 8_000;
pub const DEMO_SEED: u64 = 2026;

/// Ages are computed against this fixed date so that a seed always gives the same data.
fn reference_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, 1).expect("valid date")
}

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub code: String,
    pub residents: u32,
    pub seed: u64,
    pub slug: Option<String>,
    pub host: Option<String>,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self { code: DEMO_CODE.into(), residents: DEMO_RESIDENTS, seed: DEMO_SEED, slug: None, host: None }
    }
}

#[derive(Debug, Clone)]
pub struct SeedReport {
    pub village: village::Model,
    pub residents: usize,
    pub families: usize,
    pub dusun: usize,
    pub rw: usize,
    pub rt: usize,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Village(#[from] CreateVillageError),
    #[error("the number of residents must be between 1 and 2,000,000, not {0}")]
    Size(u32),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// SplitMix64: tiny, fast and the same on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }
    fn chance(&mut self, percent: u32) -> bool {
        self.range(1, 100) <= percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.range(1, total);
        for (item, w) in items {
            if roll <= *w {
                return *item;
            }
            roll -= w;
        }
        items[items.len() - 1].0
    }
}

const NAMES_CSV: &str = include_str!("data/names.csv");

const SUNDA_MALE: &[&str] = &[
    "Asep", "Ujang", "Dede", "Yayan", "Cecep", "Dadang", "Aceng", "Jajang", "Wawan", "Usep", "Endang", "Saepudin",
    "Saepul", "Hidayat", "Rohman", "Encep", "Iwan", "Ahmad", "Muhammad", "Abdul", "Mumuh", "Enjang", "Apip", "Odih",
    "Tatang", "Uci", "Furqon", "Rizki", "Fajar", "Ilham",
];
const SUNDA_FEMALE: &[&str] = &[
    "Euis",
    "Neng",
    "Cucu",
    "Iis",
    "Imas",
    "Eha",
    "Enok",
    "Yeyen",
    "Nining",
    "Eneng",
    "Siti",
    "Nurhayati",
    "Rohayah",
    "Elis",
    "Titin",
    "Yati",
    "Nunung",
    "Aisyah",
    "Fatimah",
    "Nur",
    "Entin",
    "Lilis",
    "Ai",
    "Popon",
    "Salsabila",
    "Nabila",
    "Aulia",
    "Zahra",
];
const DUSUN_NAMES: &[&str] = &[
    "Kramat",
    "Pegantungan",
    "Sukajadi",
    "Kebon Jeruk",
    "Cikuray",
    "Pasir Angin",
    "Tegal Wangi",
    "Kaloran",
    "Sukamaju",
    "Cibeber",
    "Kubang",
    "Leuwi Sereh",
    "Babakan",
    "Pabuaran",
    "Karang Anyar",
    "Bojong",
];
const STREETS: &[&str] = &[
    "Jl. Raya Serang-Cilegon",
    "Jl. Kramat",
    "Jl. Pasar Lama",
    "Jl. Masjid",
    "Gg. Sukajadi",
    "Jl. Pesantren",
    "Jl. Sawah",
];
const BIRTH_PLACES: &[(&str, u32)] = &[
    ("Serang", 80),
    ("Cilegon", 6),
    ("Pandeglang", 4),
    ("Lebak", 3),
    ("Jakarta", 3),
    ("Tangerang", 2),
    ("Bogor", 1),
    ("Lampung", 1),
];
const RELIGIONS: &[(&str, u32)] =
    &[("ISLAM", 975), ("KRISTEN", 12), ("KATHOLIK", 6), ("BUDHA", 4), ("HINDU", 2), ("KHONGHUCU", 1)];
const ADULT_EDUCATION: &[(&str, u32)] = &[
    ("TIDAK / BELUM SEKOLAH", 5),
    ("BELUM TAMAT SD/SEDERAJAT", 6),
    ("TAMAT SD / SEDERAJAT", 27),
    ("SLTP/SEDERAJAT", 22),
    ("SLTA / SEDERAJAT", 29),
    ("DIPLOMA I / II", 2),
    ("AKADEMI/ DIPLOMA III/S. MUDA", 3),
    ("DIPLOMA IV/ STRATA I", 6),
    ("STRATA II", 1),
];
const MALE_WORK: &[(&str, u32)] = &[
    ("KARYAWAN SWASTA", 22),
    ("BURUH HARIAN LEPAS", 17),
    ("WIRASWASTA", 14),
    ("PETANI/PEKEBUN", 9),
    ("NELAYAN/PERIKANAN", 5),
    ("PEDAGANG", 8),
    ("BURUH TANI/PERKEBUNAN", 6),
    ("SOPIR", 4),
    ("TUKANG BATU", 3),
    ("PEGAWAI NEGERI SIPIL (PNS)", 2),
    ("GURU", 2),
    ("KEPOLISIAN RI (POLRI)", 1),
    ("BELUM/TIDAK BEKERJA", 7),
];
const FEMALE_WORK: &[(&str, u32)] = &[
    ("MENGURUS RUMAH TANGGA", 50),
    ("KARYAWAN SWASTA", 12),
    ("PEDAGANG", 9),
    ("WIRASWASTA", 8),
    ("BURUH HARIAN LEPAS", 5),
    ("GURU", 3),
    ("PEGAWAI NEGERI SIPIL (PNS)", 1),
    ("BIDAN", 1),
    ("BELUM/TIDAK BEKERJA", 11),
];

struct Names {
    male: Vec<&'static str>,
    female: Vec<&'static str>,
    family: Vec<&'static str>,
}

impl Names {
    fn load() -> Self {
        let mut names = Names { male: SUNDA_MALE.to_vec(), female: SUNDA_FEMALE.to_vec(), family: Vec::new() };
        for line in NAMES_CSV.lines().skip(1) {
            let mut cols = line.split(',');
            let (Some(name), Some(gender), Some(kind)) = (cols.next(), cols.next(), cols.next()) else {
                continue;
            };
            match (kind, gender) {
                ("family", _) => names.family.push(name),
                (_, "female") => names.female.push(name),
                _ => names.male.push(name),
            }
        }
        names
    }

    fn person(&self, rng: &mut Rng, female: bool) -> String {
        let list = if female { &self.female } else { &self.male };
        let first = *rng.pick(list);
        match rng.range(1, 100) {
            1..=25 => first.to_string(),
            26..=85 => {
                let mut second = *rng.pick(list);
                if second == first {
                    second = *rng.pick(list);
                }
                format!("{first} {second}")
            }
            _ => format!("{first} {}", rng.pick(&self.family)),
        }
    }
}

struct Person {
    name: String,
    female: bool,
    birth: NaiveDate,
    region: String,
    birth_place: &'static str,
    relationship: &'static str,
    marital: &'static str,
    father: Option<String>,
    mother: Option<String>,
}

struct FamilyPlan {
    kk: KkNumber,
    rt_index: usize,
    address: String,
    religion: &'static str,
    members: Vec<Person>,
}

/// Generator state: counters that keep NIK and KK numbers unique.
struct Generator<'a> {
    rng: Rng,
    names: &'a Names,
    home_region: String,
    other_regions: Vec<String>,
    nik_serials: HashMap<(String, NaiveDate, bool), u32>,
    kk_serials: HashMap<NaiveDate, u32>,
    /// Where this village's serial numbers start, so that villages of one deployment (and of
    /// one kecamatan, whose people share region codes) never make the same NIK or No. KK.
    serial_base: u32,
    today: NaiveDate,
}

impl Generator<'_> {
    fn birth_for_age(&mut self, age: u32) -> NaiveDate {
        let days_back = i64::from(age) * 365 + i64::from(self.rng.range(0, 364));
        self.today - chrono::Duration::days(days_back)
    }

    fn person(&mut self, female: bool, age: u32, relationship: &'static str, marital: &'static str) -> Person {
        let region = if self.rng.chance(85) || self.other_regions.is_empty() {
            self.home_region.clone()
        } else {
            self.rng.pick(&self.other_regions).clone()
        };
        let birth_place = self.rng.weighted(BIRTH_PLACES);
        Person {
            name: self.names.person(&mut self.rng, female),
            female,
            birth: self.birth_for_age(age),
            region,
            birth_place,
            relationship,
            marital,
            father: None,
            mother: None,
        }
    }

    fn family(&mut self, rt_count: usize) -> FamilyPlan {
        let religion = self.rng.weighted(RELIGIONS);
        let mut members = Vec::new();
        let kind = self.rng.weighted(&[("couple", 64), ("single_parent", 12), ("single", 15), ("elderly", 9)]);
        match kind {
            "couple" | "elderly" => {
                let head_age = if kind == "elderly" { self.rng.range(60, 85) } else { self.age_of_head() };
                let wife_age = head_age.saturating_sub(self.rng.range(0, 8)).max(18);
                members.push(self.person(false, head_age, "KEPALA KELUARGA", "KAWIN"));
                members.push(self.person(true, wife_age, "ISTRI", "KAWIN"));
                if kind == "couple" {
                    let kids = self.rng.weighted(&[(0u32, 15), (1, 22), (2, 30), (3, 20), (4, 9), (5, 4)]);
                    let oldest = wife_age.saturating_sub(19).min(26);
                    for _ in 0..kids {
                        let age = self.rng.range(0, oldest);
                        let female = self.rng.chance(49);
                        let marital = if age >= 20 && self.rng.chance(15) { "CERAI HIDUP" } else { "BELUM KAWIN" };
                        let mut child = self.person(female, age, "ANAK", marital);
                        child.father = Some(members[0].name.clone());
                        child.mother = Some(members[1].name.clone());
                        members.push(child);
                    }
                    if self.rng.chance(9) {
                        let age = (head_age + self.rng.range(22, 32)).min(95);
                        let rel = if self.rng.chance(50) { "ORANGTUA" } else { "MERTUA" };
                        let female = self.rng.chance(60);
                        members.push(self.person(female, age, rel, "CERAI MATI"));
                    }
                    if head_age >= 48 && self.rng.chance(25) {
                        let age = self.rng.range(0, 8);
                        let female = self.rng.chance(50);
                        members.push(self.person(female, age, "CUCU", "BELUM KAWIN"));
                    }
                }
            }
            "single_parent" => {
                let female = self.rng.chance(65);
                let age = self.rng.range(30, 78);
                let marital = if self.rng.chance(60) { "CERAI MATI" } else { "CERAI HIDUP" };
                members.push(self.person(female, age, "KEPALA KELUARGA", marital));
                for _ in 0..self.rng.range(1, 3) {
                    let child_age = self.rng.range(0, age.saturating_sub(19).min(30));
                    let f = self.rng.chance(50);
                    members.push(self.person(f, child_age, "ANAK", "BELUM KAWIN"));
                }
            }
            _ => {
                let female = self.rng.chance(45);
                let age = self.rng.range(19, 88);
                let marital = match age {
                    0..=35 => "BELUM KAWIN",
                    36..=59 => {
                        if self.rng.chance(50) {
                            "CERAI HIDUP"
                        } else {
                            "BELUM KAWIN"
                        }
                    }
                    _ => "CERAI MATI",
                };
                members.push(self.person(female, age, "KEPALA KELUARGA", marital));
            }
        }
        let issued =
            NaiveDate::from_ymd_opt(self.rng.range(2008, 2026) as i32, self.rng.range(1, 12), self.rng.range(1, 28))
                .expect("day 1-28 exists in every month");
        let issued = issued.min(self.today);
        let serial = self.kk_serials.entry(issued).or_insert(0);
        *serial += 1;
        let kk = KkNumber::compose(&self.home_region, issued, self.serial_base + *serial);
        let rt_index = (self.rng.next() % rt_count as u64) as usize;
        let address = format!("{} No. {}", self.rng.pick(STREETS), self.rng.range(1, 250));
        FamilyPlan { kk, rt_index, address, religion, members }
    }

    /// Heads of family: most between 28 and 60.
    fn age_of_head(&mut self) -> u32 {
        self.rng.weighted(&[(0u32, 8), (1, 22), (2, 26), (3, 22), (4, 14), (5, 8)]) * 10 + 20 + self.rng.range(0, 9)
    }

    fn nik(&mut self, p: &Person) -> Nik {
        let serial = self.nik_serials.entry((p.region.clone(), p.birth, p.female)).or_insert(0);
        *serial += 1;
        Nik::compose(&p.region, p.birth, p.female, self.serial_base + *serial)
    }
}

/// Serials of a village start at 40 × (its place among the desa/kelurahan of its kecamatan):
/// `…2001` → 40, `…2017` → 680, `…1003` → 4,120. Up to 40 people share a birth date, sex and
/// region in one village before two villages could meet; 100,000 residents have at most ~10.
fn serial_base(village: &RegionCode) -> u32 {
    let part: u32 = village.as_str().rsplit('.').next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let place = if part >= 2000 { part % 100 } else { 100 + part % 100 };
    place * 40
}

fn age_on(birth: NaiveDate, today: NaiveDate) -> u32 {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    u32::try_from(age).unwrap_or(0)
}

fn education(rng: &mut Rng, age: u32) -> &'static str {
    match age {
        0..=5 => "TIDAK / BELUM SEKOLAH",
        6..=12 => "BELUM TAMAT SD/SEDERAJAT",
        13..=15 => "TAMAT SD / SEDERAJAT",
        16..=18 => "SLTP/SEDERAJAT",
        _ => rng.weighted(ADULT_EDUCATION),
    }
}

fn education_current(age: u32) -> &'static str {
    match age {
        0..=3 => "BELUM MASUK TK/KELOMPOK BERMAIN",
        4..=6 => "SEDANG TK/KELOMPOK BERMAIN",
        7..=12 => "SEDANG SD/SEDERAJAT",
        13..=15 => "SEDANG SLTP/SEDERAJAT",
        16..=18 => "SEDANG SLTA/SEDERAJAT",
        _ => "TIDAK SEDANG SEKOLAH",
    }
}

/// Most Indonesians do not know their blood type.
const BLOOD_TYPES: &[(&str, u32)] = &[("TIDAK TAHU", 60), ("O", 15), ("A", 10), ("B", 11), ("AB", 4)];

fn occupation(rng: &mut Rng, age: u32, female: bool) -> &'static str {
    match age {
        0..=5 => "BELUM/TIDAK BEKERJA",
        6..=18 => "PELAJAR/MAHASISWA",
        19..=23 if rng.chance(35) => "PELAJAR/MAHASISWA",
        66.. if rng.chance(60) => {
            if rng.chance(20) {
                "PENSIUNAN"
            } else {
                "BELUM/TIDAK BEKERJA"
            }
        }
        _ if female => rng.weighted(FEMALE_WORK),
        _ => rng.weighted(MALE_WORK),
    }
}

/// Boundaries for the demo's areas, cut from the village's real boundary: the dusun as strips
/// from west to east, each dusun's RW from south to north, each RW's RT from west to east.
/// Invented, but every point of the village falls in exactly one RT, as on a real map.
async fn draw_areas<C: sea_orm::ConnectionTrait>(
    db: &C,
    boundary: &str,
    tree: &[(i64, Vec<(i64, Vec<i64>)>)],
) -> Result<(), sea_orm::DbErr> {
    use crate::geo::shape::Shape;
    let Ok(village) = Shape::parse(boundary) else { return Ok(()) };
    let mut drawn: Vec<(i64, Shape)> = Vec::new();
    for ((dusun, rws), dusun_shape) in tree.iter().zip(village.strips(tree.len(), 0)) {
        for ((rw, rts), rw_shape) in rws.iter().zip(dusun_shape.strips(rws.len(), 1)) {
            for (rt, rt_shape) in rts.iter().zip(rw_shape.strips(rts.len(), 0)) {
                drawn.push((*rt, rt_shape));
            }
            drawn.push((*rw, rw_shape));
        }
        drawn.push((*dusun, dusun_shape));
    }
    for (id, shape) in drawn.into_iter().filter(|(_, s)| !s.is_empty()) {
        area::Entity::update_many()
            .col_expr(area::Column::Boundary, sea_orm::sea_query::Expr::value(shape.to_geojson(6).to_string()))
            .filter(area::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Creates the village and its population in one transaction.
///
/// # Errors
/// An unknown or existing village, a bad size, or a database failure (then nothing is kept).
pub async fn seed_demo(db: &DatabaseConnection, opts: &SeedOptions) -> Result<SeedReport, SeedError> {
    if opts.residents == 0 || opts.residents > 2_000_000 {
        return Err(SeedError::Size(opts.residents));
    }
    let started = Instant::now();
    let txn = db.begin().await?;
    let village = create_from_code(&txn, &opts.code, opts.slug.as_deref(), opts.host.as_deref()).await?;
    let mut village_model: village::ActiveModel = village.clone().into();
    village_model.address = Set(Some(format!(
        "Jl. Raya {} No. 1, Kecamatan {}, {} {}",
        village.name, village.kecamatan, village.kabupaten, village.province
    )));
    let village = village_model.update(&txn).await?;

    let mut rng = Rng(opts.seed);
    // Areas: about one dusun per 1,600 residents, 2–3 RW each, 3–5 RT per RW.
    let dusun_count = (opts.residents / 1_600).clamp(3, DUSUN_NAMES.len() as u32) as usize;
    let mut rt_ids: Vec<i64> = Vec::new();
    let (mut rw_total, mut rw_number) = (0usize, 0u32);
    let mut tree: Vec<(i64, Vec<(i64, Vec<i64>)>)> = Vec::new();
    for name in DUSUN_NAMES.iter().take(dusun_count) {
        let dusun = insert_area(&txn, village.id, None, area::DUSUN, name.to_string()).await?;
        let mut rws = Vec::new();
        for _ in 0..rng.range(2, 3) {
            rw_number += 1;
            rw_total += 1;
            let rw = insert_area(&txn, village.id, Some(dusun), area::RW, format!("{rw_number:03}")).await?;
            let mut rts = Vec::new();
            for rt_number in 1..=rng.range(3, 5) {
                rts.push(insert_area(&txn, village.id, Some(rw), area::RT, format!("{rt_number:03}")).await?);
            }
            rt_ids.extend(&rts);
            rws.push((rw, rts));
        }
        tree.push((dusun, rws));
    }
    if let Some(boundary) = village.boundary.as_deref() {
        draw_areas(&txn, boundary, &tree).await?;
    }

    let code = RegionCode::parse(&village.code).map_err(|_| CreateVillageError::Format(village.code.clone()))?;
    let kecamatan = code.parent().unwrap_or_else(|| code.clone());
    let kabupaten = kecamatan.parent().unwrap_or_else(|| kecamatan.clone());
    let names = Names::load();
    let mut generator = Generator {
        rng,
        names: &names,
        home_region: kecamatan.digits(),
        other_regions: region::kecamatan_under(&kabupaten)
            .into_iter()
            .filter(|c| *c != kecamatan)
            .map(|c| c.digits())
            .collect(),
        nik_serials: HashMap::new(),
        kk_serials: HashMap::new(),
        serial_base: serial_base(&code),
        today: reference_date(),
    };

    let mut plans = Vec::new();
    let mut total = 0usize;
    let target = opts.residents as usize;
    while total < target {
        let mut plan = generator.family(rt_ids.len());
        plan.members.truncate(target - total);
        total += plan.members.len();
        plans.push(plan);
    }

    let now = Utc::now();
    for chunk in plans.chunks(500) {
        family::Entity::insert_many(chunk.iter().map(|p| family::ActiveModel {
            village_id: Set(village.id),
            kk_number: Set(p.kk.as_str().to_string()),
            address: Set(Some(p.address.clone())),
            rt_id: Set(Some(rt_ids[p.rt_index])),
            created_at: Set(now),
            ..Default::default()
        }))
        .exec(&txn)
        .await?;
    }
    let family_ids: HashMap<String, i64> = family::Entity::find()
        .select_only()
        .column(family::Column::KkNumber)
        .column(family::Column::Id)
        .filter(family::Column::VillageId.eq(village.id))
        .into_tuple::<(String, i64)>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();

    // NIKs: the village's serials rarely meet another village's (see `serial_base`); where one
    // is already taken in the deployment, the next serial is used, so a NIK lives only once.
    let mut niks: Vec<Nik> = plans.iter().flat_map(|plan| plan.members.iter()).map(|p| generator.nik(p)).collect();
    let people: Vec<&Person> = plans.iter().flat_map(|plan| plan.members.iter()).collect();
    let mut used: HashSet<String> = niks.iter().map(|n| n.as_str().to_string()).collect();
    // Check all, then only the replacements, until none is taken.
    let mut check: Vec<usize> = (0..niks.len()).collect();
    while !check.is_empty() {
        let mut taken = HashSet::new();
        for chunk in check.chunks(500) {
            let found: Vec<String> = resident::Entity::find()
                .select_only()
                .column(resident::Column::Nik)
                .filter(resident::Column::Nik.is_in(chunk.iter().map(|&i| niks[i].as_str().to_string())))
                .into_tuple()
                .all(&txn)
                .await?;
            taken.extend(found);
        }
        check.retain(|&i| taken.contains(niks[i].as_str()));
        for &i in &check {
            loop {
                let next = generator.nik(people[i]);
                if used.insert(next.as_str().to_string()) {
                    niks[i] = next;
                    break;
                }
            }
        }
    }
    let mut niks = niks.into_iter();

    let mut rows = Vec::with_capacity(target);
    let today = generator.today;
    for plan in &plans {
        let family_id = family_ids.get(plan.kk.as_str()).copied();
        for p in &plan.members {
            let nik = niks.next().expect("one NIK per person");
            let age = age_on(p.birth, today);
            rows.push(resident::ActiveModel {
                village_id: Set(village.id),
                family_id: Set(family_id),
                nik: Set(nik.as_str().to_string()),
                name: Set(p.name.clone()),
                name_key: Set(p.name.to_lowercase()),
                sex: Set(if p.female { "P" } else { "L" }.into()),
                birth_place: Set(p.birth_place.into()),
                birth_date: Set(p.birth),
                religion: Set(plan.religion.into()),
                education: Set(education(&mut generator.rng, age).into()),
                education_current: Set(education_current(age).into()),
                blood_type: Set(generator.rng.weighted(BLOOD_TYPES).into()),
                father_name: Set(p.father.clone()),
                mother_name: Set(p.mother.clone()),
                occupation: Set(occupation(&mut generator.rng, age, p.female).into()),
                marital_status: Set(p.marital.into()),
                relationship: Set(p.relationship.into()),
                status: Set(crate::kit::resident::Status::Hidup),
                rt_id: Set(Some(rt_ids[plan.rt_index])),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        }
    }
    let resident_count = rows.len();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(1_000).collect();
        resident::Entity::insert_many(chunk).exec(&txn).await?;
    }
    txn.commit().await?;
    // Fresh statistics for the query planner after a bulk load (the database would gather them
    // itself later; a demo or a benchmark should not wait for that).
    crate::db::refresh_statistics(db).await?;

    Ok(SeedReport {
        village,
        residents: resident_count,
        families: plans.len(),
        dusun: dusun_count,
        rw: rw_total,
        rt: rt_ids.len(),
        elapsed: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_deterministic() {
        let (mut a, mut b) = (Rng(7), Rng(7));
        let xs: Vec<u64> = (0..5).map(|_| a.next()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next()).collect();
        assert_eq!(xs, ys);
        assert_ne!(Rng(8).next(), xs[0]);
    }

    #[test]
    fn names_include_sundanese() {
        let names = Names::load();
        assert!(names.male.contains(&"Asep") && names.female.contains(&"Euis"));
        assert!(names.male.len() > 300 && names.female.len() > 240 && !names.family.is_empty());
    }

    #[test]
    fn villages_get_their_own_serials() {
        let base = |c: &str| serial_base(&RegionCode::parse(c).unwrap());
        assert_eq!(base("36.04.05.2001"), 40);
        assert_eq!(base("36.04.05.2017"), 680);
        assert_eq!(base("36.04.05.1003"), 4_120);
        assert!(base("36.04.05.1099") + 40 < 10_000);
    }

    #[test]
    fn ages_count_whole_years() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(age_on(d(2000, 7, 2), d(2026, 7, 1)), 25);
        assert_eq!(age_on(d(2000, 7, 1), d(2026, 7, 1)), 26);
    }
}
