//! The deployment's management pages for its superadmin: the villages, adding one from the
//! official code list, and creating a village's first accounts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::api::{CreateOfficial, CreateVillage, managed_villages, search_regions};
use super::manage::CredentialCard;
use super::pages::SignOutButton;
use crate::error::AppError;
use crate::ui::{ErrorView, Loading, PageData, form_error, from_json, to_json, value_of};

fn superadmin_error(error: AppError) -> AnyView {
    match error {
        AppError::Unauthenticated => view! { <Redirect path="/kelola/masuk"/> }.into_any(),
        error => view! { <ErrorView error/> }.into_any(),
    }
}

/// What `/kelola` loads and does.
pub struct ManageData {
    villages: PageData,
    region_query: RwSignal<String>,
    regions: PageData,
}

/// The villages and the code-list search, created when the route matches (see `app::lazy_page!`).
#[cfg_attr(feature = "hydrate", lazy)]
async fn villages_json() -> Result<String, AppError> {
    to_json(managed_villages().await)
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn regions_json(query: String) -> Result<String, AppError> {
    if query.trim().len() < 3 { Ok("[]".into()) } else { to_json(search_regions(query).await) }
}

pub fn manage_data() -> ManageData {
    let villages = crate::ui::page_data(Signal::stored(String::new()), |_| Box::pin(villages_json()));
    let region_query = RwSignal::new(String::new());
    let regions = crate::ui::page_data(region_query.into(), |q| Box::pin(regions_json(q)));
    ManageData { villages, region_query, regions }
}

/// `/kelola`: villages of the deployment, adding one, and creating its first official.
pub fn manage_page(data: ManageData) -> impl IntoView {
    let ManageData { villages, region_query, regions } = data;
    let add = ServerAction::<CreateVillage>::new();
    let create = ServerAction::<CreateOfficial>::new();
    // The list again after each change (in the browser only).
    Effect::new(move |before: Option<()>| {
        let _changes = (add.version().get(), create.version().get());
        if before.is_some() {
            villages.refetch();
        }
    });
    let search = NodeRef::<leptos::html::Input>::new();
    let (slug, username, name) = (NodeRef::new(), NodeRef::new(), NodeRef::new());
    let submit_official = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateOfficial {
            slug: value_of(slug),
            username: value_of(username),
            name: value_of(name),
            role: "kades".into(),
        });
    };
    view! {
        <Title text="Kelola desa"/>
        <h1>"Kelola desa"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<Vec<crate::village::model::ManagedVillage>>(villages.await) {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"Belum ada desa. Tambahkan dari daftar kode wilayah di bawah."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="village-admin-list">
                            {list.into_iter().map(|v| view! {
                                <li class="card">
                                    <a href=format!("/{}", v.slug)><strong>{v.title}</strong></a>
                                    <span class="muted">{format!("{} · Kec. {} · /{}", v.code, v.kecamatan, v.slug)}</span>
                                    <span class="muted">{if v.officials == 0 { "Belum ada akun perangkat".to_string() } else { format!("{} akun perangkat", v.officials) }}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => superadmin_error(error),
                }
            })}
        </Suspense>
        <section class="card">
            <h2>"Tambah desa"</h2>
            <form class="search" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                region_query.set(value_of(search));
            }>
                <label for="region">"Nama desa atau kode wilayah"</label>
                <input id="region" type="search" minlength="3" placeholder="misalnya Margasana atau 36.04.05" node_ref=search/>
                <button type="submit" class="button">"Cari"</button>
            </form>
            {form_error(add.value())}
            {move || add.value().get().and_then(Result::ok).map(|slug| view! {
                <p role="status">"Desa ditambahkan: " <a href=format!("/{slug}")>{format!("/{slug}")}</a> ". Buat akun kepala desanya di bawah."</p>
            })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match from_json::<Vec<crate::village::model::RegionHit>>(regions.await) {
                        Ok(hits) if hits.is_empty() && region_query.get_untracked().trim().len() >= 3 => {
                            view! { <p class="empty">"Tidak ada desa/kelurahan yang cocok."</p> }.into_any()
                        }
                        Ok(hits) => view! {
                            <ul class="region-list">
                                {hits.into_iter().map(|h| {
                                    let code = h.code.clone();
                                    view! {
                                        <li>
                                            <strong>{h.title}</strong>
                                            <span class="muted">{format!("{} · {}", h.code, h.place)}</span>
                                            {match h.existing {
                                                Some(slug) => view! { <span class="badge">{format!("Sudah ada: /{slug}")}</span> }.into_any(),
                                                None => view! {
                                                    <button class="button secondary" on:click=move |_| { add.dispatch(CreateVillage { code: code.clone() }); }>"Tambahkan"</button>
                                                }.into_any(),
                                            }}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => superadmin_error(error),
                    }
                })}
            </Suspense>
        </section>
        <section class="card">
            <h2>"Akun kepala desa"</h2>
            <p class="muted">"Buat akun pertama sebuah desa; kepala desa lalu membuat akun perangkat lainnya sendiri."</p>
            <form class="form" id="first-official" on:submit=submit_official>
                <label for="fo-slug">"Alamat desa (slug)"</label>
                <input id="fo-slug" type="text" required autocapitalize="none" placeholder="misalnya margasana" node_ref=slug/>
                <label for="fo-name">"Nama lengkap"</label>
                <input id="fo-name" type="text" required maxlength="100" node_ref=name/>
                <label for="fo-username">"Nama pengguna"</label>
                <input id="fo-username" type="text" required autocapitalize="none" maxlength="64" node_ref=username/>
                {form_error(create.value())}
                <button type="submit" class="button" disabled=move || create.pending().get()>"Buat akun"</button>
            </form>
            {move || create.value().get().and_then(Result::ok).map(|c| view! { <CredentialCard c/> })}
        </section>
        <SignOutButton slug=String::new()/>
    }
}

crate::ui::lazy_page!(pub Manage(ManageData) = manage_data => manage_page);
