//! The complaint pages residents and visitors see (one split route, see `app::lazy_page!`): the
//! start page with the resolved reports the village publishes, the report form with its map
//! pin, one's own reports, and a report's thread (shared with the officials' side).
//!
//! Photos are plain multipart forms, so a phone without the WASM can still send them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{ReplyReport, get_report_form, my_reports, public_reports, report_detail};
use super::model::{CATEGORIES, ComplaintDetail, ComplaintRow, PublicList, ReportForm, ReportInput, Status};
use crate::error::AppError;
use crate::geo::map::VillageMapView;
use crate::site::village_href;
use crate::ui::{
    ErrorView, KeyPart, Loading, PageAt, PageData, PageNav, form_values, from_json, key_part, posted_form_error,
    problem_of, route_data, signed_in_error, to_json, typed,
};

/// Which complaint page a route shows. The residents' and the officials' pages are one split
/// route type, so that their shared code (the thread, the map) travels in one chunk instead of
/// the main bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Start,
    Mine,
    /// A report's thread, for its reporter and for officials.
    Detail,
    /// The officials' queue (`admin/pengaduan`).
    Queue,
}

impl Page {
    fn of(path: &str) -> Page {
        let path = path.trim_end_matches('/');
        if path.ends_with("/admin/pengaduan") {
            Page::Queue
        } else if path.ends_with("/pengaduan/saya") {
            Page::Mine
        } else if path.rsplit('/').next().is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())) {
            Page::Detail
        } else {
            Page::Start
        }
    }
}

pub type ComplaintsData = (Memo<Page>, Signal<String>, PageData);

pub fn complaints_data() -> ComplaintsData {
    let path = crate::ui::use_path();
    let page = Memo::new(move |_| Page::of(&path.get()));
    let keys = &[
        KeyPart::Path,
        KeyPart::Query("t"),
        KeyPart::Query("hal"),
        KeyPart::Query("status"),
        KeyPart::Query("kategori"),
        KeyPart::Query("dusun"),
        KeyPart::Query("setelah"),
        KeyPart::Query("sebelum"),
    ];
    let (slug, data) = route_data(keys, |k| Box::pin(complaints_json(k)));
    (page, slug, data)
}

/// A report's page data (also under the officials' route).
pub async fn detail_json(slug: String, path: String, token: String) -> Result<String, AppError> {
    let id =
        path.trim_end_matches('/').rsplit('/').next().unwrap_or_default().parse().map_err(|_| AppError::NotFound)?;
    to_json(report_detail(slug, id, token).await)
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn complaints_json(key: String) -> Result<String, AppError> {
    let (slug, path) = (key_part(&key, 0), key_part(&key, 1));
    let at = || {
        PageAt::parse(&format!("hal={}&setelah={}&sebelum={}", key_part(&key, 3), key_part(&key, 7), key_part(&key, 8)))
    };
    match Page::of(&path) {
        Page::Start => to_json(public_reports(slug, at()).await),
        Page::Mine => to_json(my_reports(slug).await),
        Page::Detail => detail_json(slug, path, key_part(&key, 2)).await,
        Page::Queue => {
            super::admin::queue_json(slug, &key_part(&key, 4), key_part(&key, 5), &key_part(&key, 6), at()).await
        }
    }
}

pub fn complaints_page((page, slug, data): ComplaintsData) -> AnyView {
    (move || match page.get() {
        Page::Start => start_page(slug, data).into_any(),
        Page::Mine => mine_page(slug, data).into_any(),
        Page::Detail => detail_page(slug, data).into_any(),
        Page::Queue => super::admin::queue_page(slug, data).into_any(),
    })
    .into_any()
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Baru => "badge warn",
        Status::Diproses => "badge",
        Status::Selesai => "badge ok",
    }
}

pub fn status_badge(s: Status) -> impl IntoView {
    view! { <span class=status_class(s)>{s.label()}</span> }
}

