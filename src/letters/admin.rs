//! The officials' letter pages (split off the main bundle): the queue with counts and filters,
//! a letter for a walk-in resident, and the letter types with their editor and live preview.
//! A request's own page is shared with the resident (`pages::detail_page`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use wasm_bindgen::JsCast;

use super::api::{
    SaveLetterSettings, SaveLetterType, WalkInLetter, admin_letter_types, get_letter_type_form, letter_queue,
    letter_settings, letter_type,
};
use super::model::{
    AttachmentDef, FieldDef, FieldKind, LetterTypeForm, LetterTypeRow, LetterTypeView, Problem, QueuePage,
    STANDARD_SLOTS, Values, slot_known,
};
use super::pages::{field_input, status_badge};
use super::status::Status;
use super::template::Template;
use crate::error::AppError;
use crate::site::village_href;
use crate::ui::{
    KeyPart, Loading, PageAt, PageData, PageNav, form_error, from_json, key_part, route_data, signed_in_error, to_json,
};

/// Which officials' letter page a route of this group shows (one split route for all of them;
/// a request's own page is in `pages`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Queue,
    WalkIn,
    Types,
    TypeEditor,
    Settings,
    /// A request's page, shared with the resident (`pages::detail_page`).
    Detail,
}

impl Page {
    fn of(path: &str) -> Page {
        let path = path.trim_end_matches('/');
        if path.ends_with("/admin/surat/pengaturan") {
            Page::Settings
        } else if path.contains("/admin/surat/jenis/") {
            Page::TypeEditor
        } else if path.ends_with("/admin/surat/jenis") {
            Page::Types
        } else if path.ends_with("/admin/surat/baru") {
            Page::WalkIn
        } else if path.rsplit('/').next().is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())) {
            Page::Detail
        } else {
            Page::Queue
        }
    }
}

pub type AdminLettersData = (Memo<Page>, Signal<String>, PageData);

pub fn admin_letters_data() -> AdminLettersData {
    let path = crate::ui::use_path();
    let page = Memo::new(move |_| Page::of(&path.get()));
    let keys = &[
        KeyPart::Path,
        KeyPart::Query("status"),
        KeyPart::Query("hal"),
        KeyPart::Query("jenis"),
        KeyPart::Query("setelah"),
        KeyPart::Query("sebelum"),
    ];
    let (slug, data) = route_data(keys, |k| Box::pin(admin_letters_json(k)));
    (page, slug, data)
}

/// The data of whichever officials' page the key's path is.
#[cfg_attr(feature = "hydrate", lazy)]
async fn admin_letters_json(key: String) -> Result<String, AppError> {
    let (slug, path) = (key_part(&key, 0), key_part(&key, 1));
    let last = super::pages::last_segment(&path);
    match Page::of(&path) {
        Page::Queue => {
            let status = Status::parse(&key_part(&key, 2));
            let at = PageAt::parse(&format!(
                "hal={}&setelah={}&sebelum={}",
                key_part(&key, 3),
                key_part(&key, 5),
                key_part(&key, 6)
            ));
            to_json(letter_queue(slug, status, at).await)
        }
        Page::WalkIn => walk_in_json(slug, key_part(&key, 4)).await,
        Page::Types => to_json(admin_letter_types(slug).await),
        Page::TypeEditor => type_form_json(slug, last).await,
        Page::Settings => to_json(letter_settings(slug).await),
        Page::Detail => super::pages::detail_json(slug, last).await,
    }
}

pub fn admin_letters_page((page, slug, data): AdminLettersData) -> AnyView {
    (move || match page.get() {
        Page::Queue => queue_page((slug, data)).into_any(),
        Page::WalkIn => walk_in_page((slug, data)).into_any(),
        Page::Types => types_page((slug, data)).into_any(),
        Page::TypeEditor => type_editor_page((slug, data)).into_any(),
        Page::Settings => settings_page(slug, data).into_any(),
        Page::Detail => super::pages::detail_page((slug, data)).into_any(),
    })
    .into_any()
}

