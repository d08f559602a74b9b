//! Sign-in (Masuk) and the admin dashboard.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::api::{SignIn, SignOut, get_admin_overview, list_sessions};
use super::model::AdminOverview;
use crate::error::AppError;
use crate::population::model::format_count;
use crate::site::{use_village_slug, village_href};
use crate::ui::{ErrorView, Loading};

/// `/{slug}/masuk`: officials sign in with username and password.
///
/// A plain form that posts to the server function, so it works before the WASM has loaded; once
/// hydrated, the submit is sent by the page and errors show inline. (Not `ActionForm`: its
/// form-decoding code costs the bundle ~30 KB.)
#[component]
pub fn SignInPage() -> impl IntoView {
    let slug = use_village_slug();
    let action = ServerAction::<SignIn>::new();
    let pending = action.pending();
    let error = move || action.value().get().and_then(Result::err).map(|e| e.to_string());
    let username = NodeRef::<leptos::html::Input>::new();
    let password = NodeRef::<leptos::html::Input>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = |node: NodeRef<leptos::html::Input>| node.get().map(|el| el.value()).unwrap_or_default();
        action.dispatch(SignIn { slug: slug.get(), username: value(username), password: value(password) });
    };
    view! {
        <Title text="Masuk"/>
        <h1>"Masuk"</h1>
        <section class="card">
            <h2>"Perangkat desa"</h2>
            <form class="form" id="sign-in-official" method="post" action="/api/auth/sign-in" on:submit=submit>
                <input type="hidden" name="slug" prop:value=move || slug.get()/>
                <label for="username">"Nama pengguna"</label>
                <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" required maxlength="64" node_ref=username/>
                <label for="password">"Kata sandi"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200" node_ref=password/>
                {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Memproses…" } else { "Masuk" }}
                </button>
            </form>
        </section>
        <section class="card">
            <h2>"Warga"</h2>
            <p>"Masuk untuk warga dengan NIK dan PIN sedang disiapkan. PIN akan diberikan oleh perangkat desa."</p>
        </section>
    }
}

/// `/{slug}/admin`: the dashboard of a signed-in official of this village.
#[component]
pub fn AdminPage() -> impl IntoView {
    let slug = use_village_slug();
    let overview = Resource::new(move || slug.get(), get_admin_overview);
    view! {
        <Title text="Admin Desa"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <Dashboard o slug=slug.get_untracked()/> }.into_any(),
                    Err(AppError::Unauthenticated) => {
                        let to = village_href(&slug.get_untracked(), "/masuk");
                        view! { <Redirect path=to/> }.into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Dashboard(o: AdminOverview, slug: String) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <h1>{format!("Admin {}", o.village_title)}</h1>
        <p class="muted">{format!("Masuk sebagai {} · {}", o.official_name, o.role.label())}</p>
        <ul class="stats">
            <li><strong>{format_count(o.residents)}</strong><span>"Penduduk hidup"</span></li>
            <li><strong>{format_count(o.families)}</strong><span>"Keluarga"</span></li>
            <li><strong>{o.dusun}</strong><span>"Dusun"</span></li>
        </ul>
        <section>
            <h2>"Pekerjaan"</h2>
            <ul class="tiles">
                <li><a href=village_href(&slug, "/statistik")><strong>"Statistik"</strong><span>"Penduduk menurut umur dan dusun"</span></a></li>
                <li><span class="tile-soon"><strong>"Data penduduk"</strong><span>"Segera hadir"</span></span></li>
                <li><span class="tile-soon"><strong>"Layanan surat"</strong><span>"Segera hadir"</span></span></li>
                <li><span class="tile-soon"><strong>"Perangkat desa"</strong><span>"Segera hadir"</span></span></li>
                <li><a href=village_href(&slug, "/admin/sesi")><strong>"Sesi masuk"</strong><span>"Perangkat tempat Anda masuk"</span></a></li>
            </ul>
        </section>
        <form class="sign-out" method="post" action="/api/auth/sign-out" on:submit={
            let slug = slug.clone();
            move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                sign_out.dispatch(SignOut { slug: slug.clone() });
            }
        }>
            <input type="hidden" name="slug" value=slug.clone()/>
            <button type="submit" class="button secondary">"Keluar"</button>
        </form>
    }
}

/// `/{slug}/admin/sesi`: where the official is signed in, with a button to end each other session.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let slug = use_village_slug();
    let sessions = Resource::new(move || slug.get(), list_sessions);
    view! {
        <Title text="Sesi masuk"/>
        <h1>"Sesi masuk"</h1>
        <p class="muted">"Akhiri sesi di perangkat yang tidak Anda kenal atau yang tertinggal dalam keadaan masuk."</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(list) => view! {
                        <ul class="session-list">
                            {list.into_iter().map(|s| {
                                view! {
                                    <li class="card">
                                        <strong>{s.device}</strong>
                                        <span class="muted">{format!("Mulai {} · terakhir aktif {}", s.started, s.last_seen)}</span>
                                        <span class="muted">{s.ip.map(|ip| format!("Alamat {ip}")).unwrap_or_default()}</span>
                                        {if s.current {
                                            view! { <span class="badge">"Sesi ini"</span> }.into_any()
                                        } else {
                                            // A plain form: the server ends the session and sends the page again.
                                            view! {
                                                <form method="post" action="/api/auth/end-session">
                                                    <input type="hidden" name="slug" value=slug.get_untracked()/>
                                                    <input type="hidden" name="id" value=s.id/>
                                                    <button type="submit" class="button secondary">"Akhiri sesi"</button>
                                                </form>
                                            }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(AppError::Unauthenticated) => {
                        view! { <Redirect path=village_href(&slug.get_untracked(), "/masuk")/> }.into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
