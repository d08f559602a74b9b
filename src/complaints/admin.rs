//! The officials' complaint queue with counts and filters (status, category, dusun) and the
//! village's complaint settings. It is a page of the same split route as the residents' pages
//! (`pages::Page::Queue`); a report's own page is shared with the reporter.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{SaveComplaintSettings, complaint_settings, complaints_queue};
use super::model::{CATEGORIES, ComplaintQueue, Settings, Status};
use super::pages::ComplaintList;
use crate::error::AppError;
use crate::site::village_href;
use crate::ui::{Loading, PageAt, PageData, PageNav, form_error, from_json, signed_in_error, to_json, urlencode};

/// The queue's data: the page of reports and the village's settings.
pub async fn queue_json(
    slug: String,
    status: &str,
    category: String,
    dusun: &str,
    at: PageAt,
) -> Result<String, AppError> {
    let queue = complaints_queue(slug.clone(), Status::parse(status), category, dusun.parse().ok(), at).await;
    let settings = complaint_settings(slug).await;
    to_json(queue.and_then(|q| settings.map(|s| (q, s))))
}

/// `/{slug}/admin/pengaduan` (`?status=…&kategori=…&dusun=…&hal=…`).
pub fn queue_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    let query = use_query_map();
    let href = move |p: &str| village_href(&slug.get_untracked(), p);
    view! {
        <Title text="Pengaduan warga"/>
        <h1>"Pengaduan warga"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<(ComplaintQueue, Settings)>(data.await) {
                    Ok((q, settings)) => {
                        let q_read = query.read_untracked();
                        let (status, category, dusun) = (
                            q_read.get("status").unwrap_or_default(),
                            q_read.get("kategori").unwrap_or_default(),
                            q_read.get("dusun").unwrap_or_default(),
                        );
                        drop(q_read);
                        let base = href("/admin/pengaduan");
                        let filters = format!("kategori={}&dusun={}", urlencode(&category), urlencode(&dusun));
                        let link = {
                            let (base, status, filters) = (base.clone(), status.clone(), filters.clone());
                            move |at: String| format!("{base}?status={status}&{filters}&{at}")
                        };
                        let all: u64 = q.counts.iter().map(|(_, n)| n).sum();
                        view! {
                            <nav class="chips" aria-label="Status">
                                <a rel="external" href=format!("{base}?{filters}") aria-current=status.is_empty().then_some("page")>{format!("Semua ({all})")}</a>
                                {q.counts.iter().map(|(s, n)| view! {
                                    <a rel="external" href=format!("{base}?status={}&{filters}", s.as_str()) aria-current=(status == s.as_str()).then_some("page")>{format!("{} ({n})", s.label())}</a>
                                }).collect_view()}
                            </nav>
                            <form class="filters" method="get" action=base.clone()>
                                <input type="hidden" name="status" value=status.clone()/>
                                <label>"Kategori"
                                    <select id="f-category" name="kategori">
                                        <option value="">"Semua kategori"</option>
                                        {CATEGORIES.iter().map(|c| view! { <option value=*c selected=category == *c>{*c}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label>"Dusun"
                                    <select id="f-dusun" name="dusun">
                                        <option value="">"Semua dusun"</option>
                                        {q.dusun.iter().map(|(id, n)| view! { <option value=id.to_string() selected=dusun == id.to_string()>{n.clone()}</option> }).collect_view()}
                                    </select>
                                </label>
                                <button type="submit" class="button secondary">"Saring"</button>
                            </form>
                            {if q.rows.is_empty() {
                                view! { <p class="empty">"Tidak ada laporan di sini."</p> }.into_any()
                            } else {
                                view! { <ComplaintList rows=q.rows href_of=move |id| href(&format!("/admin/pengaduan/{id}"))/> }.into_any()
                            }}
                            <PageNav links=q.links href=link/>
                            <SettingsForm settings slug=slug.get_untracked()/>
                        }.into_any()
                    }
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

/// Whether visitors may report and whether resolved reports are public (kades or sekdes save).
#[component]
fn SettingsForm(settings: Settings, slug: String) -> impl IntoView {
    let save = ServerAction::<SaveComplaintSettings>::new();
    let visitors = RwSignal::new(settings.visitors);
    let public_list = RwSignal::new(settings.public_list);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let settings = Settings { visitors: visitors.get_untracked(), public_list: public_list.get_untracked() };
        save.dispatch(SaveComplaintSettings { slug: slug.clone(), settings });
    };
    view! {
        <details class="card" id="complaint-settings">
            <summary>"Pengaturan pengaduan"</summary>
            <form class="form" on:submit=submit>
                <label class="check">
                    <input type="checkbox" name="visitors" prop:checked=visitors on:change=move |_| visitors.update(|v| *v = !*v)/>
                    "Pengunjung tanpa akun boleh melapor (dengan nama dan nomor HP)"
                </label>
                <label class="check">
                    <input type="checkbox" name="public_list" prop:checked=public_list on:change=move |_| public_list.update(|v| *v = !*v)/>
                    "Tampilkan laporan yang sudah selesai di halaman publik (tanpa nama pelapor)"
                </label>
                {form_error(save.value())}
                {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="hint" role="status">"Pengaturan disimpan."</p> })}
                <button type="submit" class="button secondary" disabled=move || save.pending().get()>"Simpan pengaturan"</button>
            </form>
            <p class="hint">"Hanya kepala desa dan sekretaris desa yang dapat mengubah pengaturan ini."</p>
        </details>
    }
}
