//! A resident's own pages: their data and family, changing the PIN, who accessed their data.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{my_access, my_profile};
use super::model::OwnProfile;
use crate::auth::api::ChangePin;
use crate::auth::pages::SignOutButton;
use crate::population::api::AskCorrection;
use crate::population::model::CorrectionRow;
use crate::site::{use_village_slug, village_href};
use crate::ui::{
    Loading, PageAt, PageData, PageNav, form_error, from_json, posted_form_error, signed_in_error, to_json, value_of,
};

/// `/{slug}/akun`: the signed-in resident's data as the registry holds it, and their family.
pub type MyAccountData = (Signal<String>, PageData);

#[cfg_attr(feature = "hydrate", lazy)]
async fn profile_json(slug: String) -> Result<String, crate::error::AppError> {
    to_json(my_profile(slug).await)
}

/// The profile, loaded when the route matches (see `app::lazy_page!`).
pub fn my_account_data() -> MyAccountData {
    let slug = use_village_slug();
    (slug, crate::ui::page_data(slug, |slug| Box::pin(profile_json(slug))))
}

pub fn my_account_page((slug, profile): MyAccountData) -> impl IntoView {
    view! {
        <Title text="Akun saya"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<OwnProfile>(profile.await) {
                    Ok(p) => view! { <Profile p slug=slug.get_untracked() profile/> }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Profile(p: OwnProfile, slug: String, profile: PageData) -> impl IntoView {
    let row = |label: &'static str, value: String| view! { <dt>{label}</dt><dd>{value}</dd> };
    let family = if p.family.is_empty() {
        view! { <p class="empty">"Tidak ada anggota keluarga lain yang tercatat."</p> }.into_any()
    } else {
        view! {
            <ul class="family-list">
                {p.family.into_iter().map(|m| view! {
                    <li><strong>{m.name}</strong><span class="muted">{format!("{} · {} · {} tahun", m.relationship, m.sex, m.age)}</span></li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <h1>{p.name.clone()}</h1>
        <p class="muted">{format!("Warga {}", p.village_title)}</p>
        <section class="card">
            <h2>"Data saya"</h2>
            <dl class="facts" id="my-data">
                {row("NIK", p.nik)}
                {row("No. KK", p.kk.unwrap_or_else(|| "-".into()))}
                {row("Jenis kelamin", p.sex)}
                {row("Tempat, tanggal lahir", p.birth)}
                {row("Agama", p.religion)}
                {row("Pendidikan", p.education)}
                {row("Pekerjaan", p.occupation)}
                {row("Status perkawinan", p.marital_status)}
                {row("Hubungan dalam keluarga", p.relationship)}
                {row("Alamat", [p.address, p.area].into_iter().flatten().collect::<Vec<_>>().join(", "))}
            </dl>
        </section>
        <CorrectionRequest slug=slug.clone() mine=p.corrections profile/>
        <section class="card">
            <h2>"Keluarga"</h2>
            {family}
        </section>
        <ul class="tiles">
            <li><a href=village_href(&slug, "/akun/ganti-pin")><strong>"Ganti PIN"</strong><span>"Buat PIN baru"</span></a></li>
            <li><a href=village_href(&slug, "/akun/akses")><strong>"Akses data saya"</strong><span>"Siapa yang mengakses data Anda"</span></a></li>
            <li><a href=village_href(&slug, "/akun/sesi")><strong>"Sesi masuk"</strong><span>"Perangkat tempat Anda masuk"</span></a></li>
        </ul>
        <SignOutButton slug/>
    }
}

/// `/{slug}/akun/ganti-pin`: the resident chooses their own PIN (required after sign-in with an
/// issued one).
#[component]
pub fn ChangePinPage() -> impl IntoView {
    let slug = use_village_slug();
    let action = ServerAction::<ChangePin>::new();
    let pending = action.pending();
    let (current, new, repeat) = (NodeRef::new(), NodeRef::new(), NodeRef::new());
    let local_error = RwSignal::new(None::<&'static str>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, r) = (value_of(new), value_of(repeat));
        // The same rules as the server, at once; the server checks again (and the birth date).
        let problem =
            crate::auth::pin::weakness(&n, None).or((n != r).then_some("PIN baru dan ulangannya tidak sama."));
        local_error.set(problem);
        if problem.is_none() {
            action.dispatch(ChangePin { slug: slug.get(), current: value_of(current), new: n, repeat: r });
        }
    };
    let pin_input = |id: &'static str, node: NodeRef<leptos::html::Input>, autocomplete: &'static str| {
        view! {
            <input id=id name=id type="password" inputmode="numeric" required minlength="6" maxlength="6" pattern="[0-9]{6}" autocomplete=autocomplete node_ref=node/>
        }
    };
    view! {
        <Title text="Ganti PIN"/>
        <h1>"Ganti PIN"</h1>
        <section class="card">
            <p>"Buat PIN Anda sendiri: 6 angka yang mudah Anda ingat tetapi sulit ditebak orang lain. Jangan gunakan tanggal lahir, angka sama semua, atau urutan seperti 123456."</p>
            <form class="form" id="change-pin" method="post" action="/api/auth/change-pin" on:submit=submit>
                <input type="hidden" name="slug" value=move || slug.get()/>
                <label for="current">"PIN saat ini (dari slip atau PIN lama)"</label>
                {pin_input("current", current, "current-password")}
                <label for="new">"PIN baru"</label>
                {pin_input("new", new, "new-password")}
                <label for="repeat">"Ulangi PIN baru"</label>
                {pin_input("repeat", repeat, "new-password")}
                {move || local_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                {posted_form_error(action.value(), "/api/auth/change-pin")}
                <button type="submit" class="button" disabled=move || pending.get()>"Simpan PIN"</button>
            </form>
        </section>
    }
}

/// `/{slug}/akun/akses`: who accessed the resident's data, and when.
pub type MyAccessData = (Signal<String>, PageData);

#[cfg_attr(feature = "hydrate", lazy)]
async fn access_json(slug: String, at: crate::ui::PageAt) -> Result<String, crate::error::AppError> {
    to_json(my_access(slug, at).await)
}

pub fn my_access_data() -> MyAccessData {
    let slug = use_village_slug();
    let query = leptos_router::hooks::use_query_map();
    let key = Signal::derive(move || crate::ui::page_key(&[&slug.get(), &PageAt::from_query(&query.read()).query()]));
    let load = |k: String| -> crate::ui::PageFuture {
        let at = PageAt::parse(&crate::ui::key_part(&k, 1));
        Box::pin(access_json(crate::ui::key_part(&k, 0), at))
    };
    (slug, crate::ui::page_data(key, load))
}

pub fn my_access_page((slug, entries): MyAccessData) -> impl IntoView {
    view! {
        <Title text="Akses data saya"/>
        <h1>"Akses data saya"</h1>
        <p class="muted">"Setiap kali perangkat desa memberi PIN, mengubah atau melihat data Anda, dan setiap percobaan masuk ke akun Anda, tercatat di sini."</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<crate::audit::model::AccessPage>(entries.await) {
                    Ok(p) if p.items.is_empty() => view! { <p class="empty">"Belum ada catatan."</p> }.into_any(),
                    Ok(p) => {
                        let base = village_href(&slug.get_untracked(), "/akun/akses");
                        view! {
                            <ul class="access-list">
                                {p.items.into_iter().map(|e| view! {
                                    <li><span class="muted">{e.time}</span><strong>{e.who}</strong><span>{e.what}</span></li>
                                }).collect_view()}
                            </ul>
                            <PageNav links=p.links href=move |at| format!("{base}?{at}")/>
                        }.into_any()
                    }
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

/// Asking the officials to correct the record, and the answers so far.
#[component]
fn CorrectionRequest(slug: String, mine: Vec<CorrectionRow>, profile: PageData) -> impl IntoView {
    let ask = ServerAction::<AskCorrection>::new();
    let message = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |before: Option<()>| {
        let _ = ask.version().get();
        if before.is_some() && matches!(ask.value().get_untracked(), Some(Ok(()))) {
            profile.refetch();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = message.get_untracked().map(|el| el.value()).unwrap_or_default();
        ask.dispatch(AskCorrection { slug: slug.clone(), message: text });
    };
    let status = |s: &str| match s {
        "baru" => "Menunggu",
        "selesai" => "Selesai",
        _ => "Ditolak",
    };
    view! {
        <section class="card" id="correction">
            <h2>"Ada data yang keliru?"</h2>
            <p class="hint">"Tulis data mana yang salah dan seharusnya bagaimana. Perangkat desa akan memeriksa dan mungkin meminta Anda membawa KK atau KTP."</p>
            <form class="form" on:submit=submit>
                <label for="correction-text">"Permintaan perbaikan"</label>
                <textarea id="correction-text" rows="3" maxlength="1000" required node_ref=message></textarea>
                {form_error(ask.value())}
                <button type="submit" class="button" disabled=move || ask.pending().get()>"Kirim permintaan"</button>
            </form>
            {(!mine.is_empty()).then(|| view! {
                <ul class="correction-list">
                    {mine.into_iter().map(|c| view! {
                        <li>
                            <strong>{format!("{} · {}", c.created, status(&c.status))}</strong>
                            <span>{c.message}</span>
                            {(!c.response.is_empty()).then(|| view! { <span class="muted">{format!("Jawaban: {}", c.response)}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

crate::ui::lazy_page!(pub MyAccount(MyAccountData) = my_account_data => my_account_page);
crate::ui::lazy_page!(pub ChangePinRoute => ChangePinPage);
crate::ui::lazy_page!(pub MyAccess(MyAccessData) = my_access_data => my_access_page);