/// `/{slug}/admin/surat` (`?status=…&hal=…`): the queue.
pub type QueueData = (Signal<String>, PageData);

pub fn queue_page((slug, queue): QueueData) -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| query.read().get("status").unwrap_or_default());
    let href = move |p: &str| village_href(&slug.get_untracked(), p);
    view! {
        <Title text="Layanan surat"/>
        <h1>"Layanan surat"</h1>
        <nav class="row-actions">
            <a rel="external" class="button" href=href("/admin/surat/baru")>"Buat surat (warga datang)"</a>
            <a rel="external" class="button secondary" href=href("/admin/surat/jenis")>"Jenis surat"</a>
            <a rel="external" class="button secondary" href=href("/admin/surat/pengaturan")>"Pengaturan"</a>
        </nav>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<QueuePage>(queue.await) {
                    Ok(q) => {
                        let current = status.get_untracked();
                        let base = href("/admin/surat");
                        let open: u64 = q.counts.iter().filter(|(s, _)| matches!(s, Status::Diperiksa | Status::MenungguRt | Status::MenungguTtd)).map(|(_, n)| n).sum();
                        let link = {
                            let base = base.clone();
                            let current = current.clone();
                            move |at: String| if current.is_empty() { format!("{base}?{at}") } else { format!("{base}?status={current}&{at}") }
                        };
                        view! {
                            <nav class="chips" aria-label="Status">
                                <a rel="external" href=base.clone() aria-current=current.is_empty().then_some("page")>{format!("Perlu diproses ({open})")}</a>
                                {q.counts.iter().filter(|(_, n)| *n > 0).map(|(s, n)| view! {
                                    <a rel="external" href=format!("{base}?status={}", s.as_str()) aria-current=(current == s.as_str()).then_some("page")>{format!("{} ({n})", s.label())}</a>
                                }).collect_view()}
                            </nav>
                            {if q.items.is_empty() {
                                view! { <p class="empty">"Tidak ada permohonan di sini."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="card-list" id="queue">
                                        {q.items.into_iter().map(|r| view! {
                                            <li>
                                                <a rel="external" href=href(&format!("/admin/surat/{}", r.id))>{format!("{} — {}", r.kind, r.resident)}</a>
                                                " " {status_badge(r.status)}
                                                <span class="muted">{r.number.map(|n| format!("Nomor {n} · ")).unwrap_or_default()}{r.updated}</span>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <PageNav links=q.links href=link/>
                        }.into_any()
                    }
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

/// `/{slug}/admin/surat/jenis`: the village's letter types.
pub type TypesData = (Signal<String>, PageData);

pub fn types_page((slug, types): TypesData) -> impl IntoView {
    let href = move |p: &str| village_href(&slug.get_untracked(), p);
    view! {
        <Title text="Jenis surat"/>
        <h1>"Jenis surat"</h1>
        <nav class="row-actions"><a rel="external" class="button" href=href("/admin/surat/jenis/baru")>"Tambah jenis surat"</a></nav>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<Vec<LetterTypeRow>>(types.await) {
                    Ok(list) => view! {
                        <ul class="card-list">
                            {list.into_iter().map(|t| view! {
                                <li>
                                    <a rel="external" href=href(&format!("/admin/surat/jenis/{}", t.id))>{t.title}</a>
                                    <span class="muted">{format!(" · kode {}{}{}", t.code, if t.online { " · daring" } else { "" }, if t.active { "" } else { " · nonaktif" })}</span>
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

async fn type_form_json(slug: String, id: String) -> Result<String, AppError> {
    match id.parse::<i64>() {
        Ok(id) => to_json(get_letter_type_form(slug, id).await.map(|f| (Some(id), f))),
        Err(_) => to_json(Ok((None::<i64>, new_type()))),
    }
}

fn new_type() -> LetterTypeForm {
    LetterTypeForm {
        online: true,
        active: true,
        number_format: super::numbering::DEFAULT_FORMAT.into(),
        body: format!("{}\n{}", super::catalog::OPENING, super::catalog::CLOSING),
        ..Default::default()
    }
}

/// `/{slug}/admin/surat/jenis/:id` (or `baru`): the editor.
pub type TypeEditorData = (Signal<String>, PageData);

pub fn type_editor_page((slug, data): TypeEditorData) -> impl IntoView {
    view! {
        <Title text="Jenis surat"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<(Option<i64>, LetterTypeForm)>(data.await) {
                    Ok((id, form)) => view! { <TypeEditor id form slug=slug.get_untracked()/> }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

/// Sample values for the live preview: the placeholder's own description in brackets.
fn sample_values(fields: &[FieldDef]) -> Values {
    let mut v: Values = STANDARD_SLOTS.iter().map(|(k, label)| ((*k).to_string(), format!("[{label}]"))).collect();
    for f in fields {
        v.insert(f.key.clone(), format!("[{}]", f.label));
        v.insert(format!("{}_nik", f.key), format!("[NIK {}]", f.label));
    }
    v
}

/// Fields as text, one per line: `key | label | kind | wajib`.
fn fields_text(fields: &[FieldDef]) -> String {
    fields
        .iter()
        .map(|f| {
            format!("{} | {} | {} | {}", f.key, f.label, f.kind.as_text(), if f.required { "wajib" } else { "tidak" })
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn attachments_text(list: &[AttachmentDef]) -> String {
    list.iter()
        .map(|a| format!("{} | {} | {}", a.key, a.label, if a.required { "wajib" } else { "tidak" }))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the fields' text back; a line that cannot be read is a problem naming it.
fn parse_fields(text: &str) -> Result<Vec<FieldDef>, Problem> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(key), Some(label), Some(kind)) = (parts.first(), parts.get(1), parts.get(2)) else {
            return Err(Problem::new("fields", format!("Isian baris {}: tulis kode | label | jenis | wajib.", i + 1)));
        };
        let kind = FieldKind::parse(kind).ok_or_else(|| {
            Problem::new(
                "fields",
                format!(
                    "Isian baris {}: jenis \"{kind}\" tidak dikenal (text, number, date, resident, choice:A;B).",
                    i + 1
                ),
            )
        })?;
        out.push(FieldDef {
            key: (*key).into(),
            label: (*label).into(),
            kind,
            required: parts.get(3).is_none_or(|w| *w != "tidak"),
        });
    }
    Ok(out)
}

fn parse_attachments(text: &str) -> Result<Vec<AttachmentDef>, Problem> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(key), Some(label)) = (parts.first(), parts.get(1)) else {
            return Err(Problem::new("attachments", format!("Lampiran baris {}: tulis kode | label | wajib.", i + 1)));
        };
        out.push(AttachmentDef {
            key: (*key).into(),
            label: (*label).into(),
            required: parts.get(2).is_none_or(|w| *w != "tidak"),
        });
    }
    Ok(out)
}

#[component]
fn TypeEditor(id: Option<i64>, form: LetterTypeForm, slug: String) -> impl IntoView {
    let save = ServerAction::<SaveLetterType>::new();
    let body = RwSignal::new(form.body.clone());
    let fields = RwSignal::new(fields_text(&form.fields));
    let problems = RwSignal::new(Vec::<Problem>::new());
    let target = slug.clone();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(new_id)) => {
            problems.set(Vec::new());
            if id.is_none() {
                {
                    let _ =
                        window().location().set_href(&village_href(&target, &format!("/admin/surat/jenis/{new_id}")));
                };
            }
        }
        Some(Err(AppError::Refused(p))) => problems.set(p),
        _ => {}
    });
    // The preview follows every keystroke, with the same template code as the server.
    let preview = move || {
        let defs = parse_fields(&fields.get()).unwrap_or_default();
        match Template::parse(&body.get(), |n| slot_known(n, &defs)) {
            Ok(t) => Ok(t.fill(&sample_values(&defs))),
            Err(e) => Err(e.to_string()),
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            .and_then(|f| web_sys::FormData::new_with_form(&f).ok())
        else {
            return;
        };
        let get = |n: &str| data.get(n).as_string().unwrap_or_default();
        let parsed_fields = parse_fields(&get("fields"));
        let parsed_attachments = parse_attachments(&get("attachments"));
        let (fields, attachments) = match (parsed_fields, parsed_attachments) {
            (Ok(f), Ok(a)) => (f, a),
            (Err(p), _) | (_, Err(p)) => {
                problems.set(vec![p]);
                return;
            }
        };
        let form = LetterTypeForm {
            slug: get("slug").trim().to_string(),
            code: get("code"),
            title: get("title"),
            fields,
            attachments,
            online: data.get("online").as_string().is_some(),
            active: data.get("active").as_string().is_some(),
            validity_days: get("validity_days").trim().parse().ok(),
            number_format: get("number_format"),
            body: get("body"),
        };
        let local = form.problems();
        if !local.is_empty() {
            problems.set(local);
            return;
        }
        save.dispatch(SaveLetterType { slug: slug.clone(), id, form });
    };
    let problem = move |field: &'static str| {
        move || {
            problems.with(|p| {
                p.iter()
                    .filter(|x| x.field == field)
                    .map(|x| view! { <p class="field-error" role="alert">{x.message.clone()}</p> })
                    .collect_view()
            })
        }
    };
    view! {
        <h1>{if id.is_some() { form.title.clone() } else { "Jenis surat baru".to_string() }}</h1>
        <form class="form" id="type-editor" on:submit=submit>
            <label for="t-title">"Judul"</label>
            <input id="t-title" name="title" type="text" value=form.title.clone() maxlength="120" required/>
            {problem("title")}
            <label for="t-code">"Kode surat (klasifikasi arsip)"</label>
            <input id="t-code" name="code" type="text" value=form.code.clone() maxlength="20" required/>
            {problem("code")}
            <label for="t-slug">"Kode alamat"</label>
            <input id="t-slug" name="slug" type="text" value=form.slug.clone() maxlength="40" autocapitalize="none" required/>
            {problem("slug")}
            <label for="t-format">"Format nomor"</label>
            <input id="t-format" name="number_format" type="text" value=form.number_format.clone() maxlength="100" required/>
            <p class="hint">"Bagian: [kode] [nomor] atau [nomor:3] [kode desa] [bulan romawi] [bulan] [tahun]"</p>
            {problem("number_format")}
            <label for="t-validity">"Masa berlaku (hari, kosongkan bila tidak ada)"</label>
            <input id="t-validity" name="validity_days" type="number" min="1" max="3650" value=form.validity_days.map(|d| d.to_string()).unwrap_or_default()/>
            {problem("validity_days")}
            <label><input type="checkbox" name="online" checked=form.online/>" Warga dapat meminta secara daring"</label>
            <label><input type="checkbox" name="active" checked=form.active/>" Aktif"</label>
            <label for="t-fields">"Isian (satu per baris: kode | label | jenis | wajib/tidak)"</label>
            <textarea id="t-fields" name="fields" rows="5" prop:value=fields on:input=move |ev| fields.set(event_target_value(&ev))>{fields.get_untracked()}</textarea>
            <p class="hint">"Jenis: text, number, date, resident (penduduk lain), choice:Pilihan A;Pilihan B"</p>
            {problem("fields")}
            <label for="t-attachments">"Lampiran (satu per baris: kode | label | wajib/tidak)"</label>
            <textarea id="t-attachments" name="attachments" rows="3">{attachments_text(&form.attachments)}</textarea>
            {problem("attachments")}
            <label for="t-body">"Isi surat"</label>
            <textarea id="t-body" name="body" rows="14" prop:value=body on:input=move |ev| body.set(event_target_value(&ev))>{body.get_untracked()}</textarea>
            <p class="hint">{format!("Isian yang tersedia: {}", STANDARD_SLOTS.iter().map(|(k, _)| format!("{{{{{k}}}}}")).collect::<Vec<_>>().join(" "))}". Baris \"Label | nilai\" menjadi tabel data."</p>
            {problem("body")}
            {form_error(save.value())}
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="ok" role="status">"Tersimpan."</p> })}
            <button type="submit" class="button" disabled=move || save.pending().get()>"Simpan"</button>
        </form>
        <section class="card">
            <h2>"Pratinjau"</h2>
            {move || match preview() {
                Ok(text) => view! { <pre class="letter-preview" id="type-preview">{text}</pre> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert" id="type-preview-error">{e}</p> }.into_any(),
            }}
        </section>
    }
}

async fn walk_in_json(slug: String, type_id: String) -> Result<String, AppError> {
    let types = admin_letter_types(slug.clone()).await?;
    let chosen = match type_id.parse::<i64>() {
        Ok(id) => Some(letter_type(slug, id).await?),
        Err(_) => None,
    };
    to_json(Ok((types, chosen)))
}

/// `/{slug}/admin/surat/baru` (`?jenis=ID&penduduk=ID`): a letter for a resident at the counter.
pub type WalkInData = (Signal<String>, PageData);

pub fn walk_in_page((slug, data): WalkInData) -> impl IntoView {
    let query = use_query_map();
    let resident = Memo::new(move |_| query.read().get("penduduk").and_then(|p| p.parse::<i64>().ok()));
    view! {
        <Title text="Buat surat"/>
        <h1>"Buat surat untuk warga yang datang"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<(Vec<LetterTypeRow>, Option<LetterTypeView>)>(data.await) {
                    Ok((types, chosen)) => view! { <WalkIn types chosen resident=resident.get_untracked() slug=slug.get_untracked()/> }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn WalkIn(
    types: Vec<LetterTypeRow>,
    chosen: Option<LetterTypeView>,
    resident: Option<i64>,
    slug: String,
) -> impl IntoView {
    let save = ServerAction::<WalkInLetter>::new();
    let problems = RwSignal::new(Vec::<Problem>::new());
    let target = slug.clone();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(id)) => {
            let _ = window().location().set_href(&village_href(&target, &format!("/admin/surat/{id}")));
        }
        Some(Err(AppError::Refused(p))) => problems.set(p),
        _ => {}
    });
    let chosen_id = chosen.as_ref().map(|t| t.id);
    let search = village_href(&slug, "/admin/penduduk");
    view! {
        <form class="filters" method="get">
            <label>"Jenis surat"
                <select name="jenis" required>
                    <option value="">"— pilih —"</option>
                    {types.into_iter().filter(|t| t.active).map(|t| view! { <option value=t.id.to_string() selected=chosen_id == Some(t.id)>{t.title}</option> }).collect_view()}
                </select>
            </label>
            <label>"ID penduduk"
                <input name="penduduk" type="number" min="1" value=resident.map(|r| r.to_string()).unwrap_or_default() required/>
            </label>
            <button type="submit" class="button secondary">"Pilih"</button>
        </form>
        <p class="hint">"ID penduduk tertera di alamat halaman penduduk. "<a href=search>"Cari penduduk"</a></p>
        {match (chosen, resident) {
            (Some(t), Some(resident_id)) => {
                let fields = t.fields.clone();
                let type_id = t.id;
                let slug = slug.clone();
                let submit = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let Some(data) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()).and_then(|f| web_sys::FormData::new_with_form(&f).ok()) else { return };
                    let values: Values = fields.iter().map(|f| (f.key.clone(), data.get(&f.key).as_string().unwrap_or_default())).collect();
                    save.dispatch(WalkInLetter { slug: slug.clone(), resident_id, type_id, values });
                };
                view! {
                    <form class="form" id="walk-in" on:submit=submit>
                        <h2>{t.title.clone()}</h2>
                        {move || { let p = problems.get(); t.fields.iter().map(|f| field_input(f, None, &p)).collect_view() }}
                        <p class="hint">"Isian jenis \"penduduk\" diisi dengan ID penduduk."</p>
                        {form_error(save.value())}
                        <button type="submit" class="button" disabled=move || save.pending().get()>"Buat dan teruskan untuk ditandatangani"</button>
                    </form>
                }.into_any()
            }
            _ => ().into_any(),
        }}
    }
}

/// `/{slug}/admin/surat/pengaturan`: the RT/RW step, who signs, the paper, the letterhead's logo.
fn settings_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    view! {
        <Title text="Pengaturan surat"/>
        <h1>"Pengaturan surat"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<super::model::SettingsView>(data.await) {
                    Ok(view) => view! { <SettingsForm view slug=slug.get_untracked()/> }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SettingsForm(view: super::model::SettingsView, slug: String) -> impl IntoView {
    let query = use_query_map();
    let upload_error = move || query.read().get("galat");
    let save = ServerAction::<SaveLetterSettings>::new();
    let s = view.settings.clone();
    let rt_step = RwSignal::new(s.rt_step);
    let sekdes_signs = RwSignal::new(s.sekdes_signs);
    let paper = RwSignal::new(if s.paper.eq_ignore_ascii_case("F4") { "F4".to_string() } else { "A4".to_string() });
    let logo = format!("/api/letters/{slug}/logo");
    let target = slug.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let settings = super::model::Settings {
            rt_step: rt_step.get_untracked(),
            sekdes_signs: sekdes_signs.get_untracked(),
            paper: paper.get_untracked(),
        };
        save.dispatch(SaveLetterSettings { slug: target.clone(), settings });
    };
    view! {
        <section class="card">
            <form class="form" id="letter-settings" on:submit=submit>
                <label class="check">
                    <input type="checkbox" name="rt_step" prop:checked=rt_step on:change=move |_| rt_step.update(|v| *v = !*v)/>
                    "Permohonan menunggu persetujuan RT/RW sebelum diperiksa kantor desa"
                </label>
                <label class="check">
                    <input type="checkbox" name="sekdes_signs" prop:checked=sekdes_signs on:change=move |_| sekdes_signs.update(|v| *v = !*v)/>
                    "Sekretaris desa boleh menandatangani (a.n. Kepala Desa)"
                </label>
                <label for="s-paper">"Ukuran kertas"</label>
                <select id="s-paper" name="paper" on:change=move |ev| paper.set(event_target_value(&ev))>
                    <option value="A4" selected=move || paper.get() == "A4">"A4 (210 × 297 mm)"</option>
                    <option value="F4" selected=move || paper.get() == "F4">"F4 / folio (215 × 330 mm)"</option>
                </select>
                {form_error(save.value())}
                {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="hint" role="status">"Pengaturan disimpan."</p> })}
                <button type="submit" class="button" disabled=move || save.pending().get()>"Simpan pengaturan"</button>
            </form>
            <p class="hint">"Hanya kepala desa dan sekretaris desa yang dapat mengubah pengaturan. Surat yang sudah ditandatangani tidak berubah."</p>
        </section>
        <section class="card" id="logo">
            <h2>"Logo kop surat"</h2>
            {upload_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {if view.has_logo {
                view! { <img class="logo-preview" src=logo.clone() alt="Logo desa" width="96" height="96"/> }.into_any()
            } else {
                view! { <p class="muted">"Belum ada logo; kop surat dicetak tanpa logo."</p> }.into_any()
            }}
            <form class="upload" method="post" action=logo.clone() enctype="multipart/form-data">
                <input type="file" name="logo" accept="image/jpeg,image/png,image/webp" required aria-label="Berkas logo"/>
                <button type="submit" class="button secondary">"Unggah logo"</button>
            </form>
            <p class="hint">"PNG, JPEG atau WebP, paling besar 5 MB; diperkecil untuk kop surat."</p>
        </section>
    }
}

crate::ui::lazy_page!(pub AdminLetters(AdminLettersData) = admin_letters_data => admin_letters_page);
