//! The officials' registry pages (split off the main bundle, see `app::lazy_page!`): the resident
//! list with search and filters, a resident's page with family card and events, the record form
//! (new resident, birth, move in, edit), the import with its dry run and progress, the registers
//! (Buku Induk, Buku Mutasi) and residents' correction requests.
//!
//! Lists and filters are GET forms and links, so they work before the WASM arrives; the upload
//! is a plain multipart form. Forms that change data need the WASM.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use wasm_bindgen::JsCast;

use super::api::{
    AcceptArrival, CloseCorrection, RecordArrival, RecordDeparture, RefuseArrival, RunImport, SaveResident,
    UpdateFamily, get_arrival, get_import_state, get_registry_options, get_registry_stats, get_resident,
    list_corrections, list_events, list_residents, waiting_arrivals,
};
use super::model::{
    Arrival, ArrivalRow, CorrectionRow, EVENT_KINDS, EventInput, FamilyCard, ImportReport, ImportState,
    RegistryOptions, ResidentDetail, ResidentFilter, ResidentForm, ResidentPage, SaveOutcome, event_label,
};
use super::record::ResidentInput;
use crate::error::AppError;
use crate::kit::form::Problem;
use crate::site::{use_village_slug, village_href};
use crate::ui::{
    Loading, PageAt, PageData, PageNav, form_error, from_json, key_part, page_data, page_key, signed_in_error, to_json,
    urlencode,
};

type Query = Memo<ParamsMap>;

fn param(query: Query, name: &str) -> String {
    query.read().get(name).unwrap_or_default()
}

/// The list's parameters in the address, in the order of its data key.
const LIST_PARAMS: [&str; 13] = [
    "q",
    "dusun",
    "jk",
    "umur_dari",
    "umur_sampai",
    "status",
    "agama",
    "pendidikan",
    "kawin",
    "urut",
    "hal",
    "setelah",
    "sebelum",
];