/// `/{slug}/pengaduan`: what this is, and the resolved reports the village publishes.
fn start_page(slug: Signal<String>, list: PageData) -> impl IntoView {
    let href = move |p: &str| village_href(&slug.get_untracked(), p);
    view! {
        <Title text="Pengaduan warga"/>
        <h1>"Pengaduan warga"</h1>
        <p class="lead">"Laporkan masalah di desa — jalan rusak, lampu mati, saluran tersumbat — lengkap dengan foto dan lokasinya. Petugas desa membalas dan Anda dapat memantau tindak lanjutnya."</p>
        <nav class="row-actions">
            <a rel="external" class="button" id="new-report" href=href("/pengaduan/baru")>"Laporkan masalah"</a>
            <a rel="external" class="button secondary" href=href("/pengaduan/saya")>"Laporan saya"</a>
        </nav>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<PublicList>(list.await) {
                    Ok(l) if !l.enabled => ().into_any(),
                    Ok(l) => {
                        let base = href("/pengaduan");
                        view! {
                            <h2>"Laporan yang sudah selesai"</h2>
                            {if l.rows.is_empty() {
                                view! { <p class="empty">"Belum ada laporan yang selesai ditangani."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="card-list" id="resolved">
                                        {l.rows.into_iter().map(|r| view! {
                                            <li>
                                                <strong>{r.category}</strong>
                                                <span class="muted">{format!(" · {} · dilaporkan {} · selesai {}", r.dusun, r.reported, r.resolved)}</span>
                                                <p>{r.body}</p>
                                                {(!r.answer.is_empty()).then(|| view! { <p class="answer">{format!("Tanggapan desa: {}", r.answer)}</p> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <PageNav links=l.links href=move |at| format!("{base}?{at}")/>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/{slug}/pengaduan/baru`: the report form.
fn new_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    view! {
        <Title text="Laporkan masalah"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<ReportForm>(data.await) {
                    Ok(form) => view! { <ReportFormView form slug=slug.get_untracked()/> }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportFormView(form: ReportForm, slug: String) -> impl IntoView {
    use crate::outbox::client::{self, OutboxForm};
    let outbox = OutboxForm::new();
    let problems = outbox.problems;
    let pin = RwSignal::new(None::<(f64, f64)>);
    let visitor = form.reporter.is_none();
    let slug_for_action = slug.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(element), Some(data)) = (client::form_of(&ev), form_values(&ev)) else { return };
        let text = |k: &str| data.get(k).as_string().unwrap_or_default();
        let input = ReportInput {
            category: text("category"),
            body: text("body"),
            lat: pin.get_untracked().map(|p| p.0),
            lng: pin.get_untracked().map(|p| p.1),
            area_id: text("area").parse().ok(),
            name: text("name"),
            phone: text("phone"),
        };
        let found = input.problems(visitor);
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        let label = format!("Laporan {}", input.category);
        outbox.send(element, slug.clone(), super::model::OUTBOX_KIND, input, label);
    };

    let problem = move |field: &'static str| {
        move || problem_of(&problems.get(), field).map(|m| view! { <p class="field-error" role="alert">{m}</p> })
    };
    let dusun = form.dusun.clone();
    // Without the WASM (or before it arrives) the form posts itself to the outbox's plain
    // endpoint; refused, it comes back with what was typed (`ui::typed`).
    let action = format!("/api/outbox/{slug_for_action}/formulir");
    let (category, area) = (typed("category"), typed("area"));
    view! {
        <h1>"Laporkan masalah"</h1>
        {form.reporter.clone().map(|name| view! { <p class="muted">{format!("Pelapor: {name}")}</p> })}
        {outbox.sent_view()}
        <form class="form" id="report-form" data-offline="antre" on:submit=submit novalidate hidden=move || outbox.done()
            method="post" action=action enctype="multipart/form-data">
            {crate::ui::plain_post(super::model::OUTBOX_KIND.as_str())}
            <label for="c-category">"Kategori"</label>
            <select id="c-category" name="category" required>
                <option value="">"— pilih —"</option>
                {CATEGORIES.iter().map(|c| view! { <option value=*c selected=*c == category>{*c}</option> }).collect_view()}
            </select>
            {problem("category")}
            <label for="c-body">"Apa masalahnya?"</label>
            <textarea id="c-body" name="body" rows="4" maxlength="2000" required
                placeholder="Contoh: Jalan berlubang besar di depan madrasah, sudah dua minggu tergenang air.">{typed("body")}</textarea>
            {problem("body")}
            <fieldset class="place">
                <legend>"Lokasi"</legend>
                <p class="hint">"Ketuk peta di tempat masalahnya, atau pakai lokasi ponsel Anda."</p>
                <VillageMapView map=form.map.clone() pin editable=true/>
                {(!dusun.is_empty()).then(|| view! {
                    <label for="c-area">"Tidak bisa memakai peta? Pilih dusunnya"</label>
                    <select id="c-area" name="area">
                        <option value="">"— pilih —"</option>
                        {dusun.iter().map(|(id, n)| {
                            let id = id.to_string();
                            let chosen = id == area;
                            view! { <option value=id selected=chosen>{n.clone()}</option> }
                        }).collect_view()}
                    </select>
                })}
                {problem("place")}
            </fieldset>
            {visitor.then(|| view! {
                <label for="c-name">"Nama Anda"</label>
                <input id="c-name" name="name" type="text" maxlength="100" autocomplete="name" required value=typed("name")/>
                {problem("name")}
                <label for="c-phone">"Nomor HP (untuk dihubungi petugas)"</label>
                <input id="c-phone" name="phone" type="tel" inputmode="tel" maxlength="20" autocomplete="tel" required value=typed("phone")/>
                {problem("phone")}
            })}
            <label for="c-photo">"Foto (tidak wajib, paling banyak 6)"</label>
            <input id="c-photo" type="file" name="foto" accept="image/jpeg,image/png,image/webp" multiple/>
            {client::refusal_view(outbox.outcome)}
            <button type="submit" class="button" disabled=move || outbox.sending.get()>
                {move || if outbox.sending.get() { "Mengirim…" } else { "Kirim laporan" }}
            </button>
        </form>
    }
}

/// `/{slug}/pengaduan/saya`: the resident's reports.
fn mine_page(slug: Signal<String>, list: PageData) -> impl IntoView {
    let href = move |p: &str| village_href(&slug.get_untracked(), p);
    view! {
        <Title text="Laporan saya"/>
        <h1>"Laporan saya"</h1>
        <nav class="row-actions"><a rel="external" class="button" href=href("/pengaduan/baru")>"Laporkan masalah"</a></nav>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<Vec<ComplaintRow>>(list.await) {
                    Ok(rows) if rows.is_empty() => view! { <p class="empty">"Anda belum pernah mengirim laporan."</p> }.into_any(),
                    Ok(rows) => view! { <ComplaintList rows href_of=move |id| href(&format!("/pengaduan/{id}"))/> }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

/// A list of reports (resident's own, or the officials' queue).
#[component]
pub fn ComplaintList(rows: Vec<ComplaintRow>, href_of: impl Fn(i64) -> String + 'static) -> impl IntoView {
    view! {
        <ul class="card-list" id="reports">
            {rows.into_iter().map(|r| view! {
                <li>
                    <a rel="external" href=href_of(r.id)>{r.category.clone()}</a>
                    " " {status_badge(r.status)}
                    <span class="muted">{format!(" {} · {}", r.place, r.updated)}</span>
                    {r.reporter.map(|n| view! { <span class="muted">{format!(" · {n}")}</span> })}
                    <p>{r.excerpt}</p>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// `/{slug}/pengaduan/:id` (`?t=` for a visitor) and `/{slug}/admin/pengaduan/:id`.
pub fn detail_page(slug: Signal<String>, detail: PageData) -> impl IntoView {
    let reply = ServerAction::<ReplyReport>::new();
    Effect::new(move |before: Option<()>| {
        let _ = reply.version().get();
        if before.is_some() {
            detail.refetch();
        }
    });
    view! {
        <Title text="Laporan warga"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<ComplaintDetail>(detail.await) {
                    Ok(d) => view! { <Detail d slug=slug.get_untracked() reply/> }.into_any(),
                    Err(AppError::NotFound) => view! {
                        <section class="error-box" role="alert">
                            <p>"Laporan ini tidak ditemukan. Bila Anda melapor tanpa masuk, buka lagi tautan lengkap yang Anda terima setelah mengirim laporan."</p>
                        </section>
                    }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(d: ComplaintDetail, slug: String, reply: ServerAction<ReplyReport>) -> impl IntoView {
    let query = use_query_map();
    let token = query.read_untracked().get("t").unwrap_or_default();
    let upload_error = move || query.read().get("galat");
    let id = d.id;
    let pin = RwSignal::new(d.lat.zip(d.lng));
    let upload = format!("/api/complaints/{slug}/{id}/foto");
    let photo_base = format!("/api/complaints/{slug}/foto");
    let photo_query = if token.is_empty() { String::new() } else { format!("t={}", crate::ui::urlencode(&token)) };
    let status = d.status;
    let moves = d.moves.clone();
    let token_for_reply = token.clone();
    let slug_value = slug.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_values(&ev) else { return };
        let body = data.get("body").as_string().unwrap_or_default();
        let to = data.get("to").as_string().unwrap_or_default();
        reply.dispatch(ReplyReport { slug: slug.clone(), id, token: token_for_reply.clone(), body, to });
    };
    let done = move || matches!(reply.value().get(), Some(Ok(())));
    view! {
        <h1>{d.category.clone()}</h1>
        <p class="muted">{format!("{} · dilaporkan {}", d.place, d.created)} " " {status_badge(status)}</p>
        {(!token.is_empty()).then(|| view! {
            <p class="hint" role="status">"Simpan alamat halaman ini (tandai atau salin tautannya): hanya lewat tautan ini Anda dapat memantau laporan Anda."</p>
        })}
        <section class="card">
            <p class="report-text">{d.body.clone()}</p>
            <p class="muted">{format!("Pelapor: {}", d.reporter)}{d.phone.clone().map(|p| format!(" · {p}")).unwrap_or_default()}</p>
            {d.whatsapp.clone().map(|w| view! { <a class="button secondary" href=w target="_blank" rel="noopener">"Kabari lewat WhatsApp"</a> })}
        </section>
        {pin.get_untracked().is_some().then(|| view! {
            <section class="card"><VillageMapView map=d.map.clone() pin/></section>
        })}
        <section class="card" id="foto">
            <h2>"Foto"</h2>
            {upload_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {if d.photos.is_empty() {
                view! { <p class="muted">"Belum ada foto."</p> }.into_any()
            } else {
                view! {
                    <div class="thumbs">
                        {d.photos.iter().map(|f| {
                            let href = format!("{photo_base}/{f}");
                            let full = if photo_query.is_empty() { href.clone() } else { format!("{href}?{photo_query}") };
                            let thumb = if photo_query.is_empty() { format!("{href}?kecil=1") } else { format!("{href}?kecil=1&{photo_query}") };
                            view! { <a href=full><img src=thumb alt="Foto laporan" width="120" height="90" loading="lazy"/></a> }
                        }).collect_view()}
                    </div>
                }.into_any()
            }}
            {d.can_write.then(|| view! {
                <form class="upload" method="post" action=upload.clone() enctype="multipart/form-data">
                    <input type="hidden" name="t" value=token.clone()/>
                    <input type="file" name="foto" accept="image/jpeg,image/png,image/webp" capture="environment" required aria-label="Foto"/>
                    <button type="submit" class="button secondary">"Unggah foto"</button>
                </form>
                <p class="hint">"Foto JPEG, PNG atau WebP, paling besar 5 MB. Foto diperkecil dan data lokasinya dihapus."</p>
            })}
        </section>
        <section class="card">
            <h2>"Tanggapan"</h2>
            {if d.messages.is_empty() {
                view! { <p class="muted" id="thread">"Belum ada tanggapan."</p> }.into_any()
            } else {
                view! {
                    <ol class="thread" id="thread">
                        {d.messages.iter().map(|m| view! {
                            <li class=if m.from_official { "from-office" } else { "from-reporter" }>
                                <p class="muted">
                                    {format!("{} · {}", m.author, m.when)}
                                    {m.status.map(|s| view! { " " {status_badge(s)} })}
                                </p>
                                <p>{m.body.clone()}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {d.can_write.then(|| view! {
                <form class="form" id="reply-form" method="post" action="/api/complaints/reply" on:submit=submit>
                    <input type="hidden" name="slug" value=slug_value.clone()/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="token" value=token.clone()/>
                    <label for="r-body">{if d.official { "Balasan petugas" } else { "Tambahkan keterangan" }}</label>
                    <textarea id="r-body" name="body" rows="3" minlength="10" maxlength="2000" required></textarea>
                    {(!moves.is_empty()).then(|| view! {
                        <label for="r-to">"Status"</label>
                        <select id="r-to" name="to">
                            <option value="">{format!("Tetap {}", status.label())}</option>
                            {moves.iter().map(|s| view! {
                                <option value=s.as_str()>{match (status, s) {
                                    (Status::Selesai, _) => "Buka kembali (Diproses)".to_string(),
                                    (_, s) => format!("Ubah menjadi {}", s.label()),
                                }}</option>
                            }).collect_view()}
                        </select>
                    })}
                    {posted_form_error(reply.value(), "/api/complaints/reply")}
                    {move || done().then(|| view! { <p class="hint" role="status">"Terkirim."</p> })}
                    <button type="submit" class="button" disabled=move || reply.pending().get()>"Kirim"</button>
                </form>
            })}
        </section>
    }
}

/// `/{slug}/pengaduan/baru`: the report form is a split route of its own (its map and the
/// outbox, none of the threads' and the queue's code).
pub type ReportFormData = (Signal<String>, PageData);

pub fn report_form_data() -> ReportFormData {
    route_data(&[], |k| Box::pin(report_form_json(k)))
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn report_form_json(key: String) -> Result<String, AppError> {
    to_json(get_report_form(key_part(&key, 0)).await)
}

fn report_form_page((slug, data): ReportFormData) -> AnyView {
    new_page(slug, data).into_any()
}

crate::ui::lazy_page!(pub Complaints(ComplaintsData) = complaints_data => complaints_page);
crate::ui::lazy_page!(pub ReportFormRoute(ReportFormData) = report_form_data => report_form_page);
