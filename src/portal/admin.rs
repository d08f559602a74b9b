//! The officials' portal pages (one split route, see `app::lazy_page!`): the profile with its
//! people and the home page's photo (`/admin/profil`), announcements and the agenda
//! (`/admin/pengumuman`), the budget of a year (`/admin/apbdes?tahun=`) and the gallery
//! (`/admin/galeri`). Photos go up by
//! plain multipart forms, like every upload.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    DeleteAlbum, DeleteAnnouncement, DeleteEvent, DeletePerson, DeletePhoto, MovePerson, all_notices, gallery_edit,
    get_budget_edit, get_profile_edit, save_album, save_announcement, save_budget, save_event, save_person,
    save_profile,
};
use super::budget::{Budget, BudgetInput, FIRST_YEAR, LINES, LineInput, Part, Sums};
use super::content::{
    AlbumPage, Announcement, AnnouncementInput, Event, EventInput, Person, PersonInput, Profile, ProfileEdit,
    album_problems,
};
use super::model::Problem;
use crate::error::AppError;
use crate::market::money::rupiah;
use crate::site::village_href;
use crate::ui::{
    KeyPart, Loading, PageData, field_problem, form_error, form_values, from_json, key_part, route_data,
    signed_in_error, to_json, today_wib,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Profile,
    Notices,
    Budget,
    Gallery,
}

impl Page {
    pub fn of(path: &str) -> Page {
        let path = path.trim_end_matches('/');
        if path.ends_with("/admin/pengumuman") {
            Page::Notices
        } else if path.ends_with("/admin/apbdes") {
            Page::Budget
        } else if path.ends_with("/admin/galeri") {
            Page::Gallery
        } else {
            Page::Profile
        }
    }
}

pub type PortalAdminData = (Memo<Page>, Signal<String>, PageData);

pub fn portal_admin_data() -> PortalAdminData {
    let path = crate::ui::use_path();
    let page = Memo::new(move |_| Page::of(&path.get()));
    let (slug, data) = route_data(&[KeyPart::Path, KeyPart::Query("tahun")], |k| Box::pin(admin_json(k)));
    (page, slug, data)
}

/// This year in the village (WIB), in the browser or on the server.
fn this_year() -> i32 {
    use chrono::Datelike;
    today_wib().year()
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn admin_json(key: String) -> Result<String, AppError> {
    let (slug, path) = (key_part(&key, 0), key_part(&key, 1));
    match Page::of(&path) {
        Page::Profile => to_json(get_profile_edit(slug).await),
        Page::Notices => to_json(all_notices(slug).await),
        Page::Gallery => to_json(gallery_edit(slug).await),
        Page::Budget => {
            let year = key_part(&key, 2).parse().unwrap_or_else(|_| this_year());
            to_json(get_budget_edit(slug, year).await)
        }
    }
}

pub fn portal_admin_page((page, slug, data): PortalAdminData) -> AnyView {
    (move || {
        let title = match page.get() {
            Page::Profile => "Profil desa",
            Page::Notices => "Pengumuman dan agenda",
            Page::Budget => "APBDes",
            Page::Gallery => "Galeri",
        };
        view! {
            <Title text=format!("{title} (petugas)")/>
            <nav class="crumbs"><a href=move || village_href(&slug.get(), "/admin")>"‹ Dasbor"</a></nav>
            <h1>{title}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    let slug = slug.get_untracked();
                    let data = data.await;
                    let shown = match page.get_untracked() {
                        Page::Profile => from_json::<ProfileEdit>(data).map(|e| view! { <ProfileEditor slug=slug.clone() edit=e/> }.into_any()),
                        Page::Notices => from_json::<(Vec<Announcement>, Vec<Event>)>(data).map(|(a, e)| view! { <NoticesEditor slug=slug.clone() announcements=a events=e/> }.into_any()),
                        Page::Budget => from_json::<(Budget, i32)>(data).map(|(b, last)| view! { <BudgetEditor slug=slug.clone() budget=b last/> }.into_any()),
                        Page::Gallery => from_json::<Vec<AlbumPage>>(data).map(|albums| view! { <GalleryEditor slug=slug.clone() albums/> }.into_any()),
                    };
                    shown.unwrap_or_else(|error| signed_in_error(&slug, error))
                })}
            </Suspense>
        }
    })
    .into_any()
}

