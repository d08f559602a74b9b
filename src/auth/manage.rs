//! Admin pages that manage access: the kades manages the village's officials; any official
//! issues and resets residents' PINs and prints the slip.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{
    CreateOfficial, IssuePin, ResetPassword, SetOfficialActive, SetOfficialRole, list_officials, pin_residents,
};
use super::model::{NewCredential, OfficialRow, PinSlip, PinStatus, Role};
use crate::error::AppError;
use crate::site::{use_village_slug, village_href};
use crate::ui::{
    Loading, PageAt, PageData, PageNav, form_error, from_json, key_part, page_data, page_key, signed_in_error, to_json,
    urlencode, value_of,
};

fn select_value(node: NodeRef<leptos::html::Select>) -> String {
    node.get_untracked().map(|el| el.value()).unwrap_or_default()
}

/// A password shown once, to be handed over.
#[component]
pub fn CredentialCard(c: NewCredential) -> impl IntoView {
    view! {
        <section class="card credential" role="status">
            <h2>"Kata sandi sementara"</h2>
            <p>{format!("Untuk {} (nama pengguna ", c.name)}<strong>{c.username}</strong>")"</p>
            <p class="secret">{c.password}</p>
            <p class="hint">"Catat dan serahkan langsung kepada yang bersangkutan. Kata sandi ini tidak akan ditampilkan lagi; minta ia menggantinya setelah masuk."</p>
        </section>
    }
}

/// The officials list, created when the route matches (see `app::lazy_page!`).
pub type OfficialsData = (Signal<String>, PageData);

#[cfg_attr(feature = "hydrate", lazy)]
async fn officials_json(slug: String) -> Result<String, AppError> {
    to_json(list_officials(slug).await)
}

pub fn officials_data() -> OfficialsData {
    let slug = use_village_slug();
    (slug, page_data(slug, |slug| Box::pin(officials_json(slug))))
}

