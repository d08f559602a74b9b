//! The village's public portal pages (one split route, see `app::lazy_page!`): the home page
//! (Beranda), the profile, announcements, the agenda, the budget (APBDes) and the gallery. All are complete
//! as HTML and sent without the WASM (`app::shell`): links and GET forms only, charts drawn by
//! the server.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_query_map;

use super::api::{get_album, get_budget, get_gallery, get_home, get_notices, get_profile};
use super::budget::{Budget, BudgetPage, Part, Sums, share, short};
use super::content::{
    AlbumCard, AlbumPage, Announcement, Event, Home, Notices, Outline, ProfilePage, lines, paragraphs,
};
use crate::chart::{self, Row, Series};
use crate::error::AppError;
use crate::market::money::rupiah;
use crate::population::model::format_count;
use crate::site::{SiteMode, absolute, use_village_slug, village_href};
use crate::ui::{ErrorView, Loading, PageData, from_json, key_part, page_data, page_key, to_json};

/// Which page a route shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Home,
    Profile,
    Announcements,
    Agenda,
    Budget,
    Gallery,
    Album,
}

impl Page {
    /// The page of a path inside a village (`""`, `"/profil"`…).
    pub fn of(inner: &str) -> Option<Page> {
        match inner.trim_end_matches('/') {
            "" => Some(Page::Home),
            "/profil" => Some(Page::Profile),
            "/pengumuman" => Some(Page::Announcements),
            "/agenda" => Some(Page::Agenda),
            "/apbdes" => Some(Page::Budget),
            "/galeri" => Some(Page::Gallery),
            p if p.strip_prefix("/galeri/").is_some_and(|id| id.parse::<i64>().is_ok()) => Some(Page::Album),
            _ => None,
        }
    }

    /// Pages complete without the WASM, served without it (`app::shell`): all of them.
    pub fn is_static(path: &str, mode: &SiteMode) -> bool {
        mode.village_path(path).and_then(Page::of).is_some()
    }
}

pub type SiteData = (Memo<Page>, Signal<String>, PageData);

pub fn site_data() -> SiteData {
    let path = crate::ui::use_path();
    let query = use_query_map();
    let slug = use_village_slug();
    let mode = SiteMode::detect();
    // The path inside the village ("", "/profil"…): the same in both site modes.
    let inner = Memo::new(move |_| {
        let path = path.get();
        mode.village_path(&path).unwrap_or_default().to_string()
    });
    let page = Memo::new(move |_| Page::of(&inner.get()).unwrap_or(Page::Home));
    let key =
        Signal::derive(move || page_key(&[&slug.get(), &inner.get(), &query.read().get("tahun").unwrap_or_default()]));
    (page, slug, page_data(key, |k| Box::pin(site_json(k))))
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn site_json(key: String) -> Result<String, AppError> {
    let (slug, inner, year) = (key_part(&key, 0), key_part(&key, 1), key_part(&key, 2));
    match Page::of(&inner).unwrap_or(Page::Home) {
        Page::Home => to_json(get_home(slug).await),
        Page::Profile => to_json(get_profile(slug).await),
        Page::Announcements | Page::Agenda => to_json(get_notices(slug).await),
        Page::Gallery => to_json(get_gallery(slug).await),
        Page::Album => {
            let id = inner.rsplit('/').next().and_then(|id| id.parse::<i64>().ok()).ok_or(AppError::NotFound)?;
            to_json(get_album(slug, id).await)
        }
        Page::Budget => {
            let year = match year.as_str() {
                "" => None,
                y => Some(y.parse::<i32>().map_err(|_| AppError::NotFound)?),
            };
            to_json(get_budget(slug, year).await)
        }
    }
}

pub fn site_page((page, slug, data): SiteData) -> AnyView {
    (move || {
        let slug = slug.get_untracked();
        let page = page.get();
        view! {
            <Suspense fallback=Loading>
                {
                    let slug = slug.clone();
                    move || {
                        let slug = slug.clone();
                        Suspend::new(async move {
                            let data = data.await;
                            match page {
                                Page::Home => from_json::<Home>(data).map(|h| home(h).into_any()),
                                Page::Profile => from_json::<ProfilePage>(data).map(|p| profile(p).into_any()),
                                Page::Announcements => {
                                    from_json::<Notices>(data).map(|n| announcements(&slug, n).into_any())
                                }
                                Page::Agenda => from_json::<Notices>(data).map(|n| agenda(&slug, n).into_any()),
                                Page::Budget => from_json::<BudgetPage>(data).map(|b| budget(&slug, b).into_any()),
                                Page::Gallery => from_json::<Vec<AlbumCard>>(data).map(|a| gallery(&slug, a).into_any()),
                                Page::Album => from_json::<AlbumPage>(data).map(|a| album(&slug, a).into_any()),
                            }
                            .unwrap_or_else(|error| view! { <ErrorView error/> }.into_any())
                        })
                    }
                }
            </Suspense>
        }
    })
    .into_any()
}

/// Title, description, canonical address and OpenGraph tags of a public page.
fn head(title: String, description: String, path: String, image: Option<String>) -> impl IntoView {
    let canonical = absolute(&path);
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Link rel="canonical" href=canonical.clone()/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:url" content=canonical/>
        {image.map(|src| view! { <Meta property="og:image" content=absolute(&src)/> })}
    }
}