/// The filter of the list, from the address (`?q=…&dusun=…&jk=…`).
fn filter_of(query: &ParamsMap) -> (ResidentFilter, PageAt) {
    let p = |n: &str| query.get(n).unwrap_or_default();
    let filter = ResidentFilter {
        q: p("q"),
        dusun: p("dusun").parse().ok(),
        rt: None,
        sex: p("jk"),
        age_min: p("umur_dari").parse().ok(),
        age_max: p("umur_sampai").parse().ok(),
        status: p("status"),
        religion: p("agama"),
        education: p("pendidikan"),
        occupation: String::new(),
        marital_status: p("kawin"),
        sort: p("urut"),
    };
    (filter, PageAt::from_query(query))
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn options_json(slug: String) -> Result<String, AppError> {
    to_json(get_registry_options(slug).await)
}

/// `key`: the slug, then the values of [`LIST_PARAMS`].
#[cfg_attr(feature = "hydrate", lazy)]
async fn residents_json(key: String) -> Result<String, AppError> {
    let mut query = ParamsMap::new();
    for (i, name) in LIST_PARAMS.iter().enumerate() {
        query.insert(*name, key_part(&key, i + 1));
    }
    let (filter, at) = filter_of(&query);
    to_json(list_residents(key_part(&key, 0), filter, at).await)
}

/// `/{slug}/admin/penduduk`: the list, created when the route matches.
pub type RegistryData = (Signal<String>, Query, PageData, PageData);

pub fn registry_data() -> RegistryData {
    let slug = use_village_slug();
    let query = use_query_map();
    let options = page_data(slug, |slug| Box::pin(options_json(slug)));
    // The filter travels in the key as the address's query string.
    let key = Signal::derive(move || {
        let q = query.read();
        let mut parts = vec![slug.get()];
        parts.extend(LIST_PARAMS.iter().map(|n| q.get(n).unwrap_or_default()));
        page_key(&parts.iter().map(String::as_str).collect::<Vec<_>>())
    });
    let list = page_data(key, |k| Box::pin(residents_json(k)));
    (slug, query, options, list)
}

fn select(name: &'static str, label: &'static str, items: Vec<(String, String)>, current: String) -> impl IntoView {
    view! {
        <label>{label}
            <select name=name>
                <option value="">"Semua"</option>
                {items.into_iter().map(|(value, text)| {
                    let selected = value == current;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

fn same(list: &[String]) -> Vec<(String, String)> {
    list.iter().map(|l| (l.clone(), l.clone())).collect()
}

pub fn registry_page((slug, query, options, list): RegistryData) -> impl IntoView {
    let p = move |n: &str| param(query, n);
    let href = move |path: &str| village_href(&slug.get_untracked(), path);
    view! {
        <Title text="Data penduduk"/>
        <h1>"Data penduduk"</h1>
        <nav class="row-actions">
            <a class="button" href=href("/admin/penduduk/baru")>"Tambah penduduk"</a>
            <a class="button secondary" href=href("/admin/penduduk/baru?peristiwa=pindah_masuk")>"Pindah masuk"</a>
            <a class="button secondary" href=href("/admin/penduduk/impor")>"Impor Excel"</a>
            <a class="button secondary" href=href("/admin/penduduk/buku")>"Buku induk & mutasi"</a>
            <a class="button secondary" href=href("/admin/penduduk/perbaikan")>"Permintaan perbaikan"</a>
            <a class="button secondary" href=href("/admin/penduduk/statistik")>"Statistik"</a>
        </nav>
        <Arrivals slug=slug/>
        <form class="search" method="get" role="search">
            <label for="q">"Nama, awal NIK, atau No. KK"</label>
            <input id="q" name="q" type="search" value=move || p("q") autocomplete="off"/>
            <button type="submit" class="button">"Cari"</button>
        </form>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                from_json::<RegistryOptions>(options.await).ok().map(|o| view! {
                    <details class="filters-box" open=["dusun", "jk", "status", "umur_dari", "umur_sampai"].iter().any(|k| !p(*k).is_empty())>
                        <summary>"Saring dan urutkan"</summary>
                        <form class="filters" method="get">
                            <input type="hidden" name="q" value=p("q")/>
                            {select("dusun", "Dusun", o.dusun.iter().map(|d| (d.id.to_string(), d.label.clone())).collect(), p("dusun"))}
                            {select("jk", "Jenis kelamin", vec![("L".into(), "Laki-laki".into()), ("P".into(), "Perempuan".into())], p("jk"))}
                            <label>"Umur dari" <input name="umur_dari" type="number" min="0" max="150" inputmode="numeric" value=p("umur_dari")/></label>
                            <label>"sampai" <input name="umur_sampai" type="number" min="0" max="150" inputmode="numeric" value=p("umur_sampai")/></label>
                            <label>"Status"
                                <select name="status">
                                    {[("", "Hidup"), ("mati", "Meninggal"), ("pindah", "Pindah"), ("hilang", "Hilang"), ("semua", "Semua")]
                                        .into_iter().map(|(v, l)| view! { <option value=v selected=p("status") == v>{l}</option> }).collect_view()}
                                </select>
                            </label>
                            {select("agama", "Agama", same(&o.religion), p("agama"))}
                            {select("pendidikan", "Pendidikan", same(&o.education), p("pendidikan"))}
                            {select("kawin", "Status perkawinan", same(&o.marital_status), p("kawin"))}
                            <label>"Urutkan"
                                <select name="urut">
                                    {[("", "Nama"), ("umur-tua", "Tertua"), ("umur-muda", "Termuda"), ("terbaru", "Terbaru dicatat")]
                                        .into_iter().map(|(v, l)| view! { <option value=v selected=p("urut") == v>{l}</option> }).collect_view()}
                                </select>
                            </label>
                            <button type="submit" class="button">"Terapkan"</button>
                        </form>
                    </details>
                })
            })}
        </Suspense>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<ResidentPage>(list.await) {
                    Ok(page) if page.items.is_empty() => view! { <p class="empty">"Tidak ada penduduk yang cocok dengan pencarian ini."</p> }.into_any(),
                    Ok(page) => {
                        let slug = slug.get_untracked();
                        let base = village_href(&slug, "/admin/penduduk");
                        let keep: String = ["q", "dusun", "jk", "umur_dari", "umur_sampai", "status", "agama", "pendidikan", "kawin", "urut"]
                            .iter()
                            .map(|k| format!("{k}={}&", urlencode(&p(k))))
                            .collect();
                        view! {
                            <p class="muted" id="result-count">{format!("{} penduduk", super::model::format_count(page.total))}</p>
                            <ul class="resident-list">
                                {page.items.into_iter().map(|r| view! {
                                    <li class="card">
                                        <a href=village_href(&slug, &format!("/admin/penduduk/{}", r.id))><strong>{r.name}</strong></a>
                                        <span class="muted">{format!("NIK {} · {} · {} tahun · {}", r.nik_masked, r.sex, r.age, r.status)}</span>
                                        <span class="muted">{format!("{} · {}", r.relationship, r.area)}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <PageNav links=page.links href=move |at| format!("{base}?{keep}{at}")/>
                        }.into_any()
                    }
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

/// Moves from other villages of the deployment waiting for this village: each opens the
/// move-in form filled with the record the village of origin kept, or is refused with a reason.
#[component]
fn Arrivals(slug: Signal<String>) -> impl IntoView {
    let refuse = ServerAction::<RefuseArrival>::new();
    let list = Resource::new(move || (slug.get(), refuse.version().get()), |(slug, _)| waiting_arrivals(slug));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let rows: Vec<ArrivalRow> = list.await.unwrap_or_default();
                (!rows.is_empty()).then(|| {
                    let slug = slug.get_untracked();
                    view! {
                        <section class="card" id="arrivals">
                            <h2>{format!("Kedatangan dari desa lain menunggu keputusan ({})", rows.len())}</h2>
                            <ul class="resident-list">
                                {rows.into_iter().map(|a| {
                                    let accept = village_href(&slug, &format!("/admin/penduduk/baru?peristiwa=pindah_masuk&kedatangan={}", a.id));
                                    let slug = slug.clone();
                                    let id = a.id;
                                    let submit = move |ev: leptos::ev::SubmitEvent| {
                                        ev.prevent_default();
                                        let Some(data) = form_data(&ev) else { return };
                                        refuse.dispatch(RefuseArrival { slug: slug.clone(), id, reason: get(&data, "reason") });
                                    };
                                    view! {
                                        <li class="card">
                                            <strong>{a.name.clone()}</strong>
                                            <span class="muted">{format!("NIK {} · dari {} · pindah {} · dikirim {}", a.nik_masked, a.from, a.date, a.sent)}</span>
                                            <div class="row-actions">
                                                <a class="button" href=accept>"Terima dan lengkapi data"</a>
                                            </div>
                                            <details>
                                                <summary>"Tolak"</summary>
                                                <form class="form" on:submit=submit>
                                                    <label for=format!("refuse-{id}")>"Alasan penolakan (dikirim ke desa asal)"</label>
                                                    <input id=format!("refuse-{id}") name="reason" type="text" minlength="5" maxlength="500" required/>
                                                    <button type="submit" class="button secondary">"Tolak kedatangan"</button>
                                                </form>
                                            </details>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            {form_error(refuse.value())}
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn resident_json(slug: String, id: i64, full: bool) -> Result<String, AppError> {
    to_json(get_resident(slug, id, full).await)
}

/// `/{slug}/admin/penduduk/:id` (`?lengkap=1`: full NIK and KK, audited).
pub type ResidentData = (Signal<String>, PageData);

pub fn resident_data() -> ResidentData {
    let slug = use_village_slug();
    let params = use_params_map();
    let query = use_query_map();
    let key = Signal::derive(move || {
        page_key(&[&slug.get(), &params.read().get("id").unwrap_or_default(), &param(query, "lengkap")])
    });
    let detail = page_data(key, |k| {
        Box::pin(resident_json(key_part(&k, 0), key_part(&k, 1).parse().unwrap_or(0), key_part(&k, 2) == "1"))
    });
    (slug, detail)
}

pub fn resident_page((slug, detail): ResidentData) -> impl IntoView {
    let depart = ServerAction::<RecordDeparture>::new();
    let family = ServerAction::<UpdateFamily>::new();
    Effect::new(move |before: Option<()>| {
        let _ = (depart.version().get(), family.version().get());
        if before.is_some() {
            detail.refetch();
        }
    });
    view! {
        <Title text="Penduduk"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<ResidentDetail>(detail.await) {
                    Ok(d) => view! { <ResidentView d slug=slug.get_untracked() depart family/> }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ResidentView(
    d: ResidentDetail,
    slug: String,
    depart: ServerAction<RecordDeparture>,
    family: ServerAction<UpdateFamily>,
) -> impl IntoView {
    let path = |p: String| village_href(&slug, &p);
    let i = &d.input;
    let row = |label: &'static str, value: String| view! { <dt>{label}</dt><dd>{if value.is_empty() { "-".to_string() } else { value }}</dd> };
    let sex = if i.sex == "P" { "Perempuan" } else { "Laki-laki" };
    let alive = d.status == "Hidup";
    let reveal = (!d.full).then(|| {
        view! { <a class="button secondary" href=path(format!("/admin/penduduk/{}?lengkap=1", d.id))>"Tampilkan NIK & KK lengkap"</a> }
    });
    let family = d.family.clone().map(|f| view! { <FamilyCardView f slug=slug.clone() alive update=family/> });
    view! {
        <h1>{i.name.clone()}</h1>
        <p class="muted">{format!("{} · {} tahun · {}", d.status, d.age, d.area)}</p>
        <nav class="row-actions no-print">
            <a class="button" href=path(format!("/admin/penduduk/{}/ubah", d.id))>"Ubah data"</a>
            {reveal}
            <a class="button secondary" href=path("/admin/penduduk".into())>"Kembali ke daftar"</a>
        </nav>
        {d.full.then(|| view! { <p class="hint">"NIK dan No. KK lengkap ditampilkan; tampilan ini tercatat di log audit."</p> })}
        {d.move_outcome.clone().map(|o| view! { <p class="hint" id="move-outcome">{format!("Pindah ke desa lain di Digdaya: {o}")}</p> })}
        <section class="card">
            <h2>"Biodata"</h2>
            <dl class="facts" id="biodata">
                {row("NIK", i.nik.clone())}
                {row("Jenis kelamin", sex.into())}
                {row("Tempat, tanggal lahir", format!("{}, {}", i.birth_place, i.birth_date))}
                {row("Agama", i.religion.clone())}
                {row("Pendidikan (KK)", i.education.clone())}
                {row("Pendidikan sedang ditempuh", i.education_current.clone())}
                {row("Pekerjaan", i.occupation.clone())}
                {row("Status perkawinan", i.marital_status.clone())}
                {row("Hubungan dalam keluarga", i.relationship.clone())}
                {row("Kewarganegaraan", i.citizenship.clone())}
                {row("Golongan darah", i.blood_type.clone())}
                {row("Ayah", format!("{} {}", i.father_name, i.father_nik).trim().to_string())}
                {row("Ibu", format!("{} {}", i.mother_name, i.mother_nik).trim().to_string())}
                {row("Disabilitas", i.disability.clone())}
                {row("Nomor HP", i.phone.clone())}
            </dl>
        </section>
        {family}
        {alive.then(|| view! { <DepartureForm slug=slug.clone() id=d.id depart/> })}
        <section class="card">
            <h2>"Peristiwa"</h2>
            {if d.events.is_empty() {
                view! { <p class="empty">"Belum ada peristiwa yang dicatat."</p> }.into_any()
            } else {
                view! {
                    <ul class="event-list">
                        {d.events.into_iter().map(|e| view! {
                            <li>
                                <strong>{format!("{} · {}", e.kind_label, e.date)}</strong>
                                <span class="muted">{[e.place, e.document_number, e.reason].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")}</span>
                                <span class="muted">{format!("Dicatat oleh {}", e.recorded_by)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card">
            <h2>"Riwayat perubahan"</h2>
            {if d.history.is_empty() {
                view! { <p class="empty">"Belum pernah diubah."</p> }.into_any()
            } else {
                view! {
                    <ul class="history-list">
                        {d.history.into_iter().map(|h| view! {
                            <li>
                                <strong>{format!("{} · {}", h.when, h.who)}</strong>
                                <ul>
                                    {h.changes.into_iter().map(|(f, before, after)| view! { <li>{format!("{f}: {before} → {after}")}</li> }).collect_view()}
                                </ul>
                                {(!h.reason.is_empty()).then(|| view! { <span class="muted">{format!("Alasan: {}", h.reason)}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {(!d.corrections.is_empty()).then(|| view! {
            <section class="card">
                <h2>"Permintaan perbaikan dari warga"</h2>
                <ul>{d.corrections.into_iter().map(|c| view! { <li>{format!("{} · {} · {}", c.created, c.status, c.message)}</li> }).collect_view()}</ul>
            </section>
        })}
    }
}

#[component]
fn FamilyCardView(f: FamilyCard, slug: String, alive: bool, update: ServerAction<UpdateFamily>) -> impl IntoView {
    let birth = village_href(&slug, &format!("/admin/penduduk/baru?peristiwa=lahir&keluarga={}", f.id));
    let editing = RwSignal::new(false);
    let (id, address, rt_id) = (f.id, f.address.clone(), f.rt_id);
    view! {
        <section class="card family-card" id="family-card">
            <h2>{format!("Kartu Keluarga {}", f.kk)}</h2>
            <p class="muted">{format!("Kepala keluarga: {} · {} {}", f.head, f.address, f.area)}</p>
            <div class="table-scroll">
                <table>
                    <thead><tr><th>"Nama"</th><th>"NIK"</th><th>"L/P"</th><th>"Tempat, tgl lahir"</th><th>"Hubungan"</th><th>"Status"</th></tr></thead>
                    <tbody>
                        {f.members.into_iter().map(|m| view! {
                            <tr>
                                <td><a href=village_href(&slug, &format!("/admin/penduduk/{}", m.id))>{m.name}</a></td>
                                <td>{m.nik}</td><td>{m.sex}</td><td>{m.birth}</td><td>{m.relationship}</td><td>{m.status}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="row-actions no-print">
                {alive.then(|| view! { <a class="button secondary" href=birth>"Catat kelahiran di keluarga ini"</a> })}
                <button type="button" class="button secondary" on:click=move |_| editing.update(|e| *e = !*e)>"Ubah alamat KK"</button>
            </div>
            <Show when=move || editing.get()>
                <FamilyEdit slug=slug.clone() id address=address.clone() rt_id update/>
            </Show>
        </section>
    }
}

/// The family's address and RT; the RT choices are fetched when the form opens.
#[component]
fn FamilyEdit(
    slug: String,
    id: i64,
    address: String,
    rt_id: Option<i64>,
    update: ServerAction<UpdateFamily>,
) -> impl IntoView {
    let options = {
        let slug = slug.clone();
        LocalResource::new(move || get_registry_options(slug.clone()))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_data(&ev) else { return };
        update.dispatch(UpdateFamily {
            slug: slug.clone(),
            id,
            address: get(&data, "address"),
            rt_id: get(&data, "rt_id").parse().ok(),
        });
    };
    view! {
        <form class="form" id="family-edit" on:submit=submit>
            <label for="fam-address">"Alamat"</label>
            <input id="fam-address" name="address" type="text" maxlength="200" value=address/>
            <label for="fam-rt">"RT"</label>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match options.await {
                        Ok(o) => view! {
                            <select id="fam-rt" name="rt_id">
                                <option value="">"— pilih —"</option>
                                {o.rt.into_iter().map(|a| { let sel = Some(a.id) == rt_id; view! { <option value=a.id.to_string() selected=sel>{a.label}</option> } }).collect_view()}
                            </select>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <p class="hint">"Anggota keluarga yang tinggal di RT lama ikut pindah ke RT baru; perubahannya tercatat di riwayat masing-masing."</p>
            {form_error(update.value())}
            <button type="submit" class="button" disabled=move || update.pending().get()>"Simpan alamat"</button>
        </form>
    }
}

/// The values of a submitted form, by field name.
fn form_data(ev: &leptos::ev::SubmitEvent) -> Option<web_sys::FormData> {
    let form = ev.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
    web_sys::FormData::new_with_form(&form).ok()
}

fn get(data: &web_sys::FormData, name: &str) -> String {
    data.get(name).as_string().unwrap_or_default()
}

#[component]
fn DepartureForm(slug: String, id: i64, depart: ServerAction<RecordDeparture>) -> impl IntoView {
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_data(&ev) else { return };
        depart.dispatch(RecordDeparture {
            slug: slug.clone(),
            event: EventInput {
                resident_id: id,
                kind: get(&data, "kind"),
                date: get(&data, "date"),
                document_number: get(&data, "document_number"),
                place: get(&data, "place"),
                reason: get(&data, "reason"),
                to_village: get(&data, "to_village"),
            },
        });
    };
    view! {
        <details class="card no-print">
            <summary>"Catat kematian, pindah keluar, atau hilang"</summary>
            <form class="form" id="departure" on:submit=submit>
                <label for="ev-kind">"Peristiwa"</label>
                <select id="ev-kind" name="kind">
                    {EVENT_KINDS.iter().filter(|(k, _)| matches!(*k, "mati" | "pindah_keluar" | "hilang"))
                        .map(|(k, l)| view! { <option value=*k>{*l}</option> }).collect_view()}
                </select>
                <label for="ev-date">"Tanggal"</label>
                <input id="ev-date" name="date" type="date" required/>
                <label for="ev-place">"Tempat / tujuan pindah"</label>
                <input id="ev-place" name="place" type="text" maxlength="200"/>
                <label for="ev-doc">"Nomor dokumen (akta kematian, SKPWNI…)"</label>
                <input id="ev-doc" name="document_number" type="text" maxlength="100"/>
                <label for="ev-reason">"Sebab / alasan"</label>
                <input id="ev-reason" name="reason" type="text" maxlength="500"/>
                <label for="ev-village">"Pindah ke desa lain di Digdaya (alamat desa, mis. sukamaju; kosongkan bila tidak)"</label>
                <input id="ev-village" name="to_village" type="text" autocapitalize="none" maxlength="60"/>
                {form_error(depart.value())}
                <button type="submit" class="button" disabled=move || depart.pending().get()>"Simpan peristiwa"</button>
            </form>
        </details>
    }
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn form_json(slug: String, id: Option<i64>, arrival: Option<i64>) -> Result<String, AppError> {
    let options = get_registry_options(slug.clone()).await?;
    let detail = match id {
        Some(id) => Some(get_resident(slug.clone(), id, false).await?),
        None => None,
    };
    let arrival = match arrival {
        Some(a) => Some(get_arrival(slug, a).await?),
        None => None,
    };
    to_json(Ok((options, detail, arrival)))
}

/// `/{slug}/admin/penduduk/baru` (`?peristiwa=lahir&keluarga=ID` or `?peristiwa=pindah_masuk`)
/// and `/{slug}/admin/penduduk/:id/ubah`.
pub type RecordFormData = (Signal<String>, Query, Memo<Option<i64>>, PageData);

pub fn record_form_data() -> RecordFormData {
    let slug = use_village_slug();
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|i| i.parse().ok()));
    let key = Signal::derive(move || {
        page_key(&[&slug.get(), &id.get().map(|i: i64| i.to_string()).unwrap_or_default(), &param(query, "kedatangan")])
    });
    let data = page_data(key, |k| {
        Box::pin(form_json(key_part(&k, 0), key_part(&k, 1).parse().ok(), key_part(&k, 2).parse().ok()))
    });
    (slug, query, id, data)
}

pub fn record_form_page((slug, query, id, data): RecordFormData) -> impl IntoView {
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<(RegistryOptions, Option<ResidentDetail>, Option<Arrival>)>(data.await) {
                    Ok((o, d, arrival)) => {
                        let event = if arrival.is_some() { "pindah_masuk".to_string() } else { param(query, "peristiwa") };
                        let family = param(query, "keluarga").parse().ok();
                        view! { <RecordForm o d arrival slug=slug.get_untracked() id=id.get_untracked() event family/> }.into_any()
                    }
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

/// The message for `field` among `errors`, under its input.
fn field_error(errors: RwSignal<Vec<Problem>>, field: &'static str) -> impl Fn() -> Option<AnyView> {
    move || {
        errors.with(|list| {
            let messages: Vec<String> = list.iter().filter(|e| e.field == field).map(|e| e.message.clone()).collect();
            (!messages.is_empty())
                .then(|| view! { <p class="field-error" role="alert">{messages.join(" ")}</p> }.into_any())
        })
    }
}

#[component]
fn RecordForm(
    o: RegistryOptions,
    d: Option<ResidentDetail>,
    arrival: Option<Arrival>,
    slug: String,
    id: Option<i64>,
    event: String,
    family: Option<i64>,
) -> impl IntoView {
    let save = ServerAction::<SaveResident>::new();
    let arrive = ServerAction::<RecordArrival>::new();
    let accept = ServerAction::<AcceptArrival>::new();
    let arrival_id = arrival.as_ref().map(|a| a.id);
    let errors = RwSignal::new(Vec::<Problem>::new());
    let warnings = RwSignal::new(Vec::<Problem>::new());
    let navigate = leptos_router::hooks::use_navigate();
    let today = chrono::NaiveDate::parse_from_str(&o.today, "%Y-%m-%d").unwrap_or_default();
    let is_event = id.is_none() && matches!(event.as_str(), "lahir" | "pindah_masuk");
    let title = match (id, event.as_str()) {
        (Some(_), _) => "Ubah data penduduk",
        (None, "lahir") => "Catat kelahiran",
        (None, "pindah_masuk") => "Catat pindah masuk",
        _ => "Tambah penduduk",
    };
    // After a save: to the resident's page, or the errors and warnings beside their fields.
    let slug_for_effect = slug.clone();
    Effect::new(move |_| {
        let outcome = save.value().get().or_else(|| arrive.value().get()).or_else(|| accept.value().get());
        match outcome {
            Some(Ok(SaveOutcome::Saved(saved))) => {
                navigate(&village_href(&slug_for_effect, &format!("/admin/penduduk/{saved}")), Default::default());
            }
            Some(Err(AppError::Refused(list))) => errors.set(list),
            Some(Ok(SaveOutcome::NeedsReason(list))) => warnings.set(list),
            _ => {}
        }
    });
    let input =
        d.as_ref().map(|d| d.input.clone()).or_else(|| arrival.as_ref().map(|a| a.input.clone())).unwrap_or_else(
            || ResidentInput {
                relationship: if event == "lahir" { "ANAK".into() } else { String::new() },
                marital_status: if event == "lahir" { "BELUM KAWIN".into() } else { String::new() },
                citizenship: "WNI".into(),
                ..Default::default()
            },
        );
    let family_id = d.as_ref().and_then(|d| d.family.as_ref().map(|f| f.id)).or(family);
    let rt_id = d.as_ref().and_then(|d| d.rt_id).or_else(|| d.as_ref().and_then(|d| d.family.as_ref()?.rt_id));
    let slug_submit = slug.clone();
    let event_kind = event.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_data(&ev) else { return };
        let f = |n: &str| get(&data, n);
        let input = ResidentInput {
            nik: f("nik"),
            name: f("name"),
            sex: f("sex"),
            birth_place: f("birth_place"),
            birth_date: f("birth_date"),
            religion: f("religion"),
            education: f("education"),
            education_current: f("education_current"),
            occupation: f("occupation"),
            marital_status: f("marital_status"),
            relationship: f("relationship"),
            citizenship: f("citizenship"),
            blood_type: f("blood_type"),
            father_nik: f("father_nik"),
            father_name: f("father_name"),
            mother_nik: f("mother_nik"),
            mother_name: f("mother_name"),
            disability: f("disability"),
            phone: f("phone"),
        };
        // The same rules as the server, before the round trip (a masked NIK is "unchanged").
        let mut own = input.clone();
        for (field, before) in
            [(&mut own.nik, "3604050101900001"), (&mut own.father_nik, ""), (&mut own.mother_nik, "")]
        {
            if field.contains('•') {
                *field = before.into();
            }
        }
        let checked = own.check(today);
        errors.set(checked.errors.clone());
        if !checked.errors.is_empty() {
            return;
        }
        let form = ResidentForm {
            input,
            family_id: f("family_id").parse().ok().filter(|_| f("new_kk").trim().is_empty()),
            new_kk: f("new_kk"),
            address: f("address"),
            rt_id: f("rt_id").parse().ok(),
            warning_reason: f("warning_reason"),
        };
        if is_event {
            let event = EventInput {
                kind: event_kind.clone(),
                date: if event_kind == "lahir" { form.input.birth_date.clone() } else { f("event_date") },
                document_number: f("document_number"),
                place: f("event_place"),
                reason: f("event_reason"),
                ..Default::default()
            };
            match arrival_id {
                Some(id) => accept.dispatch(AcceptArrival { slug: slug_submit.clone(), id, data: form, event }),
                None => arrive.dispatch(RecordArrival { slug: slug_submit.clone(), data: form, event }),
            };
        } else {
            save.dispatch(SaveResident { slug: slug_submit.clone(), id, data: form });
        }
    };
    let text = |name: &'static str, label: &'static str, value: String, extra: &'static str| {
        let id = format!("f-{name}");
        view! {
            <label for=id.clone()>{label}</label>
            <input id=id name=name type="text" value=value maxlength="100" autocomplete="off" inputmode=extra/>
            {field_error(errors, name)}
        }
    };
    let choice = |name: &'static str, label: &'static str, items: Vec<String>, current: String, required: bool| {
        let id = format!("f-{name}");
        view! {
            <label for=id.clone()>{label}</label>
            <select id=id name=name required=required>
                <option value="">{if required { "— pilih —" } else { "—" }}</option>
                {items.into_iter().map(|i| { let sel = i == current; let value = i.clone(); view! { <option value=value selected=sel>{i}</option> } }).collect_view()}
            </select>
            {field_error(errors, name)}
        }
    };
    let pending = move || save.pending().get() || arrive.pending().get() || accept.pending().get();
    let (event_date, event_place, event_doc, event_reason) = arrival
        .as_ref()
        .map(|a| (a.date.clone(), a.from.clone(), a.document_number.clone(), a.reason.clone()))
        .unwrap_or_default();
    let cancel =
        village_href(&slug, &id.map(|i| format!("/admin/penduduk/{i}")).unwrap_or_else(|| "/admin/penduduk".into()));
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        {arrival.as_ref().map(|a| view! {
            <p class="hint" id="arrival-from">{format!(
                "Data dikirim {} oleh {}. Periksa, lengkapi No. KK, alamat dan RT di desa ini, lalu simpan untuk menerima.",
                a.from, a.sent_by
            )}</p>
        })}
        <form class="form record-form" id="record-form" on:submit=submit novalidate>
            <fieldset>
                <legend>"Identitas"</legend>
                {text("nik", "NIK (16 angka)", input.nik.clone(), "numeric")}
                {text("name", "Nama lengkap", input.name.clone(), "text")}
                <label for="f-sex">"Jenis kelamin"</label>
                <select id="f-sex" name="sex" required>
                    <option value="">"— pilih —"</option>
                    <option value="L" selected=input.sex == "L">"Laki-laki"</option>
                    <option value="P" selected=input.sex == "P">"Perempuan"</option>
                </select>
                {field_error(errors, "sex")}
                {text("birth_place", "Tempat lahir", input.birth_place.clone(), "text")}
                <label for="f-birth_date">"Tanggal lahir"</label>
                <input id="f-birth_date" name="birth_date" type="date" value=input.birth_date.clone() max=o.today.clone()/>
                {field_error(errors, "birth_date")}
            </fieldset>
            <fieldset>
                <legend>"Keluarga dan alamat"</legend>
                <input type="hidden" name="family_id" value=family_id.map(|f| f.to_string()).unwrap_or_default()/>
                {match d.as_ref().and_then(|d| d.family.clone()) {
                    Some(f) => view! { <p class="muted">{format!("Keluarga: KK {} ({})", f.kk, f.head)}</p> }.into_any(),
                    None if family.is_some() => view! { <p class="muted">"Dicatat di keluarga yang dipilih."</p> }.into_any(),
                    None => ().into_any(),
                }}
                <label for="f-new_kk">{if family_id.is_some() { "No. KK lain (isi hanya bila pindah keluarga)" } else { "No. KK (keluarga yang ada atau baru)" }}</label>
                <input id="f-new_kk" name="new_kk" type="text" inputmode="numeric" maxlength="16" autocomplete="off"/>
                {field_error(errors, "new_kk")}
                {field_error(errors, "family")}
                <label for="f-address">"Alamat (untuk KK baru)"</label>
                <input id="f-address" name="address" type="text" maxlength="200"/>
                <label for="f-rt_id">"RT"</label>
                <select id="f-rt_id" name="rt_id">
                    <option value="">"— pilih —"</option>
                    {o.rt.iter().map(|a| { let sel = Some(a.id) == rt_id; view! { <option value=a.id.to_string() selected=sel>{a.label.clone()}</option> } }).collect_view()}
                </select>
                {field_error(errors, "rt")}
                {choice("relationship", "Hubungan dalam keluarga", o.relationship.clone(), input.relationship.clone(), true)}
            </fieldset>
            <fieldset>
                <legend>"Data lain"</legend>
                {choice("religion", "Agama", o.religion.clone(), input.religion.clone(), true)}
                {choice("education", "Pendidikan dalam KK", o.education.clone(), input.education.clone(), true)}
                {choice("education_current", "Pendidikan sedang ditempuh", o.education_current.clone(), input.education_current.clone(), false)}
                {choice("occupation", "Pekerjaan", o.occupation.clone(), input.occupation.clone(), true)}
                {choice("marital_status", "Status perkawinan", o.marital_status.clone(), input.marital_status.clone(), true)}
                {choice("citizenship", "Kewarganegaraan", o.citizenship.clone(), input.citizenship.clone(), false)}
                {choice("blood_type", "Golongan darah", o.blood_type.clone(), input.blood_type.clone(), false)}
                {choice("disability", "Disabilitas", o.disability.clone(), input.disability.clone(), false)}
                {text("phone", "Nomor HP (tidak wajib)", input.phone.clone(), "tel")}
            </fieldset>
            <fieldset>
                <legend>"Orang tua"</legend>
                {text("father_name", "Nama ayah", input.father_name.clone(), "text")}
                {text("father_nik", "NIK ayah", input.father_nik.clone(), "numeric")}
                {text("mother_name", "Nama ibu", input.mother_name.clone(), "text")}
                {text("mother_nik", "NIK ibu", input.mother_nik.clone(), "numeric")}
            </fieldset>
            {is_event.then(|| view! {
                <fieldset>
                    <legend>{event_label(&event).to_string()}</legend>
                    {(event != "lahir").then(|| view! {
                        <label for="f-event_date">"Tanggal datang"</label>
                        <input id="f-event_date" name="event_date" type="date" required value=event_date.clone()/>
                        <label for="f-event_place">"Datang dari"</label>
                        <input id="f-event_place" name="event_place" type="text" maxlength="200" value=event_place.clone()/>
                    })}
                    <label for="f-document_number">{if event == "lahir" { "Nomor akta kelahiran" } else { "Nomor surat pindah (SKPWNI)" }}</label>
                    <input id="f-document_number" name="document_number" type="text" maxlength="100" value=event_doc.clone()/>
                    <label for="f-event_reason">"Keterangan"</label>
                    <input id="f-event_reason" name="event_reason" type="text" maxlength="500" value=event_reason.clone()/>
                    {field_error(errors, "date")}
                </fieldset>
            })}
            {move || (!warnings.get().is_empty()).then(|| view! {
                <section class="warning-box" role="alert">
                    <ul>{warnings.get().into_iter().map(|w| view! { <li>{w.message}</li> }).collect_view()}</ul>
                    <label for="f-warning_reason">"Data tetap benar? Tulis alasannya (misalnya: sesuai akta kelahiran), lalu simpan lagi."</label>
                    <input id="f-warning_reason" name="warning_reason" type="text" maxlength="300" required/>
                </section>
            })}
            {move || (!errors.get().is_empty()).then(|| view! { <p class="form-error" role="alert">"Periksa isian yang ditandai."</p> })}
            {form_error(save.value())}
            {form_error(arrive.value())}
            {form_error(accept.value())}
            <div class="row-actions">
                <button type="submit" class="button" disabled=pending>"Simpan"</button>
                <a class="button secondary" href=cancel>"Batal"</a>
            </div>
        </form>
    }
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn import_json(slug: String, token: String) -> Result<String, AppError> {
    if token.is_empty() {
        return to_json(Ok(None::<ImportState>));
    }
    to_json(get_import_state(slug, token).await.map(Some))
}

/// `/{slug}/admin/penduduk/impor` (`?unggahan=TOKEN` after an upload).
pub type ImportData = (Signal<String>, Query, PageData);

pub fn import_data() -> ImportData {
    let slug = use_village_slug();
    let query = use_query_map();
    let key = Signal::derive(move || page_key(&[&slug.get(), &param(query, "unggahan")]));
    let state = page_data(key, |k| Box::pin(import_json(key_part(&k, 0), key_part(&k, 1))));
    (slug, query, state)
}

pub fn import_page((slug, query, state): ImportData) -> impl IntoView {
    let run = ServerAction::<RunImport>::new();
    Effect::new(move |before: Option<()>| {
        let _ = run.version().get();
        if before.is_some() {
            state.refetch();
        }
    });
    // While the import runs, ask for its progress twice a second.
    Effect::new(move |_| {
        if state.get().is_some_and(|s| s.is_ok_and(|text| text.contains("\"Running\""))) {
            set_timeout(move || state.refetch(), std::time::Duration::from_millis(500));
        }
    });
    let upload_to = format!("/api/population/import/{}", slug.get_untracked());
    view! {
        <Title text="Impor data penduduk"/>
        <h1>"Impor data penduduk"</h1>
        <p class="muted">"Berkas Excel format impor OpenSID (.xlsx, .xlsm, lembar \"Data Penduduk\") atau .csv dengan judul kolom yang sama. Makro tidak pernah dijalankan. Pertama diperiksa dulu; tidak ada yang disimpan sebelum Anda menekan \"Impor sekarang\"."</p>
        <form class="form" id="upload" method="post" enctype="multipart/form-data" action=upload_to>
            <label for="berkas">"Berkas"</label>
            <input id="berkas" name="berkas" type="file" accept=".xlsx,.xlsm,.csv" required/>
            <button type="submit" class="button">"Unggah dan periksa"</button>
        </form>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let token = param(query, "unggahan");
                match from_json::<Option<ImportState>>(state.await) {
                    Ok(None) => ().into_any(),
                    Ok(Some(ImportState::Checked(Err(message)))) | Ok(Some(ImportState::Finished(Err(message)))) => {
                        view! { <section class="error-box" role="alert"><p>{message}</p></section> }.into_any()
                    }
                    Ok(Some(ImportState::Checked(Ok(report)))) => {
                        let slug = slug.get_untracked();
                        let can_run = report.new + report.updated > 0;
                        view! {
                            <ReportView report/>
                            {can_run.then(|| view! {
                                <button class="button" id="run-import" disabled=move || run.pending().get() on:click=move |_| {
                                                run.dispatch(RunImport { slug: slug.clone(), token: token.clone() });
                                }>"Impor sekarang"</button>
                            })}
                            {form_error(run.value())}
                        }.into_any()
                    }
                    Ok(Some(ImportState::Running { done, total })) => {
                        let percent = if total == 0 { 0 } else { done * 100 / total };
                        view! {
                            <section class="card" aria-live="polite">
                                <p>{format!("Mengimpor… {done} dari {total} baris")}</p>
                                <progress max=total.to_string() value=done.to_string()>{format!("{percent}%")}</progress>
                            </section>
                        }.into_any()
                    }
                    Ok(Some(ImportState::Finished(Ok(report)))) => {
                        let list = village_href(&slug.get_untracked(), "/admin/penduduk?urut=terbaru");
                        view! {
                            <p class="notice" role="status" id="import-done">"Impor selesai. Semua baris yang valid sudah tersimpan."</p>
                            <ReportView report/>
                            <a class="button" href=list>"Lihat data penduduk"</a>
                        }.into_any()
                    }
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportView(report: ImportReport) -> impl IntoView {
    let issues = |list: Vec<super::model::ImportIssue>, class: &'static str| {
        let more = list.len().saturating_sub(200);
        view! {
            <div class="table-scroll">
                <table class=class>
                    <thead><tr><th>"Baris"</th><th>"Kolom"</th><th>"Keterangan"</th></tr></thead>
                    <tbody>
                        {list.into_iter().take(200).map(|i| view! { <tr><td>{i.row}</td><td>{i.column}</td><td>{i.message}</td></tr> }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(more > 0).then(|| view! { <p class="muted">{format!("… dan {more} lagi.")}</p> })}
        }
    };
    let heading = if report.applied { "Hasil impor" } else { "Hasil pemeriksaan (belum disimpan)" };
    view! {
        <section class="card" id="import-report">
            <h2>{format!("{heading}: {}", report.file_name)}</h2>
            <ul class="stats">
                <li><strong>{report.rows}</strong><span>"Baris dibaca"</span></li>
                <li><strong>{report.new}</strong><span>"Baru"</span></li>
                <li><strong>{report.updated}</strong><span>"Diperbarui"</span></li>
                <li><strong>{report.unchanged}</strong><span>"Tidak berubah"</span></li>
                <li><strong>{report.rejected}</strong><span>"Ditolak"</span></li>
            </ul>
            <p class="muted">{format!("{} keluarga baru, {} wilayah (dusun/RW/RT) baru.", report.new_families, report.new_areas)}</p>
            {(!report.errors.is_empty()).then(|| view! { <h3>"Baris yang ditolak"</h3> {issues(report.errors, "issues rejected")} })}
            {(!report.warnings.is_empty()).then(|| view! { <h3>"Peringatan (tetap diimpor)"</h3> {issues(report.warnings, "issues")} })}
        </section>
    }
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn events_json(slug: String, year: Option<i32>) -> Result<String, AppError> {
    to_json(list_events(slug, year).await)
}

/// `/{slug}/admin/penduduk/buku` (`?tahun=YYYY`, the current year by default): Buku Induk and
/// Buku Mutasi Penduduk.
pub type BooksData = (Signal<String>, PageData);

pub fn books_data() -> BooksData {
    let slug = use_village_slug();
    let query = use_query_map();
    let key = Signal::derive(move || page_key(&[&slug.get(), &param(query, "tahun")]));
    let book = page_data(key, |k| Box::pin(events_json(key_part(&k, 0), key_part(&k, 1).trim().parse().ok())));
    (slug, book)
}

pub fn books_page((slug, book): BooksData) -> impl IntoView {
    let export = move |q: String| format!("/api/population/export/{}?{q}", slug.get_untracked());
    view! {
        <Title text="Buku induk dan mutasi penduduk"/>
        <h1>"Buku induk dan mutasi penduduk"</h1>
        <section class="card">
            <h2>"Buku Induk Penduduk"</h2>
            <p class="muted">"Semua penduduk yang pernah tercatat, menurut Permendagri 47/2016 (model A.4.1). Untuk melihat di layar, pakai daftar penduduk dengan status \"Semua\"."</p>
            <div class="row-actions">
                <a class="button" href=export("book=induk&format=xlsx".into()) download>"Unduh Excel"</a>
                <a class="button secondary" href=export("book=induk&format=csv".into()) download>"Unduh CSV"</a>
                <a class="button secondary" href=move || village_href(&slug.get(), "/admin/penduduk?status=semua")>"Lihat daftar"</a>
            </div>
            <h3>"Data penduduk format impor"</h3>
            <div class="row-actions">
                <a class="button secondary" href=export("format=xlsx".into()) download>"Ekspor Excel (format impor)"</a>
                <a class="button secondary" href=export("format=csv".into()) download>"Ekspor CSV"</a>
            </div>
        </section>
        <section class="card">
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match from_json::<super::model::MutationBook>(book.await) {
                        Ok(book) => {
                            let slug = slug.get_untracked();
                            let year = book.year;
                            view! {
                                <h2>{format!("Buku Mutasi Penduduk {year}")}</h2>
                                <form class="filters" method="get">
                                    <label>"Tahun" <input name="tahun" type="number" min="1900" max="2100" value=year.to_string()/></label>
                                    <button type="submit" class="button">"Tampilkan"</button>
                                    <a class="button secondary" href=export(format!("book=mutasi&format=xlsx&tahun={year}")) download>"Unduh Excel"</a>
                                </form>
                                {if book.events.is_empty() {
                                    view! { <p class="empty">"Tidak ada peristiwa pada tahun ini."</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-scroll">
                                            <table id="mutasi">
                                                <thead><tr><th>"Tanggal"</th><th>"Peristiwa"</th><th>"Nama"</th><th>"Keterangan"</th></tr></thead>
                                                <tbody>
                                                    {book.events.into_iter().map(|e| view! {
                                                        <tr>
                                                            <td>{e.date}</td><td>{e.kind_label}</td>
                                                            <td><a href=village_href(&slug, &format!("/admin/penduduk/{}", e.resident_id))>{e.resident}</a></td>
                                                            <td>{[e.place, e.document_number, e.reason].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                        Err(error) => signed_in_error(&slug.get_untracked(), error),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn corrections_json(slug: String, open_only: bool) -> Result<String, AppError> {
    to_json(list_corrections(slug, open_only).await)
}

/// `/{slug}/admin/penduduk/perbaikan` (`?semua=1` for the closed ones too).
pub type CorrectionsData = (Signal<String>, Query, PageData);

pub fn corrections_data() -> CorrectionsData {
    let slug = use_village_slug();
    let query = use_query_map();
    let key = Signal::derive(move || page_key(&[&slug.get(), &param(query, "semua")]));
    let list = page_data(key, |k| Box::pin(corrections_json(key_part(&k, 0), key_part(&k, 1) != "1")));
    (slug, query, list)
}

pub fn corrections_page((slug, query, list): CorrectionsData) -> impl IntoView {
    let close = ServerAction::<CloseCorrection>::new();
    Effect::new(move |before: Option<()>| {
        let _ = close.version().get();
        if before.is_some() {
            list.refetch();
        }
    });
    let all = move || param(query, "semua") == "1";
    view! {
        <Title text="Permintaan perbaikan data"/>
        <h1>"Permintaan perbaikan data"</h1>
        <p class="muted">"Warga meminta datanya diperbaiki dari halaman akun mereka. Periksa dokumennya, ubah data penduduk bila perlu, lalu tandai selesai atau tolak dengan alasan."</p>
        <a href=move || village_href(&slug.get(), if all() { "/admin/penduduk/perbaikan" } else { "/admin/penduduk/perbaikan?semua=1" })>
            {move || if all() { "Hanya yang belum selesai" } else { "Tampilkan semua" }}
        </a>
        {form_error(close.value())}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<Vec<CorrectionRow>>(list.await) {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"Tidak ada permintaan perbaikan."</p> }.into_any(),
                    Ok(list) => {
                        let slug = slug.get_untracked();
                        view! {
                            <ul class="correction-list">
                                {list.into_iter().map(|c| view! { <CorrectionItem c slug=slug.clone() close/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CorrectionItem(c: CorrectionRow, slug: String, close: ServerAction<CloseCorrection>) -> impl IntoView {
    let answer = NodeRef::<leptos::html::Input>::new();
    let id = c.id;
    let open = c.status == "baru";
    let person = village_href(&slug, &format!("/admin/penduduk/{}", c.resident_id));
    let decide = move |accept: bool| {
        let slug = slug.clone();
        move |_| {
            close.dispatch(CloseCorrection { slug: slug.clone(), id, accept, response: crate::ui::value_of(answer) });
        }
    };
    view! {
        <li class="card">
            <a href=person><strong>{c.resident}</strong></a>
            <span class="muted">{format!("{} · {}", c.created, c.status)}</span>
            <p>{c.message}</p>
            {(!c.response.is_empty()).then(|| view! { <p class="muted">{format!("Jawaban {}: {}", c.resolved_by, c.response)}</p> })}
            {open.then(|| view! {
                <label>"Jawaban untuk warga" <input type="text" maxlength="500" node_ref=answer/></label>
                <div class="row-actions">
                    <button class="button" on:click=decide(true)>"Selesai"</button>
                    <button class="button secondary" on:click=decide(false)>"Tolak"</button>
                </div>
            })}
        </li>
    }
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn stats_json(slug: String) -> Result<String, AppError> {
    to_json(get_registry_stats(slug).await)
}

/// `/{slug}/admin/penduduk/statistik`: exact counts for officials.
pub type StatsData = (Signal<String>, PageData);

pub fn stats_data() -> StatsData {
    let slug = use_village_slug();
    (slug, page_data(slug, |slug| Box::pin(stats_json(slug))))
}

pub fn stats_page((slug, stats): StatsData) -> impl IntoView {
    let table = |title: &'static str, rows: Vec<super::model::Breakdown>| {
        let total: u64 = rows.iter().map(|r| r.male + r.female).sum();
        view! {
            <section class="card">
                <h2>{title}</h2>
                <div class="table-scroll">
                    <table>
                        <thead><tr><th>{title}</th><th>"Laki-laki"</th><th>"Perempuan"</th><th>"Jumlah"</th><th>"%"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let n = r.male + r.female;
                                let pct = if total == 0 { 0.0 } else { n as f64 * 100.0 / total as f64 };
                                view! { <tr><td>{r.label}</td><td>{r.male}</td><td>{r.female}</td><td>{n}</td><td>{format!("{pct:.1}")}</td></tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        }
    };
    view! {
        <Title text="Statistik penduduk"/>
        <h1>"Statistik penduduk"</h1>
        <p class="muted">"Angka persis penduduk hidup, untuk perangkat desa. Halaman publik hanya menampilkan ringkasan, dengan angka di bawah 5 ditulis \"< 5\"."</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<super::model::RegistryStats>(stats.await) {
                    Ok(s) => view! {
                        <ul class="stats">
                            <li><strong>{super::model::format_count(s.residents)}</strong><span>"Penduduk hidup"</span></li>
                            <li><strong>{super::model::format_count(s.families)}</strong><span>"Keluarga"</span></li>
                        </ul>
                        {table("Kelompok umur", s.age_groups)}
                        {table("Dusun", s.per_dusun)}
                        {table("RW", s.per_rw)}
                        {table("Agama", s.religion)}
                        {table("Pendidikan", s.education)}
                        {table("Pekerjaan", s.occupation)}
                        {table("Status perkawinan", s.marital_status)}
                    }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

crate::ui::lazy_page!(pub Registry(RegistryData) = registry_data => registry_page);
crate::ui::lazy_page!(pub ResidentRoute(ResidentData) = resident_data => resident_page);
crate::ui::lazy_page!(pub RecordRoute(RecordFormData) = record_form_data => record_form_page);
crate::ui::lazy_page!(pub Import(ImportData) = import_data => import_page);
crate::ui::lazy_page!(pub Books(BooksData) = books_data => books_page);
crate::ui::lazy_page!(pub Corrections(CorrectionsData) = corrections_data => corrections_page);
crate::ui::lazy_page!(pub Stats(StatsData) = stats_data => stats_page);
