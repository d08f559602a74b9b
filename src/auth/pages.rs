//! Sign-in (Masuk), the admin dashboard, sessions, and the officials' own password.
//!
//! Forms are plain HTML forms that post to their server function, so they work before the WASM
//! has loaded; once hydrated, the submit is sent by the page and errors show inline. (Not
//! `ActionForm`: its form-decoding code costs the bundle ~30 KB.)

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{ChangePassword, ResidentSignIn, SignIn, SignOut, get_admin_overview, list_sessions};
use super::model::{AdminOverview, Role};
use crate::population::model::format_count;
use crate::site::{use_village_slug, village_href};
use crate::ui::{Loading, PageData, from_json, posted_form_error, signed_in_error, to_json, value_of};

/// `/{slug}/masuk`: officials with username and password, residents with NIK and PIN.
#[component]
pub fn SignInPage() -> impl IntoView {
    let slug = use_village_slug();
    view! {
        <Title text="Masuk"/>
        <h1>"Masuk"</h1>
        <ResidentSignInForm slug/>
        <OfficialSignInForm slug/>
    }
}

/// `/kelola/masuk`: the deployment's superadmin and regional officers sign in.
#[component]
pub fn SuperadminSignInPage() -> impl IntoView {
    view! {
        <Title text="Masuk pengelola"/>
        <h1>"Masuk pengelola"</h1>
        <p class="muted">"Untuk pengelola aplikasi dan pemantau wilayah (kecamatan, kabupaten). Perangkat desa masuk di halaman desanya."</p>
        <OfficialSignInForm slug=Signal::stored(String::new())/>
    }
}

#[component]
fn OfficialSignInForm(slug: Signal<String>) -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let pending = action.pending();
    let (username, password) = (NodeRef::new(), NodeRef::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(SignIn { slug: slug.get(), username: value_of(username), password: value_of(password) });
    };
    view! {
        <section class="card">
            <h2>"Perangkat desa"</h2>
            <form class="form" id="sign-in-official" method="post" action="/api/auth/sign-in" on:submit=submit>
                <input type="hidden" name="slug" value=move || slug.get()/>
                <label for="username">"Nama pengguna"</label>
                <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" required maxlength="64" node_ref=username/>
                <label for="password">"Kata sandi"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200" node_ref=password/>
                {posted_form_error(action.value(), "/api/auth/sign-in")}
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Memproses…" } else { "Masuk" }}
                </button>
            </form>
        </section>
    }
}

#[component]
fn ResidentSignInForm(slug: Signal<String>) -> impl IntoView {
    let action = ServerAction::<ResidentSignIn>::new();
    let pending = action.pending();
    let (nik, pin) = (NodeRef::new(), NodeRef::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(ResidentSignIn { slug: slug.get(), nik: value_of(nik), pin: value_of(pin) });
    };
    view! {
        <section class="card">
            <h2>"Warga"</h2>
            <p class="muted">"Masuk dengan NIK dan PIN 6 angka. PIN diberikan oleh kantor desa."</p>
            <form class="form" id="sign-in-resident" method="post" action="/api/auth/resident-sign-in" on:submit=submit>
                <input type="hidden" name="slug" value=move || slug.get()/>
                <label for="nik">"NIK"</label>
                <input id="nik" name="nik" type="text" inputmode="numeric" autocomplete="username" required maxlength="24" placeholder="16 angka sesuai KTP/KK" node_ref=nik/>
                <label for="pin">"PIN"</label>
                <input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="current-password" required minlength="6" maxlength="6" pattern="[0-9]{6}" node_ref=pin/>
                {posted_form_error(action.value(), "/api/auth/resident-sign-in")}
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Memproses…" } else { "Masuk sebagai warga" }}
                </button>
            </form>
        </section>
    }
}

/// A "Keluar" button that ends the session.
#[component]
pub fn SignOutButton(slug: String) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let submit = {
        let slug = slug.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            sign_out.dispatch(SignOut { slug: slug.clone() });
        }
    };
    view! {
        <form class="sign-out" method="post" action="/api/auth/sign-out" on:submit=submit>
            <input type="hidden" name="slug" value=slug/>
            <button type="submit" class="button secondary">"Keluar"</button>
        </form>
    }
}

/// What the dashboard loads, created when the route matches (see `app::lazy_page!`).
pub type AdminData = (Signal<String>, PageData);

#[cfg_attr(feature = "hydrate", lazy)]
async fn admin_json(slug: String) -> Result<String, crate::error::AppError> {
    to_json(get_admin_overview(slug).await)
}

pub fn admin_data() -> AdminData {
    let slug = use_village_slug();
    (slug, crate::ui::page_data(slug, |slug| Box::pin(admin_json(slug))))
}