/// `/{slug}/admin/perangkat`: the kades creates accounts, changes roles, deactivates and resets
/// passwords.
pub fn officials_page((slug, officials): OfficialsData) -> impl IntoView {
    let create = ServerAction::<CreateOfficial>::new();
    let set_role = ServerAction::<SetOfficialRole>::new();
    let set_active = ServerAction::<SetOfficialActive>::new();
    let reset = ServerAction::<ResetPassword>::new();
    // The list again after each change (in the browser only).
    Effect::new(move |before: Option<()>| {
        let _changes = (create.version().get(), set_role.version().get(), set_active.version().get());
        if before.is_some() {
            officials.refetch();
        }
    });
    let credential = move || {
        let created = create.value().get().and_then(Result::ok);
        let reset = reset.value().get().and_then(Result::ok);
        reset.or(created).map(|c| view! { <CredentialCard c/> })
    };
    let (username, name, role) = (NodeRef::new(), NodeRef::new(), NodeRef::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateOfficial {
            slug: slug.get(),
            username: value_of(username),
            name: value_of(name),
            role: select_value(role),
        });
    };
    view! {
        <Title text="Perangkat desa"/>
        <h1>"Perangkat desa"</h1>
        {credential}
        {form_error(set_role.value())}
        {form_error(set_active.value())}
        {form_error(reset.value())}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<Vec<OfficialRow>>(officials.await) {
                    Ok(list) => view! {
                        <ul class="official-list">
                            {list.into_iter().map(|o| view! { <OfficialItem o slug=slug.get_untracked() set_role set_active reset/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
        <section class="card">
            <h2>"Tambah akun"</h2>
            <form class="form" id="create-official" on:submit=submit>
                <label for="new-name">"Nama lengkap"</label>
                <input id="new-name" type="text" required maxlength="100" node_ref=name/>
                <label for="new-username">"Nama pengguna"</label>
                <input id="new-username" type="text" autocapitalize="none" required maxlength="64" placeholder="misalnya operator2.kramatwatu" node_ref=username/>
                <label for="new-role">"Peran"</label>
                <select id="new-role" node_ref=role>
                    <option value="operator">"Operator Desa"</option>
                    <option value="sekdes">"Sekretaris Desa"</option>
                    <option value="kades">"Kepala Desa"</option>
                </select>
                {form_error(create.value())}
                <button type="submit" class="button" disabled=move || create.pending().get()>"Buat akun"</button>
            </form>
        </section>
    }
}

#[component]
fn OfficialItem(
    o: OfficialRow,
    slug: String,
    set_role: ServerAction<SetOfficialRole>,
    set_active: ServerAction<SetOfficialActive>,
    reset: ServerAction<ResetPassword>,
) -> impl IntoView {
    let role = NodeRef::<leptos::html::Select>::new();
    let (id, active) = (o.id, o.active);
    let status = if o.active { "Aktif" } else { "Nonaktif" };
    let controls = (!o.me).then(|| {
        let (s1, s2, s3) = (slug.clone(), slug.clone(), slug.clone());
        view! {
            <div class="row-actions">
                <select aria-label="Peran" node_ref=role>
                    {Role::VILLAGE.iter().map(|r| view! { <option value=r.as_str() selected=*r == o.role>{r.label()}</option> }).collect_view()}
                </select>
                <button class="button secondary" on:click=move |_| {
                    set_role.dispatch(SetOfficialRole { slug: s1.clone(), id, role: select_value(role) });
                }>"Ubah peran"</button>
                <button class="button secondary" on:click=move |_| {
                    set_active.dispatch(SetOfficialActive { slug: s2.clone(), id, active: !active });
                }>{if active { "Nonaktifkan" } else { "Aktifkan" }}</button>
                <button class="button secondary" on:click=move |_| {
                    reset.dispatch(ResetPassword { slug: s3.clone(), id });
                }>"Atur ulang kata sandi"</button>
            </div>
        }
    });
    view! {
        <li class="card" class:inactive=!o.active>
            <strong>{o.name}</strong>
            <span class="muted">{format!("{} · {} · {status}", o.username, o.role.label())}</span>
            {o.me.then(|| view! { <span class="badge">"Akun Anda"</span> })}
            {controls}
        </li>
    }
}

/// `/{slug}/admin/pin`: find a resident, issue or reset their PIN, print the slip.
pub type PinData = (Signal<String>, Memo<leptos_router::params::ParamsMap>, PageData);

#[cfg_attr(feature = "hydrate", lazy)]
async fn pins_json(slug: String, query: String, at: PageAt) -> Result<String, AppError> {
    to_json(pin_residents(slug, query, at).await)
}

pub fn pin_data() -> PinData {
    let slug = use_village_slug();
    let query = leptos_router::hooks::use_query_map();
    let key = Signal::derive(move || {
        let q = query.read();
        page_key(&[&slug.get(), &q.get("q").unwrap_or_default(), &PageAt::from_query(&q).query()])
    });
    let residents =
        page_data(key, |k| Box::pin(pins_json(key_part(&k, 0), key_part(&k, 1), PageAt::parse(&key_part(&k, 2)))));
    (slug, query, residents)
}

/// After "Selesai" the page loads again, with the new PIN status.
pub fn pin_page((slug, query, residents): PinData) -> impl IntoView {
    let issue = ServerAction::<IssuePin>::new();
    let q = move || query.read().get("q").unwrap_or_default();
    view! {
        <Title text="PIN warga"/>
        {move || match issue.value().get() {
            Some(Ok(slip)) => view! { <Slip slip/> }.into_any(),
            _ => view! {
                <h1>"PIN warga"</h1>
                <p class="muted">"Cari warga, lalu berikan PIN. PIN hanya tampil sekali di slip untuk dicetak; warga wajib menggantinya saat pertama masuk."</p>
                <form class="search" method="get">
                    <label for="q">"Nama atau awal NIK"</label>
                    <input id="q" name="q" type="search" value=q/>
                    <button type="submit" class="button">"Cari"</button>
                </form>
                {form_error(issue.value())}
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match from_json::<super::model::PinCandidatePage>(residents.await) {
                            Ok(p) if p.items.is_empty() => view! { <p class="empty">"Tidak ada warga yang cocok."</p> }.into_any(),
                            Ok(p) => {
                                let slug = slug.get_untracked();
                                let base = village_href(&slug, "/admin/pin");
                                let q = q();
                                view! {
                                    <p class="muted">{format!("{} warga", p.total)}</p>
                                    <ul class="pin-list">
                                        {p.items.into_iter().map(|r| {
                                            let (id, slug) = (r.id, slug.clone());
                                            let label = if r.pin == PinStatus::None { "Berikan PIN" } else { "Atur ulang PIN" };
                                            view! {
                                                <li class="card">
                                                    <strong>{r.name}</strong>
                                                    <span class="muted">{format!("NIK {} · {}", r.nik_masked, r.birth)}</span>
                                                    <span class="muted">{r.pin.label()}</span>
                                                    <button class="button secondary" disabled=move || issue.pending().get() on:click=move |_| {
                                                        issue.dispatch(IssuePin { slug: slug.clone(), resident_id: id });
                                                    }>{label}</button>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                    <PageNav links=p.links href=move |at| format!("{base}?q={}&{at}", urlencode(&q))/>
                                }.into_any()
                            }
                            Err(error) => signed_in_error(&slug.get_untracked(), error),
                        }
                    })}
                </Suspense>
            }.into_any(),
        }}
    }
}

/// The printable PIN slip.
#[component]
fn Slip(slip: PinSlip) -> impl IntoView {
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <article class="slip" id="pin-slip">
            <h1>{format!("PIN Layanan Warga — {}", slip.village_title)}</h1>
            <dl>
                <dt>"Nama"</dt><dd>{slip.name}</dd>
                <dt>"NIK"</dt><dd>{slip.nik_masked}</dd>
                <dt>"PIN sementara"</dt><dd class="secret" id="slip-pin">{slip.pin}</dd>
                <dt>"Alamat masuk"</dt><dd>{slip.sign_in_path}</dd>
                <dt>"Diberikan"</dt><dd>{format!("{} oleh {}", slip.issued, slip.issued_by)}</dd>
            </dl>
            <ol>
                <li>"Buka alamat di atas, pilih Masuk, lalu isi NIK dan PIN sementara ini."</li>
                <li>"Anda akan diminta membuat PIN sendiri (6 angka, bukan tanggal lahir atau 123456)."</li>
                <li>"Jangan berikan PIN kepada siapa pun, termasuk perangkat desa."</li>
            </ol>
        </article>
        <div class="no-print row-actions">
            <button class="button" on:click=print>"Cetak slip"</button>
            <a class="button secondary" href="">"Selesai"</a>
        </div>
    }
}

crate::ui::lazy_page!(pub Officials(OfficialsData) = officials_data => officials_page);
crate::ui::lazy_page!(pub Pins(PinData) = pin_data => pin_page);