/// Reloads the page's data after a change (the lists are the server's).
fn reload() {
    let _ = window().location().reload();
}

// ---- Profile -------------------------------------------------------------------------------

#[component]
fn ProfileEditor(slug: String, edit: ProfileEdit) -> impl IntoView {
    let problems = RwSignal::new(Vec::<Problem>::new());
    let saved = RwSignal::new(false);
    let save = Action::new(|(slug, p): &(String, Profile)| {
        let (slug, p) = (slug.clone(), p.clone());
        async move { save_profile(slug, p).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            problems.set(Vec::new());
            saved.set(true);
        }
        Some(Err(AppError::Refused(p))) => problems.set(p),
        _ => {}
    });
    let target = slug.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_values(&ev) else { return };
        let text = |k: &str| data.get(k).as_string().unwrap_or_default();
        let p = Profile {
            history: text("history"),
            vision: text("vision"),
            mission: text("mission"),
            address: text("address"),
            hours: text("hours"),
            phone: text("phone"),
            email: text("email"),
            hero_key: None,
        };
        saved.set(false);
        let found = p.problems();
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        save.dispatch((target.clone(), p));
    };
    let problem = move |field: &'static str| field_problem(problems, field);
    let p = edit.profile;
    let upload_error = use_query_map().read_untracked().get("galat");
    view! {
        <p class="muted">"Isi profil tampil di halaman Profil dan Beranda desa. "<a href=village_href(&slug, "/profil")>"Lihat profil ›"</a></p>
        <form class="form" id="profile-form" on:submit=submit novalidate>
            <label for="p-history">"Sejarah desa"</label>
            <textarea id="p-history" name="history" rows="6">{p.history.clone()}</textarea>
            <p class="hint">"Pisahkan paragraf dengan baris kosong."</p>
            {problem("history")}
            <label for="p-vision">"Visi"</label>
            <textarea id="p-vision" name="vision" rows="2">{p.vision.clone()}</textarea>
            {problem("vision")}
            <label for="p-mission">"Misi"</label>
            <textarea id="p-mission" name="mission" rows="5">{p.mission.clone()}</textarea>
            <p class="hint">"Satu butir misi per baris."</p>
            {problem("mission")}
            <label for="p-address">"Alamat kantor desa"</label>
            <input id="p-address" name="address" type="text" maxlength="200" value=p.address.clone()/>
            {problem("address")}
            <label for="p-hours">"Jam pelayanan"</label>
            <textarea id="p-hours" name="hours" rows="3" placeholder="Senin–Kamis 08.00–15.00\nJumat 08.00–11.00">{p.hours.clone()}</textarea>
            {problem("hours")}
            <label for="p-phone">"Telepon kantor"</label>
            <input id="p-phone" name="phone" type="tel" inputmode="tel" maxlength="20" value=p.phone.clone()/>
            {problem("phone")}
            <label for="p-email">"Email"</label>
            <input id="p-email" name="email" type="email" maxlength="100" value=p.email.clone()/>
            {problem("email")}
            {form_error(save.value())}
            {move || saved.get().then(|| view! { <p class="notice" role="status">"Profil tersimpan."</p> })}
            <button type="submit" class="button" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Menyimpan…" } else { "Simpan profil" }}
            </button>
        </form>
        <section class="card" id="foto-beranda">
            <h2>"Foto beranda"</h2>
            <p class="muted">{if edit.has_hero { "Foto sudah dipasang di Beranda." } else { "Belum ada foto. Foto kantor atau pemandangan desa membuat Beranda lebih menarik." }}</p>
            {upload_error.clone().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <form class="upload" method="post" action=format!("/api/portal/{slug}/beranda") enctype="multipart/form-data">
                <input type="file" name="foto" accept="image/jpeg,image/png,image/webp" required aria-label="Foto beranda"/>
                <button type="submit" class="button secondary">{if edit.has_hero { "Ganti foto" } else { "Unggah foto" }}</button>
            </form>
            <p class="hint">"Foto diperkecil otomatis (lebar 800 piksel) dan data lokasinya dihapus."</p>
        </section>
        <People slug=slug.clone() people=edit.people/>
    }
}

