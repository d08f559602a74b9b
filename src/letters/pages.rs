//! The resident's letter pages (split off the main bundle, see `app::lazy_page!`): the menu of
//! letters, the request form, their requests with the timeline, attachments and the download;
//! and the public verification page a QR code opens.
//!
//! Attachments are plain multipart forms and the download a link, so a phone without the WASM
//! (or with a slow connection still loading it) can still send photos and fetch the PDF.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{LetterStep, letter_detail, letter_type, letter_types, my_family, my_letters, verify_letter};
use super::model::{FieldKind, LetterTypeRow, LetterTypeView, Problem, RequestDetail, RequestRow, Values, Verdict};
use super::status::{Status, Step};
use crate::error::AppError;
use crate::site::village_href;
use crate::ui::{
    ErrorView, KeyPart, Loading, PageData, form_values, from_json, key_part, posted_form_error, problem_of, route_data,
    signed_in_error, to_json,
};

/// Which letter page a route of this group shows. All of them are one split route
/// (`app::lazy_page!`), so their shared code travels in one chunk instead of the main bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Services,
    Mine,
    Detail,
    Verify,
}

impl Page {
    fn of(path: &str) -> Page {
        let path = path.trim_end_matches('/');
        if path.contains("/surat/cek/") {
            Page::Verify
        } else if path.contains("/layanan/permohonan/") {
            Page::Detail
        } else if path.ends_with("/layanan/permohonan") {
            Page::Mine
        } else {
            Page::Services
        }
    }
}

/// The page of the route (it follows the address: the pages share one route), its village and
/// its data (created when the route matches).
pub type LettersData = (Memo<Page>, Signal<String>, PageData);

pub fn letters_data() -> LettersData {
    let path = crate::ui::use_path();
    let page = Memo::new(move |_| Page::of(&path.get()));
    let (slug, data) =
        route_data(&[KeyPart::Path, KeyPart::Query("d"), KeyPart::Query("s")], |k| Box::pin(letters_json(k)));
    (page, slug, data)
}

/// The last segment of a path (the id or code of the page).
pub fn last_segment(path: &str) -> String {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_string()
}

/// The data of whichever page the key's path is.
#[cfg_attr(feature = "hydrate", lazy)]
async fn letters_json(key: String) -> Result<String, AppError> {
    let (slug, path) = (key_part(&key, 0), key_part(&key, 1));
    let last = last_segment(&path);
    match Page::of(&path) {
        Page::Services => to_json(letter_types(slug).await),
        Page::Mine => to_json(my_letters(slug).await),
        Page::Detail => detail_json(slug, last).await,
        Page::Verify => to_json(verify_letter(slug, last, key_part(&key, 2), key_part(&key, 3)).await),
    }
}

pub fn letters_page((page, slug, data): LettersData) -> AnyView {
    (move || match page.get() {
        Page::Services => services_page((slug, data)).into_any(),
        Page::Mine => mine_page((slug, data)).into_any(),
        Page::Detail => detail_page((slug, data)).into_any(),
        Page::Verify => verify_page((slug, data)).into_any(),
    })
    .into_any()
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Siap | Status::Selesai => "badge ok",
        Status::Ditolak | Status::Dibatalkan | Status::Dicabut => "badge bad",
        Status::BelumLengkap => "badge warn",
        _ => "badge",
    }
}

/// A status as a small coloured label.
pub fn status_badge(s: Status) -> impl IntoView {
    view! { <span class=status_class(s)>{s.label()}</span> }
}

/// `/{slug}/layanan`: the letters residents can ask for from their phone.
pub type ServicesData = (Signal<String>, PageData);