/// `/{slug}/admin`: the dashboard of a signed-in official of this village.
pub fn admin_page((slug, overview): AdminData) -> impl IntoView {
    view! {
        <Title text="Admin Desa"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<AdminOverview>(overview.await) {
                    Ok(o) => view! { <Dashboard o slug=slug.get_untracked()/> }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Dashboard(o: AdminOverview, slug: String) -> impl IntoView {
    let tile = |path: &str, title: &'static str, text: &'static str| {
        view! { <li><a href=village_href(&slug, path)><strong>{title}</strong><span>{text}</span></a></li> }
    };
    let kades = o.role == Role::Kades;
    let reads_audit = matches!(o.role, Role::Kades | Role::Sekdes);
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
                {tile("/admin/pin", "PIN warga", "Berikan atau atur ulang PIN masuk warga")}
                {kades.then(|| tile("/admin/perangkat", "Perangkat desa", "Akun, peran dan kata sandi"))}
                {reads_audit.then(|| tile("/admin/audit", "Log audit", "Siapa melakukan apa, dan kapan"))}
                {tile("/statistik", "Statistik", "Penduduk menurut umur dan dusun")}
                {tile("/admin/penduduk", "Data penduduk", "Cari, tambah, ubah, peristiwa, impor dan ekspor")}
                {tile("/admin/surat", "Layanan surat", "Periksa, teruskan, tanda tangani dan buat surat")}
                {tile("/admin/pengaduan", "Pengaduan warga", "Balas laporan dan tandai selesai")}
                {tile("/admin/peta", "Peta desa", "Tandai tempat, jalan dan area; impor dan ekspor GeoJSON")}
                {tile("/admin/pasar", "Pasar UMKM", "Setujui lapak warga, sembunyikan produk, lihat potensi usaha")}
                {tile("/admin/berita", "Berita desa", "Tulis, jadwalkan dan terbitkan berita")}
                {tile("/admin/pengumuman", "Pengumuman dan agenda", "Pengumuman dengan batas waktu, jadwal kegiatan")}
                {tile("/admin/profil", "Profil desa", "Sejarah, visi-misi, perangkat, kontak, foto beranda")}
                {tile("/admin/apbdes", "APBDes", "Anggaran dan realisasi per tahun")}
                {tile("/admin/galeri", "Galeri", "Album foto kegiatan desa")}
                {tile("/admin/kata-sandi", "Kata sandi", "Ganti kata sandi Anda")}
                {tile("/admin/sesi", "Sesi masuk", "Perangkat tempat Anda masuk")}
            </ul>
        </section>
        <SignOutButton slug/>
    }
}

pub type SessionsData = (Signal<String>, PageData);

#[cfg_attr(feature = "hydrate", lazy)]
async fn sessions_json(slug: String) -> Result<String, crate::error::AppError> {
    to_json(list_sessions(slug).await)
}

pub fn sessions_data() -> SessionsData {
    let slug = use_village_slug();
    (slug, crate::ui::page_data(slug, |slug| Box::pin(sessions_json(slug))))
}

/// `/{slug}/admin/sesi` and `/{slug}/akun/sesi`: where the user is signed in, with a button to
/// end each other session.
pub fn sessions_page((slug, sessions): SessionsData) -> impl IntoView {
    view! {
        <Title text="Sesi masuk"/>
        <h1>"Sesi masuk"</h1>
        <p class="muted">"Akhiri sesi di perangkat yang tidak Anda kenal atau yang tertinggal dalam keadaan masuk."</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<Vec<super::model::SessionInfo>>(sessions.await) {
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
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

/// `/{slug}/admin/kata-sandi`: an official changes their own password.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let slug = use_village_slug();
    let action = ServerAction::<ChangePassword>::new();
    let pending = action.pending();
    let done = move || matches!(action.value().get(), Some(Ok(())));
    let (current, new, repeat) = (NodeRef::new(), NodeRef::new(), NodeRef::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(ChangePassword {
            slug: slug.get(),
            current: value_of(current),
            new: value_of(new),
            repeat: value_of(repeat),
        });
    };
    view! {
        <Title text="Ganti kata sandi"/>
        <h1>"Ganti kata sandi"</h1>
        <section class="card">
            <Show when=done fallback=move || view! {
                <form class="form" method="post" action="/api/auth/change-password" on:submit=submit>
                    <input type="hidden" name="slug" value=move || slug.get()/>
                    <label for="current">"Kata sandi saat ini"</label>
                    <input id="current" name="current" type="password" autocomplete="current-password" required node_ref=current/>
                    <label for="new">"Kata sandi baru"</label>
                    <input id="new" name="new" type="password" autocomplete="new-password" required minlength="12" node_ref=new/>
                    <p class="hint">"Minimal 12 karakter. Gabungan beberapa kata yang tidak umum mudah diingat dan sulit ditebak."</p>
                    <label for="repeat">"Ulangi kata sandi baru"</label>
                    <input id="repeat" name="repeat" type="password" autocomplete="new-password" required node_ref=repeat/>
                    {posted_form_error(action.value(), "/api/auth/change-password")}
                    <button type="submit" class="button" disabled=move || pending.get()>"Simpan"</button>
                </form>
            }>
                <p role="status">"Kata sandi sudah diganti. Sesi Anda di perangkat lain telah diakhiri."</p>
                <a class="button" href=move || village_href(&slug.get(), "/admin")>"Kembali ke admin"</a>
            </Show>
        </section>
    }
}

crate::ui::lazy_page!(pub Admin(AdminData) = admin_data => admin_page);
crate::ui::lazy_page!(pub Sessions(SessionsData) = sessions_data => sessions_page);
crate::ui::lazy_page!(pub ChangePasswordRoute => ChangePasswordPage);
crate::ui::lazy_page!(pub SignInRoute => SignInPage);
crate::ui::lazy_page!(pub SuperadminSignIn => SuperadminSignInPage);