fn hectares(ha: f64) -> String {
    if ha >= 100.0 {
        format!("{} ha", format_count(ha.round() as u64))
    } else {
        format!("{:.1} ha", ha).replace('.', ",")
    }
}

fn outline_svg(o: &Outline) -> String {
    let mut svg = format!(
        "<svg viewBox=\"-6 -6 {} {}\" role=\"img\" aria-label=\"Peta wilayah desa\">",
        o.width + 12,
        o.height + 12
    );
    for d in &o.areas {
        svg.push_str(&format!("<path class=\"area\" d=\"{d}\"/>"));
    }
    for d in &o.boundary {
        svg.push_str(&format!("<path class=\"boundary\" d=\"{d}\"/>"));
    }
    svg.push_str("</svg>");
    svg
}

fn announcement_card(a: Announcement) -> impl IntoView {
    view! {
        <li>
            <h3>{a.title}</h3>
            {paragraphs(&a.body).into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
            <p class="muted">{a.until}</p>
        </li>
    }
}

fn event_card(e: Event) -> impl IntoView {
    let when = if e.time.is_empty() { e.when } else { format!("{} · {} WIB", e.when, e.time) };
    view! {
        <li>
            <h3>{e.title}</h3>
            <p class="muted">{when}</p>
            <p>{format!("Tempat: {}", e.place)}</p>
            {(!e.note.is_empty()).then(|| view! { <p>{e.note}</p> })}
        </li>
    }
}

/// Beranda.
fn home(h: Home) -> impl IntoView {
    let v = &h.village;
    let slug = v.slug.clone();
    let link = |path: &str| village_href(&slug, path);
    let description = format!(
        "Situs resmi {} di Kecamatan {}, {}: berita, pengumuman, layanan surat, pengaduan, pasar UMKM, APBDes dan peta desa.",
        v.title(),
        v.kecamatan,
        v.kabupaten
    );
    let p = h.profile.clone();
    let has_contact = !(p.address.is_empty() && p.phone.is_empty() && p.email.is_empty() && p.hours.is_empty());
    let g = h.glance.clone();
    let dusun_label = v.dusun_label.clone();
    view! {
        {head(v.title(), description, link(""), h.hero.clone())}
        <section class=if h.hero.is_some() { "hero with-photo" } else { "hero" }>
            {h.hero.clone().map(|src| view! {
                <img class="hero-photo" src=src alt="" width="800" height="450" fetchpriority="high"/>
            })}
            <div class="hero-text">
                {h.logo.clone().map(|src| view! { <img class="logo" src=src alt="" width="56" height="56"/> })}
                <div>
                    <h1>{v.title()}</h1>
                    <p>{format!("Kecamatan {}, {}, Provinsi {}", v.kecamatan, v.kabupaten, v.province)}</p>
                </div>
            </div>
        </section>
        {(!h.announcements.is_empty()).then(|| view! {
            <section aria-labelledby="pengumuman">
                <h2 id="pengumuman">"Pengumuman"</h2>
                <ul class="card-list notices">
                    {h.announcements.clone().into_iter().map(announcement_card).collect_view()}
                </ul>
                <p><a href=link("/pengumuman")>"Semua pengumuman ›"</a></p>
            </section>
        })}
        <section aria-labelledby="layanan">
            <h2 id="layanan">"Layanan untuk warga"</h2>
            <ul class="tiles">
                <li><a href=link("/layanan")><strong>"Ajukan surat"</strong><span>"Surat keterangan dari rumah"</span></a></li>
                <li><a href=link("/pengaduan")><strong>"Laporkan masalah"</strong><span>"Dengan foto dan lokasi"</span></a></li>
                <li><a href=link("/pasar")><strong>"Pasar UMKM"</strong><span>"Produk usaha warga"</span></a></li>
                <li><a href=link("/peta")><strong>"Peta desa"</strong><span>"Batas wilayah dan tempat penting"</span></a></li>
            </ul>
        </section>
        <section aria-labelledby="sekilas">
            <h2 id="sekilas">"Sekilas desa"</h2>
            <ul class="stats">
                <li><strong>{g.residents.to_string()}</strong><span>"Penduduk"</span></li>
                <li><strong>{g.families.to_string()}</strong><span>"Keluarga"</span></li>
                <li><strong>{g.area_ha.map_or_else(|| "–".to_string(), hectares)}</strong><span>"Luas wilayah"</span></li>
                <li><strong>{g.dusun.to_string()}</strong><span>{format!("Jumlah {}", dusun_label.to_lowercase())}</span></li>
            </ul>
            <p><a href=link("/statistik")>"Statistik penduduk ›"</a>" · "<a href=link("/apbdes")>"APBDes ›"</a></p>
        </section>
        <section aria-labelledby="berita">
            <h2 id="berita">"Berita terbaru"</h2>
            {if h.news.is_empty() {
                view! { <p class="empty">"Belum ada berita dari desa."</p> }.into_any()
            } else {
                view! {
                    <ul class="card-list article-list" id="latest-news">
                        {h.news.clone().into_iter().map(|a| view! {
                            <li>
                                {a.cover.map(|src| view! { <img class="article-thumb" src=src alt="" width="96" height="96" loading="lazy"/> })}
                                <h3><a href=link(&format!("/berita/{}", a.slug))>{a.title}</a></h3>
                                <p class="muted">{format!("{} · {}", a.date, a.category)}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                    <p><a href=link("/berita")>"Semua berita ›"</a></p>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="agenda">
            <h2 id="agenda">"Agenda"</h2>
            {if h.events.is_empty() {
                view! { <p class="empty">"Belum ada kegiatan yang dijadwalkan."</p> }.into_any()
            } else {
                view! { <ul class="card-list">{h.events.clone().into_iter().map(event_card).collect_view()}</ul> }.into_any()
            }}
            <p><a href=link("/agenda")>"Agenda lengkap ›"</a></p>
        </section>
        {h.outline.as_ref().map(|o| view! {
            <section aria-labelledby="peta">
                <h2 id="peta">"Wilayah desa"</h2>
                <a class="results-map outline" href=link("/peta" ) inner_html=outline_svg(o)></a>
                <p><a href=link("/peta")>"Buka peta desa ›"</a></p>
            </section>
        })}
        <section aria-labelledby="kontak">
            <h2 id="kontak">"Kontak dan jam pelayanan"</h2>
            {if has_contact { contact(&h.profile).into_any() } else {
                view! { <p class="empty">"Kontak kantor desa belum diisi."</p> }.into_any()
            }}
        </section>
    }
}

fn contact(p: &super::content::Profile) -> impl IntoView {
    let phone = p.phone.clone();
    let tel: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    let email = p.email.clone();
    view! {
        <dl class="facts">
            {(!p.address.is_empty()).then(|| view! { <dt>"Alamat kantor"</dt><dd>{p.address.clone()}</dd> })}
            {(!phone.is_empty()).then(|| view! { <dt>"Telepon"</dt><dd><a href=format!("tel:{tel}")>{phone.clone()}</a></dd> })}
            {(!email.is_empty()).then(|| view! { <dt>"Email"</dt><dd><a href=format!("mailto:{email}")>{email.clone()}</a></dd> })}
            {(!p.hours.is_empty()).then(|| view! {
                <dt>"Jam pelayanan"</dt>
                <dd>{lines(&p.hours).into_iter().map(|l| view! { <span class="line">{l}</span> }).collect_view()}</dd>
            })}
        </dl>
    }
}

/// Profil.
fn profile(p: ProfilePage) -> impl IntoView {
    let v = &p.village;
    let slug = v.slug.clone();
    let title = format!("Profil {}", v.title());
    let description =
        format!("Sejarah, visi dan misi, perangkat desa dan wilayah {}, Kecamatan {}.", v.title(), v.kecamatan);
    let label = v.dusun_label.clone();
    let pr = p.profile.clone();
    let empty_texts = pr.history.is_empty() && pr.vision.is_empty() && pr.mission.is_empty();
    view! {
        {head(title.clone(), description, village_href(&slug, "/profil"), None)}
        <h1>{title}</h1>
        {if empty_texts {
            view! { <p class="empty">"Sejarah, visi dan misi desa belum diisi."</p> }.into_any()
        } else {
            view! {
                {(!pr.history.is_empty()).then(|| view! {
                    <section><h2>"Sejarah desa"</h2>{paragraphs(&pr.history).into_iter().map(|t| view! { <p>{t}</p> }).collect_view()}</section>
                })}
                {(!pr.vision.is_empty()).then(|| view! { <section><h2>"Visi"</h2><p class="vision">{pr.vision.clone()}</p></section> })}
                {(!pr.mission.is_empty()).then(|| view! {
                    <section><h2>"Misi"</h2><ol class="mission">{lines(&pr.mission).into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ol></section>
                })}
            }.into_any()
        }}
        <section>
            <h2>"Perangkat desa"</h2>
            {if p.people.is_empty() {
                view! { <p class="empty">"Susunan perangkat desa belum diisi."</p> }.into_any()
            } else {
                view! {
                    <ul class="people" id="people">
                        {p.people.into_iter().map(|person| view! {
                            <li>
                                {match person.photo {
                                    Some(src) => view! { <img src=src alt=format!("Foto {}", person.name) width="96" height="96" loading="lazy"/> }.into_any(),
                                    None => view! { <span class="avatar" aria-hidden="true">{person.name.chars().next().map(String::from).unwrap_or_default()}</span> }.into_any(),
                                }}
                                <strong>{person.name}</strong>
                                <span class="muted">{person.title}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card">
            <h2>"Identitas dan kontak"</h2>
            <dl class="facts">
                <dt>"Kode wilayah"</dt><dd>{v.code.clone()}</dd>
                <dt>"Kecamatan"</dt><dd>{v.kecamatan.clone()}</dd>
                <dt>"Kabupaten/Kota"</dt><dd>{v.kabupaten.clone()}</dd>
                <dt>"Provinsi"</dt><dd>{v.province.clone()}</dd>
            </dl>
            {contact(&pr)}
        </section>
        <section>
            <h2>{format!("Wilayah {label}")}</h2>
            {if p.dusun.is_empty() {
                view! { <p class="empty">{format!("Belum ada data {}.", label.to_lowercase())}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>{label.clone()}</th><th class="num">"RW"</th><th class="num">"RT"</th></tr></thead>
                        <tbody>
                            {p.dusun.into_iter().map(|(name, rw, rt)| view! {
                                <tr><td>{name}</td><td class="num">{rw}</td><td class="num">{rt}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// Pengumuman.
fn announcements(slug: &str, n: Notices) -> impl IntoView {
    view! {
        {head("Pengumuman desa".into(), "Pengumuman dari pemerintah desa yang masih berlaku.".into(), village_href(slug, "/pengumuman"), None)}
        <h1>"Pengumuman"</h1>
        {if n.announcements.is_empty() {
            view! { <p class="empty">"Tidak ada pengumuman yang berlaku saat ini."</p> }.into_any()
        } else {
            view! { <ul class="card-list notices" id="announcements">{n.announcements.into_iter().map(announcement_card).collect_view()}</ul> }.into_any()
        }}
        <p><a href=village_href(slug, "/agenda")>"Agenda kegiatan ›"</a></p>
    }
}

/// Agenda.
fn agenda(slug: &str, n: Notices) -> impl IntoView {
    view! {
        {head("Agenda desa".into(), "Jadwal kegiatan desa: tanggal, jam dan tempat.".into(), village_href(slug, "/agenda"), None)}
        <h1>"Agenda kegiatan"</h1>
        {if n.upcoming.is_empty() {
            view! { <p class="empty">"Belum ada kegiatan yang dijadwalkan."</p> }.into_any()
        } else {
            view! { <ul class="card-list" id="events">{n.upcoming.into_iter().map(event_card).collect_view()}</ul> }.into_any()
        }}
        {(!n.past.is_empty()).then(|| view! {
            <h2>"Kegiatan yang sudah lewat"</h2>
            <ul class="card-list past">{n.past.into_iter().map(event_card).collect_view()}</ul>
        })}
    }
}

/// Galeri: the albums.
fn gallery(slug: &str, albums: Vec<AlbumCard>) -> impl IntoView {
    view! {
        {head("Galeri desa".into(), "Foto kegiatan dan suasana desa.".into(), village_href(slug, "/galeri"), None)}
        <h1>"Galeri"</h1>
        {if albums.is_empty() {
            view! { <p class="empty">"Belum ada album foto."</p> }.into_any()
        } else {
            view! {
                <ul class="albums" id="albums">
                    {albums.into_iter().map(|a| view! {
                        <li>
                            <a href=village_href(slug, &format!("/galeri/{}", a.id))>
                                {match a.cover {
                                    Some(src) => view! { <img src=src alt="" width="240" height="240" loading="lazy"/> }.into_any(),
                                    None => view! { <span class="album-empty" aria-hidden="true"></span> }.into_any(),
                                }}
                                <strong>{a.title}</strong>
                                <span class="muted">{format!("{} foto · {}", a.photos, a.date)}</span>
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// An album: its photos as thumbnails, each linked to its display size.
fn album(slug: &str, a: AlbumPage) -> impl IntoView {
    let image = a.photos.first().map(|p| p.url.clone());
    view! {
        {head(a.title.clone(), format!("Album foto {}: {} foto.", a.title, a.photos.len()), village_href(slug, &format!("/galeri/{}", a.id)), image)}
        <nav class="crumbs"><a href=village_href(slug, "/galeri")>"‹ Galeri"</a></nav>
        <h1>{a.title.clone()}</h1>
        <p class="muted">{a.date.clone()}</p>
        {if a.photos.is_empty() {
            view! { <p class="empty">"Album ini belum berisi foto."</p> }.into_any()
        } else {
            view! {
                <ul class="photo-grid" id="photos">
                    {a.photos.into_iter().map(|p| {
                        let alt = if p.caption.is_empty() { format!("Foto {}", a.title) } else { p.caption.clone() };
                        view! {
                            <li>
                                <a href=p.url><img src=p.thumb alt=alt width="240" height="240" loading="lazy"/></a>
                                {(!p.caption.is_empty()).then(|| view! { <span>{p.caption}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

const PLANNED_REALISED: [Series; 2] =
    [Series { name: "Anggaran", class: "a" }, Series { name: "Realisasi", class: "b" }];

/// APBDes.
fn budget(slug: &str, page: BudgetPage) -> impl IntoView {
    let base = village_href(slug, "/apbdes");
    let Some(b) = page.budget.clone() else {
        return view! {
            {head("APBDes".into(), "Anggaran Pendapatan dan Belanja Desa.".into(), base, None)}
            <h1>"APBDes"</h1>
            <p class="empty">"APBDes belum diisi oleh pemerintah desa."</p>
        }
        .into_any();
    };
    let year = b.year;
    let description = format!(
        "APBDes tahun {year}: pendapatan {}, belanja {}, dengan realisasinya.",
        rupiah(b.planned.pendapatan),
        rupiah(b.planned.belanja)
    );
    view! {
        {head(format!("APBDes {year}"), description, format!("{base}?tahun={year}"), None)}
        <h1>{format!("APBDes tahun {year}")}</h1>
        {(page.years.len() > 1).then(|| view! {
            <nav class="chips" aria-label="Pilih tahun">
                {page.years.iter().map(|y| view! {
                    <a href=format!("{base}?tahun={y}") aria-current=(*y == year).then_some("page")>{y.to_string()}</a>
                }).collect_view()}
            </nav>
        })}
        {totals(&b)}
        {parts(&b)}
        {(page.history.len() > 1).then(|| comparison(&page.history))}
        <p class="hint">"Angka anggaran dan realisasi diisi oleh pemerintah desa. Surplus/defisit = pendapatan − belanja; SiLPA = surplus/defisit + pembiayaan neto."</p>
    }
    .into_any()
}

fn totals(b: &Budget) -> impl IntoView {
    let (p, r) = (b.planned, b.realised);
    let row = |label: &'static str, p: i64, r: i64, strong: bool| {
        view! {
            <tr class:total=strong>
                <th scope="row">{label}</th>
                <td class="num">{rupiah(p)}</td>
                <td class="num">{rupiah(r)}</td>
                <td class="num">{share(r, p)}</td>
            </tr>
        }
    };
    let chart = chart::bars(
        &format!("Pendapatan dan belanja {}: anggaran dan realisasi", b.year),
        &PLANNED_REALISED,
        &[
            Row {
                label: "Pendapatan".into(),
                values: vec![(p.pendapatan as f64, short(p.pendapatan)), (r.pendapatan as f64, short(r.pendapatan))],
            },
            Row {
                label: "Belanja".into(),
                values: vec![(p.belanja as f64, short(p.belanja)), (r.belanja as f64, short(r.belanja))],
            },
        ],
    );
    view! {
        <section aria-labelledby="ringkasan">
            <h2 id="ringkasan">"Ringkasan"</h2>
            <ul class="stats">
                <li><strong>{short(p.pendapatan)}</strong><span>"Pendapatan"</span></li>
                <li><strong>{short(p.belanja)}</strong><span>"Belanja"</span></li>
                <li><strong>{short(p.surplus())}</strong><span>{if p.surplus() < 0 { "Defisit" } else { "Surplus" }}</span></li>
                <li><strong>{share(r.belanja, p.belanja)}</strong><span>"Realisasi belanja"</span></li>
            </ul>
            <div class="chart-box" inner_html=chart></div>
            <div class="table-wrap">
                <table class="table" id="budget-totals">
                    <caption class="visually-hidden">"Ringkasan APBDes"</caption>
                    <thead><tr><th scope="col">"Uraian"</th><th scope="col" class="num">"Anggaran"</th><th scope="col" class="num">"Realisasi"</th><th scope="col" class="num">"%"</th></tr></thead>
                    <tbody>
                        {row("Pendapatan", p.pendapatan, r.pendapatan, false)}
                        {row("Belanja", p.belanja, r.belanja, false)}
                        {row("Surplus/defisit", p.surplus(), r.surplus(), true)}
                        {row("Penerimaan pembiayaan", p.penerimaan, r.penerimaan, false)}
                        {row("Pengeluaran pembiayaan", p.pengeluaran, r.pengeluaran, false)}
                        {row("Pembiayaan neto", p.financing(), r.financing(), true)}
                        {row("SiLPA", p.remainder(), r.remainder(), true)}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn parts(b: &Budget) -> impl IntoView {
    [Part::Pendapatan, Part::Belanja]
        .into_iter()
        .chain([Part::Penerimaan, Part::Pengeluaran].into_iter().filter(|p| b.planned.of(*p) != 0 || b.realised.of(*p) != 0))
        .map(|part| {
            let rows: Vec<_> = b.rows.iter().filter(|r| r.part == part).cloned().collect();
            let chart = chart::bars(
                &format!("{} {} menurut rincian", part.title(), b.year),
                &PLANNED_REALISED,
                &rows
                    .iter()
                    .map(|r| Row {
                        label: r.label.clone(),
                        values: vec![(r.planned as f64, short(r.planned)), (r.realised as f64, short(r.realised))],
                    })
                    .collect::<Vec<_>>(),
            );
            let (p, r) = (b.planned.of(part), b.realised.of(part));
            view! {
                <section>
                    <h2>{if part == Part::Belanja { "Belanja menurut bidang" } else { part.title() }}</h2>
                    <div class="chart-box" inner_html=chart></div>
                    <div class="table-wrap">
                        <table class="table">
                            <thead><tr><th scope="col">"Rincian"</th><th scope="col" class="num">"Anggaran"</th><th scope="col" class="num">"Realisasi"</th><th scope="col" class="num">"%"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|row| view! {
                                    <tr><th scope="row">{row.label}</th><td class="num">{rupiah(row.planned)}</td><td class="num">{rupiah(row.realised)}</td><td class="num">{share(row.realised, row.planned)}</td></tr>
                                }).collect_view()}
                                <tr class="total"><th scope="row">"Jumlah"</th><td class="num">{rupiah(p)}</td><td class="num">{rupiah(r)}</td><td class="num">{share(r, p)}</td></tr>
                            </tbody>
                        </table>
                    </div>
                </section>
            }
        })
        .collect_view()
}

/// Every year's pendapatan and belanja side by side (planned), with the table of both columns.
fn comparison(history: &[(i32, Sums, Sums)]) -> impl IntoView {
    let mut years = history.to_vec();
    years.sort_by_key(|(y, _, _)| *y);
    let chart = chart::bars(
        "Perbandingan anggaran antartahun",
        &[Series { name: "Pendapatan", class: "a" }, Series { name: "Belanja", class: "c" }],
        &years
            .iter()
            .map(|(y, p, _)| Row {
                label: y.to_string(),
                values: vec![(p.pendapatan as f64, short(p.pendapatan)), (p.belanja as f64, short(p.belanja))],
            })
            .collect::<Vec<_>>(),
    );
    view! {
        <section aria-labelledby="perbandingan">
            <h2 id="perbandingan">"Perbandingan antartahun"</h2>
            <div class="chart-box" inner_html=chart></div>
            <div class="table-wrap">
                <table class="table" id="budget-years">
                    <thead><tr><th scope="col">"Tahun"</th><th scope="col" class="num">"Pendapatan"</th><th scope="col" class="num">"Belanja"</th><th scope="col" class="num">"Realisasi belanja"</th><th scope="col" class="num">"Perubahan belanja"</th></tr></thead>
                    <tbody>
                        {years.iter().enumerate().map(|(i, (y, p, r))| {
                            let change = i.checked_sub(1).map(|j| years[j].1.belanja).filter(|b| *b > 0).map_or_else(
                                || "–".to_string(),
                                |before| format!("{:+.1}%", (p.belanja - before) as f64 * 100.0 / before as f64).replace('.', ","),
                            );
                            view! {
                                <tr><th scope="row">{y.to_string()}</th><td class="num">{rupiah(p.pendapatan)}</td><td class="num">{rupiah(p.belanja)}</td><td class="num">{share(r.belanja, p.belanja)}</td><td class="num">{change}</td></tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_portal_pages_are_static_in_both_modes() {
        let d = SiteMode::Deployment;
        for path in ["/kramatwatu", "/kramatwatu/", "/kramatwatu/profil", "/kramatwatu/apbdes", "/kramatwatu/galeri/3"]
        {
            assert!(Page::is_static(path, &d), "{path}");
        }
        for path in
            ["/", "/peta", "/pasar", "/kelola", "/kramatwatu/peta", "/kramatwatu/admin/profil", "/kramatwatu/galeri/x"]
        {
            assert!(!Page::is_static(path, &d), "{path}");
        }
        let b = SiteMode::Bound { slug: "kramatwatu".into() };
        assert!(Page::is_static("/", &b) && Page::is_static("/pengumuman", &b));
        assert!(!Page::is_static("/peta", &b));
    }
}

crate::ui::lazy_page!(pub Site(SiteData) = site_data => site_page);