pub fn services_page((slug, types): ServicesData) -> impl IntoView {
    let href = move |p: &str| village_href(&slug.get_untracked(), p);
    view! {
        <Title text="Layanan surat"/>
        <h1>"Layanan surat"</h1>
        <p class="lead">"Minta surat dari ponsel: isi formulir, lampirkan foto dokumen, lalu pantau prosesnya. Surat yang sudah ditandatangani dapat diunduh tanpa datang ke kantor desa."</p>
        <nav class="row-actions">
            <a rel="external" class="button secondary" href=href("/layanan/permohonan")>"Permohonan saya"</a>
        </nav>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<Vec<LetterTypeRow>>(types.await) {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"Belum ada surat yang dapat diminta secara daring."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="card-list">
                            {list.into_iter().map(|t| view! {
                                <li><a rel="external" href=href(&format!("/layanan/surat/{}", t.id))>{t.title}</a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

async fn request_form_json(slug: String, id: String) -> Result<String, AppError> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let t = letter_type(slug.clone(), id).await?;
    // Residents only: the family list needs a signed-in resident; a visitor is sent to sign in.
    let family = my_family(slug).await?;
    to_json(Ok((t, family)))
}

/// `/{slug}/layanan/surat/:id`: the request form of one letter type.
pub type RequestFormData = (Signal<String>, PageData);

pub fn request_form_page((slug, data): RequestFormData) -> impl IntoView {
    view! {
        <Title text="Minta surat"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<(LetterTypeView, Vec<(i64, String)>)>(data.await) {
                    Ok((t, family)) => view! { <RequestForm t family slug=slug.get_untracked()/> }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

/// One input for a field of a letter type. A "resident" field is a choice among `people`, or
/// (officials, `None`) the resident's id.
///
/// The input starts with what was typed before a plain post of the form was refused
/// (`ui::typed`; empty otherwise).
pub fn field_input(f: &super::model::FieldDef, people: Option<&[(i64, String)]>, problems: &[Problem]) -> AnyView {
    let id = format!("f-{}", f.key);
    let name = f.key.clone();
    let required = f.required;
    let value = crate::ui::typed(&f.key);
    let input = match &f.kind {
        FieldKind::Text => view! { <input id=id.clone() name=name type="text" maxlength="300" required=required value=value/> }.into_any(),
        FieldKind::Number => view! { <input id=id.clone() name=name type="text" inputmode="numeric" maxlength="15" required=required value=value/> }.into_any(),
        FieldKind::Date => view! { <input id=id.clone() name=name type="date" required=required value=value/> }.into_any(),
        FieldKind::Choice(options) => view! {
            <select id=id.clone() name=name required=required>
                <option value="">"— pilih —"</option>
                {options.iter().map(|o| view! { <option value=o.clone() selected=*o == value>{o.clone()}</option> }).collect_view()}
            </select>
        }.into_any(),
        FieldKind::Resident => match people {
            Some(people) => view! {
                <select id=id.clone() name=name required=required>
                    <option value="">"— pilih —"</option>
                    {people.iter().map(|(pid, n)| {
                        let pid = pid.to_string();
                        let chosen = pid == value;
                        view! { <option value=pid selected=chosen>{n.clone()}</option> }
                    }).collect_view()}
                </select>
            }.into_any(),
            None => view! { <input id=id.clone() name=name type="number" min="1" required=required value=value/> }.into_any(),
        },
    };
    let problem = problem_of(problems, &f.key);
    view! {
        <label for=id>{f.label.clone()}{(!f.required).then_some(" (tidak wajib)")}</label>
        {input}
        {problem.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
    }
    .into_any()
}

#[component]
fn RequestForm(t: LetterTypeView, family: Vec<(i64, String)>, slug: String) -> impl IntoView {
    use super::model::{LetterItem, OUTBOX_KIND};
    use crate::outbox::client::{self, OutboxForm};
    let outbox = OutboxForm::new();
    let problems = outbox.problems;
    let fields = t.fields.clone();
    let type_id = t.id;
    let label = format!("Permohonan {}", t.title);
    let slug_for_action = slug.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(form), Some(data)) = (client::form_of(&ev), form_values(&ev)) else { return };
        let values: Values =
            fields.iter().map(|f| (f.key.clone(), data.get(&f.key).as_string().unwrap_or_default())).collect();
        outbox.send(form, slug.clone(), OUTBOX_KIND, LetterItem { type_id, values }, label.clone());
    };
    let files = t.attachments.clone();
    let fields = t.fields.clone();
    let action = format!("/api/outbox/{slug_for_action}/formulir");
    view! {
        <h1>{t.title.clone()}</h1>
        <p class="lead">"Data diri Anda diambil dari data kependudukan desa. Isi keperluan dan lampirkan foto dokumen. Tanpa sinyal pun permohonan tersimpan di ponsel dan terkirim sendiri saat ada sinyal."</p>
        {outbox.sent_view()}
        // Without the WASM (or before it arrives) the form posts itself to the outbox's plain
        // endpoint: the same item, taken the same way.
        <form class="form" id="request-form" data-offline="antre" on:submit=submit hidden=move || outbox.done()
            method="post" action=action enctype="multipart/form-data">
            {crate::ui::plain_post(OUTBOX_KIND.as_str())}
            <input type="hidden" name="type_id" value=type_id.to_string()/>
            {move || {
                let p = problems.get();
                fields.iter().map(|f| field_input(f, Some(&family), &p)).collect_view()
            }}
            {(!files.is_empty()).then(|| view! {
                <fieldset class="files">
                    <legend>"Foto dokumen"</legend>
                    <p class="hint">"Boleh menyusul di halaman permohonan."</p>
                    {files.iter().map(|a| {
                        let id = format!("berkas-{}", a.key);
                        view! {
                            <label for=id.clone()>{a.label.clone()}{(!a.required).then_some(" (tidak wajib)")}</label>
                            <input id=id type="file" name=format!("berkas:{}", a.key) accept="image/jpeg,image/png,image/webp,application/pdf"/>
                        }
                    }).collect_view()}
                </fieldset>
            })}
            {client::refusal_view(outbox.outcome)}
            <button type="submit" class="button" disabled=move || outbox.sending.get()>
                {move || if outbox.sending.get() { "Menyimpan…" } else { "Kirim permohonan" }}
            </button>
        </form>
    }
}

/// `/{slug}/layanan/permohonan`: the resident's requests.
pub type MineData = (Signal<String>, PageData);

pub fn mine_page((slug, list): MineData) -> impl IntoView {
    let href = move |p: &str| village_href(&slug.get_untracked(), p);
    view! {
        <Title text="Permohonan saya"/>
        <h1>"Permohonan surat saya"</h1>
        <nav class="row-actions"><a rel="external" class="button" href=href("/layanan")>"Minta surat baru"</a></nav>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<Vec<RequestRow>>(list.await) {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"Anda belum pernah meminta surat."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="card-list" id="my-letters">
                            {list.into_iter().map(|r| view! {
                                <li>
                                    <a rel="external" href=href(&format!("/layanan/permohonan/{}", r.id))>{r.kind}</a>
                                    " " {status_badge(r.status)}
                                    <span class="muted">{r.number.map(|n| format!("Nomor {n} · ")).unwrap_or_default()}{r.updated}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

/// A request's page data (also under the officials' route).
pub async fn detail_json(slug: String, id: String) -> Result<String, AppError> {
    to_json(letter_detail(slug, id.parse().map_err(|_| AppError::NotFound)?).await)
}

/// `/{slug}/layanan/permohonan/:id` and `/{slug}/admin/surat/:id`: one request.
pub type DetailData = (Signal<String>, PageData);

pub fn detail_page((slug, detail): DetailData) -> impl IntoView {
    let step = ServerAction::<LetterStep>::new();
    let sign = ServerAction::<super::api::SignLetter>::new();
    Effect::new(move |before: Option<()>| {
        let _ = (step.version().get(), sign.version().get());
        if before.is_some() {
            detail.refetch();
        }
    });
    view! {
        <Title text="Permohonan surat"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<RequestDetail>(detail.await) {
                    Ok(d) => view! { <Detail d slug=slug.get_untracked() step sign/> }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

fn step_label(s: Step) -> &'static str {
    match s {
        Step::Submit => "Kirim permohonan",
        Step::ApproveRt => "Catat persetujuan RT/RW",
        Step::SendBack => "Kembalikan ke pemohon",
        Step::Forward => "Teruskan untuk ditandatangani",
        Step::Sign => "Tanda tangani",
        Step::Complete => "Tandai selesai",
        Step::Reject => "Tolak",
        Step::Cancel => "Batalkan permohonan",
        Step::Revoke => "Cabut surat (alasan tampil di halaman verifikasi)",
    }
}

#[component]
fn Detail(
    d: RequestDetail,
    slug: String,
    step: ServerAction<LetterStep>,
    sign: ServerAction<super::api::SignLetter>,
) -> impl IntoView {
    let query = use_query_map();
    let upload_error = move || query.read().get("galat");
    let pdf = format!("/api/letters/{slug}/{}/pdf", d.id);
    let upload = format!("/api/letters/{slug}/{}/lampiran", d.id);
    let can_attach = d.steps.contains(&Step::Submit) || d.steps.contains(&Step::Forward);
    let id = d.id;
    let plain_steps: Vec<Step> = d.steps.iter().copied().filter(|s| !s.needs_reason() && *s != Step::Sign).collect();
    let reason_steps: Vec<Step> = d.steps.iter().copied().filter(|s| s.needs_reason()).collect();
    let can_sign = d.steps.contains(&Step::Sign);
    let slug_for_steps = slug.clone();
    let slug_for_reasons = slug.clone();
    let slug_for_sign = slug.clone();
    let signed = matches!(d.status, Status::Siap | Status::Selesai);
    view! {
        <h1>{d.kind.clone()}</h1>
        <p class="muted">{format!("Pemohon: {}", d.resident)} " " {status_badge(d.status)}</p>
        {d.number.clone().map(|n| view! { <p id="letter-number"><strong>{format!("Nomor {n}")}</strong></p> })}
        {d.reason.clone().filter(|_| !signed).map(|r| view! { <p class="hint" role="status">{format!("Catatan: {r}")}</p> })}
        {signed.then(|| view! {
            <nav class="row-actions">
                <a class="button" id="download-pdf" href=pdf.clone() download>"Unduh surat (PDF)"</a>
                {d.verify_url.clone().map(|u| view! { <a class="button secondary" href=u>"Halaman verifikasi"</a> })}
                {d.whatsapp.clone().map(|w| view! { <a class="button secondary" href=w target="_blank" rel="noopener">"Kabari lewat WhatsApp"</a> })}
            </nav>
        })}
        <section class="card">
            <h2>"Isian"</h2>
            <dl class="facts">
                {d.values.iter().map(|(l, v)| view! { <dt>{l.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
            </dl>
        </section>
        <section class="card" id="lampiran">
            <h2>"Lampiran"</h2>
            {upload_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {d.attachments.iter().map(|a| {
                let files = a.files.clone();
                view! {
                    <div class="attachment">
                        <h3>{a.label.clone()}{(!a.required).then_some(" (tidak wajib)")}</h3>
                        {if files.is_empty() {
                            view! { <p class="muted">"Belum ada berkas."</p> }.into_any()
                        } else {
                            view! {
                                <div class="thumbs">
                                    {files.into_iter().map(|f| {
                                        let href = format!("/api/letters/{slug}/berkas/{}", f.id);
                                        if f.is_pdf {
                                            view! { <a href=href>"Berkas PDF"</a> }.into_any()
                                        } else {
                                            view! { <a href=href.clone()><img src=format!("{href}?kecil=1") alt=a.label.clone() width="120" height="90" loading="lazy"/></a> }.into_any()
                                        }
                                    }).collect_view()}
                                </div>
                            }.into_any()
                        }}
                        {can_attach.then(|| view! {
                            <form class="upload" method="post" action=upload.clone() enctype="multipart/form-data">
                                <input type="hidden" name="lampiran" value=a.key.clone()/>
                                <input type="file" name="berkas" accept="image/jpeg,image/png,image/webp,application/pdf" capture="environment" required aria-label=a.label.clone()/>
                                <button type="submit" class="button secondary">"Unggah"</button>
                            </form>
                        })}
                    </div>
                }
            }).collect_view()}
            {can_attach.then(|| view! { <p class="hint">"Foto JPEG, PNG atau WebP, atau PDF; paling besar 5 MB. Foto diperkecil dan data lokasinya dihapus."</p> })}
        </section>
        {(!plain_steps.is_empty() || can_sign).then(|| view! {
            <section class="card">
                <h2>"Tindakan"</h2>
                <div class="row-actions">
                    // Plain forms: a tap before (or without) the WASM posts to the server
                    // function, which comes back to this page (with its error, if any).
                    {plain_steps.into_iter().map(|s| {
                        let slug = slug_for_steps.clone();
                        let hidden = slug.clone();
                        view! {
                            <form class="inline" method="post" action="/api/letters/step"
                                on:submit=move |ev| { ev.prevent_default(); step.dispatch(LetterStep { slug: slug.clone(), id, step: s, reason: String::new() }); }>
                                <input type="hidden" name="slug" value=hidden/>
                                <input type="hidden" name="id" value=id.to_string()/>
                                <input type="hidden" name="step" value=format!("{s:?}")/>
                                <input type="hidden" name="reason" value=""/>
                                <button type="submit" class="button" disabled=move || step.pending().get()>{step_label(s)}</button>
                            </form>
                        }
                    }).collect_view()}
                    {can_sign.then(|| {
                        let slug = slug_for_sign.clone();
                        let hidden = slug.clone();
                        view! {
                            <form class="inline" method="post" action="/api/letters/sign"
                                on:submit=move |ev| { ev.prevent_default(); sign.dispatch(super::api::SignLetter { slug: slug.clone(), id }); }>
                                <input type="hidden" name="slug" value=hidden/>
                                <input type="hidden" name="id" value=id.to_string()/>
                                <button type="submit" class="button" id="sign" disabled=move || sign.pending().get()>"Tanda tangani"</button>
                            </form>
                        }
                    })}
                </div>
                {posted_form_error(step.value(), "/api/letters/step")}
                {posted_form_error(sign.value(), "/api/letters/sign")}
            </section>
        })}
        {(!reason_steps.is_empty()).then(|| view! { <ReasonForm steps=reason_steps slug=slug_for_reasons id step/> })}
        <section class="card">
            <h2>"Riwayat"</h2>
            <ol class="timeline" id="timeline">
                {d.timeline.iter().map(|e| view! {
                    <li>
                        {status_badge(e.status)}
                        <span class="muted">{format!(" {} · {}", e.when, e.who)}</span>
                        {(!e.note.is_empty()).then(|| view! { <p>{e.note.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <details class="card">
            <summary>"Pratinjau isi surat"</summary>
            <pre class="letter-preview">{d.preview.clone()}</pre>
        </details>
    }
}

/// The steps that need a reason (send back, refuse, cancel): one form, one reason.
#[component]
fn ReasonForm(steps: Vec<Step>, slug: String, id: i64, step: ServerAction<LetterStep>) -> impl IntoView {
    let slug_value = slug.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_values(&ev) else { return };
        let chosen = match data.get("step").as_string().as_deref() {
            Some("SendBack") => Step::SendBack,
            Some("Reject") => Step::Reject,
            Some("Revoke") => Step::Revoke,
            _ => Step::Cancel,
        };
        let reason = data.get("reason").as_string().unwrap_or_default();
        step.dispatch(LetterStep { slug: slug.clone(), id, step: chosen, reason });
    };
    view! {
        <details class="card">
            <summary>{steps.iter().map(|s| step_label(*s)).collect::<Vec<_>>().join(" / ")}</summary>
            <form class="form" id="reason-form" method="post" action="/api/letters/step" on:submit=submit>
                <input type="hidden" name="slug" value=slug_value/>
                <input type="hidden" name="id" value=id.to_string()/>
                <label for="r-step">"Tindakan"</label>
                <select id="r-step" name="step">
                    {steps.iter().map(|s| view! { <option value=format!("{s:?}")>{step_label(*s)}</option> }).collect_view()}
                </select>
                <label for="r-reason">"Alasan"</label>
                <textarea id="r-reason" name="reason" rows="3" minlength="5" maxlength="500" required></textarea>
                <button type="submit" class="button secondary">"Kirim"</button>
            </form>
        </details>
    }
}

/// `/{slug}/surat/cek/:code` (`?d=…&s=…` from the QR): is this letter genuine?
pub type VerifyData = (Signal<String>, PageData);

pub fn verify_page((slug, verdict): VerifyData) -> impl IntoView {
    view! {
        <Title text="Verifikasi surat"/>
        <leptos_meta::Meta name="robots" content="noindex"/>
        <leptos_meta::Meta name="referrer" content="no-referrer"/>
        <h1>"Verifikasi surat"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<Verdict>(verdict.await) {
                    Ok(Verdict::Genuine(f)) => {
                        let (class, heading, lead) = match (&f.revoked, f.expired) {
                            (Some(_), _) => (
                                "card verdict bad",
                                "✗ Surat ini telah DICABUT",
                                "Surat ini pernah ditandatangani pemerintah desa, tetapi kemudian dicabut. Surat ini tidak berlaku lagi; jangan terima.",
                            ),
                            (None, true) => (
                                "card verdict warn",
                                "! Masa berlaku surat ini telah habis",
                                "Surat ini asli, tetapi tidak berlaku lagi sejak tanggal di bawah. Minta surat yang baru.",
                            ),
                            (None, false) => (
                                "card verdict ok",
                                "✓ Surat ini asli",
                                "Surat ini dikeluarkan dan ditandatangani secara elektronik oleh pemerintah desa. Cocokkan data di bawah dengan kertasnya: bila ada yang berbeda, surat itu telah diubah.",
                            ),
                        };
                        let role = if f.revoked.is_some() || f.expired { Some("alert") } else { None };
                        view! {
                            <section class=class id="verdict" role=role>
                                <h2>{heading}</h2>
                                <p>{lead}</p>
                                {f.revoked.clone().map(|(when, why)| view! {
                                    <p class="revoked"><strong>{format!("Dicabut pada {when}. ")}</strong>{format!("Alasan: {why}")}</p>
                                })}
                                <dl class="facts">
                                    <dt>"Nomor"</dt><dd>{f.number}</dd>
                                    <dt>"Jenis surat"</dt><dd>{f.kind}</dd>
                                    <dt>"Tanggal"</dt><dd>{f.date}</dd>
                                    {f.valid_until.map(|u| view! { <dt>"Berlaku sampai"</dt><dd>{u}</dd> })}
                                    <dt>"Atas nama"</dt><dd>{f.resident}</dd>
                                    {(!f.nik.is_empty()).then(|| view! { <dt>"NIK (4 angka terakhir)"</dt><dd>{f.nik.replace('*', "•")}</dd> })}
                                    {f.fields.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
                                    <dt>"Penanda tangan"</dt><dd>{format!("{} ({})", f.signer, f.signer_title)}</dd>
                                </dl>
                                {f.older_form.then(|| view! {
                                    <p class="hint" id="older-form">
                                        "Surat ini ditandatangani dengan bentuk lama, yang hanya menjamin nomor, jenis, tanggal, penanda tangan, dan nama tersamar — bukan isi surat. Untuk keperluan penting, cocokkan isinya dengan arsip kantor desa."
                                    </p>
                                })}
                                {(!f.signature_checked).then(|| view! { <p class="hint">"Untuk memeriksa juga tanda tangan di kode QR, pindai kode QR pada surat."</p> })}
                            </section>
                        }.into_any()
                    }
                    Ok(Verdict::Tampered) => view! {
                        <section class="card verdict bad" id="verdict" role="alert">
                            <h2>"✗ Data surat tidak cocok"</h2>
                            <p>"Data pada kode QR ini telah diubah atau tanda tangannya tidak sah. Jangan terima surat ini; hubungi kantor desa."</p>
                        </section>
                    }.into_any(),
                    Ok(Verdict::Unknown) => view! {
                        <section class="card verdict bad" id="verdict" role="alert">
                            <h2>"✗ Surat tidak dikenal"</h2>
                            <p>"Tidak ada surat desa ini dengan kode tersebut. Periksa kembali kodenya atau hubungi kantor desa."</p>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
        <p class="hint">
            "Kunci publik desa untuk memeriksa tanda tangan tanpa internet: "
            <a href=move || format!("/api/letters/{}/kunci", slug.get())>"unduh kunci"</a>
        </p>
    }
}

/// `/{slug}/layanan`, the page residents come for, is a split route of its own: it needs none of
/// the forms' and requests' code of the other letter pages.
pub fn services_data() -> ServicesData {
    route_data(&[], |k| Box::pin(services_json(k)))
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn services_json(key: String) -> Result<String, AppError> {
    to_json(letter_types(key_part(&key, 0)).await)
}

/// `/{slug}/layanan/surat/:id`, the form a resident fills in, is a split route of its own too: it
/// carries the outbox's form code, none of the requests' pages.
pub fn request_form_data() -> RequestFormData {
    route_data(&[KeyPart::Param("id")], |k| Box::pin(request_json(k)))
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn request_json(key: String) -> Result<String, AppError> {
    request_form_json(key_part(&key, 0), key_part(&key, 1)).await
}

crate::ui::lazy_page!(pub Letters(LettersData) = letters_data => letters_page);
crate::ui::lazy_page!(pub Services(ServicesData) = services_data => services_page);
crate::ui::lazy_page!(pub RequestFormRoute(RequestFormData) = request_form_data => request_form_page);