#[component]
fn People(slug: String, people: Vec<Person>) -> impl IntoView {
    let problems = RwSignal::new(Vec::<Problem>::new());
    let editing = RwSignal::new(None::<i64>);
    let save = Action::new(|(slug, id, input): &(String, Option<i64>, PersonInput)| {
        let (slug, id, input) = (slug.clone(), *id, input.clone());
        async move { save_person(slug, id, input).await }
    });
    let moved = ServerAction::<MovePerson>::new();
    let removed = ServerAction::<DeletePerson>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => reload(),
        Some(Err(AppError::Refused(p))) => problems.set(p),
        _ => {}
    });
    Effect::new(move |_| {
        if matches!(moved.value().get(), Some(Ok(()))) || matches!(removed.value().get(), Some(Ok(()))) {
            reload();
        }
    });
    let target = slug.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_values(&ev) else { return };
        let text = |k: &str| data.get(k).as_string().unwrap_or_default();
        let input = PersonInput { name: text("name"), title: text("title") };
        let found = input.problems();
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        save.dispatch((target.clone(), editing.get_untracked(), input));
    };
    let count = people.len();
    let upload_error = use_query_map().read_untracked().get("galat");
    let names: Vec<(i64, String, String)> = people.iter().map(|p| (p.id, p.name.clone(), p.title.clone())).collect();
    view! {
        <section id="perangkat">
            <h2>"Perangkat desa"</h2>
            {upload_error.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {if people.is_empty() {
                view! { <p class="empty">"Belum ada perangkat desa di profil. Tambahkan kepala desa lebih dulu."</p> }.into_any()
            } else {
                view! {
                    <ul class="card-list people-admin">
                        {people.into_iter().enumerate().map(|(i, p)| {
                            let s = slug.clone();
                            let (s1, s2, s3) = (s.clone(), s.clone(), s.clone());
                            let id = p.id;
                            view! {
                                <li id=format!("orang-{id}")>
                                    {p.photo.clone().map(|src| view! { <img src=src alt="" width="48" height="48"/> })}
                                    <strong>{p.name.clone()}</strong>
                                    <span class="muted">{format!(" · {}", p.title)}</span>
                                    <span class="row-actions">
                                        <button type="button" class="link" disabled=i == 0 on:click=move |_| { moved.dispatch(MovePerson { slug: s1.clone(), id, up: true }); }>"Naik"</button>
                                        <button type="button" class="link" disabled=i + 1 == count on:click=move |_| { moved.dispatch(MovePerson { slug: s2.clone(), id, up: false }); }>"Turun"</button>
                                        <button type="button" class="link" on:click=move |_| editing.set(Some(id))>"Ubah"</button>
                                        <button type="button" class="link" on:click=move |_| {
                                            if window().confirm_with_message("Hapus orang ini dari profil?").unwrap_or(false) {
                                                removed.dispatch(DeletePerson { slug: s3.clone(), id });
                                            }
                                        }>"Hapus"</button>
                                    </span>
                                    <form class="upload" method="post" action=format!("/api/portal/{s}/perangkat/{id}") enctype="multipart/form-data">
                                        <input type="file" name="foto" accept="image/jpeg,image/png,image/webp" required aria-label=format!("Foto {}", p.name)/>
                                        <button type="submit" class="button secondary">{if p.photo.is_some() { "Ganti foto" } else { "Unggah foto" }}</button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {form_error(moved.value())}
            {form_error(removed.value())}
            {move || {
                let current = editing.get().and_then(|id| names.iter().find(|(i, _, _)| *i == id).cloned());
                let (name, title) = current.as_ref().map_or((String::new(), String::new()), |(_, n, t)| (n.clone(), t.clone()));
                view! {
                    <form class="form card" id="person-form" on:submit=submit.clone() novalidate>
                        <h3>{if current.is_some() { "Ubah perangkat" } else { "Tambah perangkat" }}</h3>
                        <label for="o-name">"Nama"</label>
                        <input id="o-name" name="name" type="text" maxlength="100" value=name/>
                        {field_problem(problems, "name")}
                        <label for="o-title">"Jabatan"</label>
                        <input id="o-title" name="title" type="text" maxlength="100" placeholder="Kepala Desa" value=title/>
                        {field_problem(problems, "title")}
                        {form_error(save.value())}
                        <button type="submit" class="button">{if current.is_some() { "Simpan" } else { "Tambah" }}</button>
                        {current.is_some().then(|| view! { " " <button type="button" class="link" on:click=move |_| editing.set(None)>"Batal"</button> })}
                    </form>
                }
            }}
        </section>
    }
}

// ---- Announcements and agenda --------------------------------------------------------------

#[component]
fn NoticesEditor(slug: String, announcements: Vec<Announcement>, events: Vec<Event>) -> impl IntoView {
    let a_problems = RwSignal::new(Vec::<Problem>::new());
    let e_problems = RwSignal::new(Vec::<Problem>::new());
    let a_editing = RwSignal::new(None::<Announcement>);
    let e_editing = RwSignal::new(None::<Event>);
    let save_a = Action::new(|(slug, id, input): &(String, Option<i64>, AnnouncementInput)| {
        let (slug, id, input) = (slug.clone(), *id, input.clone());
        async move { save_announcement(slug, id, input).await }
    });
    let save_e = Action::new(|(slug, id, input): &(String, Option<i64>, EventInput)| {
        let (slug, id, input) = (slug.clone(), *id, input.clone());
        async move { save_event(slug, id, input).await }
    });
    let del_a = ServerAction::<DeleteAnnouncement>::new();
    let del_e = ServerAction::<DeleteEvent>::new();
    Effect::new(move |_| match save_a.value().get() {
        Some(Ok(_)) => reload(),
        Some(Err(AppError::Refused(p))) => a_problems.set(p),
        _ => {}
    });
    Effect::new(move |_| match save_e.value().get() {
        Some(Ok(_)) => reload(),
        Some(Err(AppError::Refused(p))) => e_problems.set(p),
        _ => {}
    });
    Effect::new(move |_| {
        if matches!(del_a.value().get(), Some(Ok(()))) || matches!(del_e.value().get(), Some(Ok(()))) {
            reload();
        }
    });
    let today = today_wib();
    let (sa, se) = (slug.clone(), slug.clone());
    let submit_a = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_values(&ev) else { return };
        let text = |k: &str| data.get(k).as_string().unwrap_or_default();
        let input = AnnouncementInput { title: text("title"), body: text("body"), ends_on: text("ends_on") };
        let found = input.problems(today);
        if !found.is_empty() {
            a_problems.set(found);
            return;
        }
        save_a.dispatch((sa.clone(), a_editing.get_untracked().map(|a| a.id), input));
    };
    let submit_e = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_values(&ev) else { return };
        let text = |k: &str| data.get(k).as_string().unwrap_or_default();
        let input = EventInput {
            title: text("title"),
            day: text("day"),
            time: text("time"),
            place: text("place"),
            note: text("note"),
        };
        let found = input.problems();
        if !found.is_empty() {
            e_problems.set(found);
            return;
        }
        save_e.dispatch((se.clone(), e_editing.get_untracked().map(|e| e.id), input));
    };
    let (s1, s2) = (slug.clone(), slug.clone());
    view! {
        <p class="muted">
            <a href=village_href(&slug, "/pengumuman")>"Lihat pengumuman ›"</a>" · "<a href=village_href(&slug, "/agenda")>"Lihat agenda ›"</a>
        </p>
        <section id="pengumuman">
            <h2>"Pengumuman"</h2>
            {if announcements.is_empty() {
                view! { <p class="empty">"Belum ada pengumuman."</p> }.into_any()
            } else {
                view! {
                    <ul class="card-list" id="announcement-list">
                        {announcements.into_iter().map(|a| {
                            let (s, edit, id) = (s1.clone(), a.clone(), a.id);
                            view! {
                                <li>
                                    <strong>{a.title.clone()}</strong>" "
                                    <span class=if a.current { "badge ok" } else { "badge" }>{if a.current { "Berlaku" } else { "Berakhir" }}</span>
                                    <p class="muted">{a.until.clone()}</p>
                                    <span class="row-actions">
                                        <button type="button" class="link" on:click=move |_| a_editing.set(Some(edit.clone()))>"Ubah"</button>
                                        <button type="button" class="link" on:click=move |_| {
                                            if window().confirm_with_message("Hapus pengumuman ini?").unwrap_or(false) {
                                                del_a.dispatch(DeleteAnnouncement { slug: s.clone(), id });
                                            }
                                        }>"Hapus"</button>
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {form_error(del_a.value())}
            {move || {
                let current = a_editing.get();
                let c = current.clone();
                view! {
                    <form class="form card" id="announcement-form" on:submit=submit_a.clone() novalidate>
                        <h3>{if c.is_some() { "Ubah pengumuman" } else { "Pengumuman baru" }}</h3>
                        <label for="n-title">"Judul"</label>
                        <input id="n-title" name="title" type="text" maxlength="150" value=c.as_ref().map(|a| a.title.clone())/>
                        {field_problem(a_problems, "title")}
                        <label for="n-body">"Isi"</label>
                        <textarea id="n-body" name="body" rows="4">{c.as_ref().map(|a| a.body.clone()).unwrap_or_default()}</textarea>
                        {field_problem(a_problems, "body")}
                        <label for="n-ends">"Berlaku sampai"</label>
                        <input id="n-ends" name="ends_on" type="date" value=c.as_ref().map(|a| a.ends_on.clone())/>
                        {field_problem(a_problems, "ends_on")}
                        {form_error(save_a.value())}
                        <button type="submit" class="button" disabled=move || save_a.pending().get()>"Simpan pengumuman"</button>
                        {current.is_some().then(|| view! { " " <button type="button" class="link" on:click=move |_| a_editing.set(None)>"Batal"</button> })}
                    </form>
                }
            }}
        </section>
        <section id="agenda">
            <h2>"Agenda kegiatan"</h2>
            {if events.is_empty() {
                view! { <p class="empty">"Belum ada kegiatan."</p> }.into_any()
            } else {
                view! {
                    <ul class="card-list" id="event-list">
                        {events.into_iter().map(|e| {
                            let (s, edit, id) = (s2.clone(), e.clone(), e.id);
                            view! {
                                <li>
                                    <strong>{e.title.clone()}</strong>
                                    {e.past.then(|| view! { " " <span class="badge">"Sudah lewat"</span> })}
                                    <p class="muted">{format!("{}{} · {}", e.when, if e.time.is_empty() { String::new() } else { format!(" {} WIB", e.time) }, e.place)}</p>
                                    <span class="row-actions">
                                        <button type="button" class="link" on:click=move |_| e_editing.set(Some(edit.clone()))>"Ubah"</button>
                                        <button type="button" class="link" on:click=move |_| {
                                            if window().confirm_with_message("Hapus kegiatan ini?").unwrap_or(false) {
                                                del_e.dispatch(DeleteEvent { slug: s.clone(), id });
                                            }
                                        }>"Hapus"</button>
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {form_error(del_e.value())}
            {move || {
                let current = e_editing.get();
                let c = current.clone();
                view! {
                    <form class="form card" id="event-form" on:submit=submit_e.clone() novalidate>
                        <h3>{if c.is_some() { "Ubah kegiatan" } else { "Kegiatan baru" }}</h3>
                        <label for="e-title">"Nama kegiatan"</label>
                        <input id="e-title" name="title" type="text" maxlength="150" value=c.as_ref().map(|e| e.title.clone())/>
                        {field_problem(e_problems, "title")}
                        <label for="e-day">"Tanggal"</label>
                        <input id="e-day" name="day" type="date" value=c.as_ref().map(|e| e.day.clone())/>
                        {field_problem(e_problems, "day")}
                        <label for="e-time">"Jam (WIB, boleh kosong)"</label>
                        <input id="e-time" name="time" type="time" value=c.as_ref().map(|e| e.time.replace('.', ":"))/>
                        {field_problem(e_problems, "time")}
                        <label for="e-place">"Tempat"</label>
                        <input id="e-place" name="place" type="text" maxlength="150" value=c.as_ref().map(|e| e.place.clone())/>
                        {field_problem(e_problems, "place")}
                        <label for="e-note">"Keterangan"</label>
                        <textarea id="e-note" name="note" rows="3">{c.as_ref().map(|e| e.note.clone()).unwrap_or_default()}</textarea>
                        {field_problem(e_problems, "note")}
                        {form_error(save_e.value())}
                        <button type="submit" class="button" disabled=move || save_e.pending().get()>"Simpan kegiatan"</button>
                        {current.is_some().then(|| view! { " " <button type="button" class="link" on:click=move |_| e_editing.set(None)>"Batal"</button> })}
                    </form>
                }
            }}
        </section>
    }
}

// ---- APBDes --------------------------------------------------------------------------------

/// The form's amount for a stored value: empty for zero, `1.250.000` otherwise.
fn typed(value: i64) -> String {
    if value == 0 { String::new() } else { rupiah(value).trim_start_matches("Rp ").to_string() }
}

#[component]
fn BudgetEditor(slug: String, budget: Budget, last: i32) -> impl IntoView {
    let problems = RwSignal::new(Vec::<Problem>::new());
    let saved = RwSignal::new(false);
    let year = budget.year;
    let save = Action::new(|(slug, input): &(String, BudgetInput)| {
        let (slug, input) = (slug.clone(), input.clone());
        async move { save_budget(slug, input).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            problems.set(Vec::new());
            saved.set(true);
        }
        Some(Err(AppError::Refused(p))) => problems.set(p),
        _ => {}
    });
    let target = slug.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_values(&ev) else { return };
        let text = |k: String| data.get(&k).as_string().unwrap_or_default();
        let input = BudgetInput {
            year,
            lines: LINES
                .iter()
                .map(|(code, _, _)| LineInput {
                    code: (*code).to_string(),
                    planned: text(format!("{code}.rencana")),
                    realised: text(format!("{code}.realisasi")),
                })
                .collect(),
        };
        saved.set(false);
        match input.read(last) {
            Err(found) => problems.set(found),
            Ok(_) => {
                problems.set(Vec::new());
                save.dispatch((target.clone(), input));
            }
        }
    };
    let base = village_href(&slug, "/admin/apbdes");
    let years: Vec<i32> = (FIRST_YEAR..=last).rev().collect();
    let sums = |s: &Sums, part: Part| typed(s.of(part));
    let (planned, realised) = (budget.planned, budget.realised);
    view! {
        <form class="search" method="get" action=base.clone()>
            <label for="b-year">"Tahun anggaran"</label>
            <select id="b-year" name="tahun">
                {years.into_iter().map(|y| view! { <option value=y.to_string() selected={y == year}>{y.to_string()}</option> }).collect_view()}
            </select>
            <button type="submit" class="button secondary">"Buka"</button>
        </form>
        <p class="muted">"Isi dalam rupiah bulat, misalnya 1.250.000.000. Kolom kosong dihitung nol. "<a href=format!("{}?tahun={year}", village_href(&slug, "/apbdes"))>"Lihat halaman publik ›"</a></p>
        <form class="form budget-form" id="budget-form" on:submit=submit novalidate>
            {Part::ALL.into_iter().map(|part| view! {
                <fieldset>
                    <legend>{part.title()}</legend>
                    {budget.rows.iter().filter(|r| r.part == part).map(|r| {
                        let (p, q) = (format!("{}.rencana", r.code), format!("{}.realisasi", r.code));
                        view! {
                            <div class="budget-line">
                                <span class="budget-label">{r.label.clone()}</span>
                                <label>"Anggaran"<input name=p.clone() type="text" inputmode="numeric" value=typed(r.planned) aria-label=format!("{} anggaran", r.label)/></label>
                                <label>"Realisasi"<input name=q.clone() type="text" inputmode="numeric" value=typed(r.realised) aria-label=format!("{} realisasi", r.label)/></label>
                                {field_problem(problems, p)}
                                {field_problem(problems, q)}
                            </div>
                        }
                    }).collect_view()}
                    <p class="muted">{format!("Jumlah tersimpan: anggaran Rp {}, realisasi Rp {}", or_zero(sums(&planned, part)), or_zero(sums(&realised, part)))}</p>
                </fieldset>
            }).collect_view()}
            {field_problem(problems, "year")}
            {field_problem(problems, "lines")}
            {form_error(save.value())}
            {move || saved.get().then(|| view! { <p class="notice" role="status">{format!("APBDes {year} tersimpan.")}</p> })}
            <button type="submit" class="button" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Menyimpan…" } else { "Simpan APBDes" }}
            </button>
        </form>
    }
}

fn or_zero(text: String) -> String {
    if text.is_empty() { "0".into() } else { text }
}

// ---- Gallery -------------------------------------------------------------------------------

#[component]
fn GalleryEditor(slug: String, albums: Vec<AlbumPage>) -> impl IntoView {
    let problems = RwSignal::new(Vec::<Problem>::new());
    let save = Action::new(|(slug, title): &(String, String)| {
        let (slug, title) = (slug.clone(), title.clone());
        async move { save_album(slug, None, title).await }
    });
    let del_album = ServerAction::<DeleteAlbum>::new();
    let del_photo = ServerAction::<DeletePhoto>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => reload(),
        Some(Err(AppError::Refused(p))) => problems.set(p),
        _ => {}
    });
    Effect::new(move |_| {
        if matches!(del_album.value().get(), Some(Ok(()))) || matches!(del_photo.value().get(), Some(Ok(()))) {
            reload();
        }
    });
    let target = slug.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_values(&ev) else { return };
        let title = data.get("title").as_string().unwrap_or_default();
        let found = album_problems(&title);
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        save.dispatch((target.clone(), title));
    };
    let upload_error = use_query_map().read_untracked().get("galat");
    view! {
        <p class="muted"><a href=village_href(&slug, "/galeri")>"Lihat galeri ›"</a></p>
        {upload_error.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        <form class="form card" id="album-form" on:submit=submit novalidate>
            <label for="g-title">"Album baru"</label>
            <input id="g-title" name="title" type="text" maxlength="150" placeholder="Peringatan HUT RI ke-81"/>
            {field_problem(problems, "title")}
            {form_error(save.value())}
            <button type="submit" class="button">"Buat album"</button>
        </form>
        {form_error(del_album.value())}
        {form_error(del_photo.value())}
        {if albums.is_empty() {
            view! { <p class="empty">"Belum ada album. Buat album, lalu unggah fotonya."</p> }.into_any()
        } else {
            albums.into_iter().map(|a| {
                let (s1, s2) = (slug.clone(), slug.clone());
                let id = a.id;
                view! {
                    <section class="card" id=format!("album-{id}")>
                        <h2>{a.title.clone()}</h2>
                        <p class="muted">{format!("{} foto · {}", a.photos.len(), a.date)}</p>
                        <ul class="photo-grid">
                            {a.photos.into_iter().map(|p| {
                                let s = s1.clone();
                                let pid = p.id;
                                view! {
                                    <li>
                                        <img src=p.thumb alt=p.caption.clone() width="240" height="240" loading="lazy"/>
                                        <button type="button" class="link" on:click=move |_| {
                                            if window().confirm_with_message("Hapus foto ini?").unwrap_or(false) {
                                                del_photo.dispatch(DeletePhoto { slug: s.clone(), id: pid });
                                            }
                                        }>"Hapus foto"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <form class="upload" method="post" action=format!("/api/portal/{s2}/galeri/{id}") enctype="multipart/form-data">
                            <input type="file" name="foto" accept="image/jpeg,image/png,image/webp" required aria-label=format!("Foto untuk album {}", a.title)/>
                            <input type="text" name="keterangan" maxlength="200" placeholder="Keterangan (boleh kosong)" aria-label="Keterangan foto"/>
                            <button type="submit" class="button secondary">"Unggah foto"</button>
                        </form>
                        <p class="row-actions">
                            <button type="button" class="link" on:click=move |_| {
                                if window().confirm_with_message("Hapus album ini beserta semua fotonya?").unwrap_or(false) {
                                    del_album.dispatch(DeleteAlbum { slug: s2.clone(), id });
                                }
                            }>"Hapus album"</button>
                        </p>
                    </section>
                }
            }).collect_view().into_any()
        }}
    }
}

crate::ui::lazy_page!(pub PortalAdmin(PortalAdminData) = portal_admin_data => portal_admin_page);
