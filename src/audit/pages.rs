//! The audit log page for the kades and sekdes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::list_audit;
use super::model::ACTIONS;
use crate::site::{use_village_slug, village_href};
use crate::ui::{
    Loading, PageAt, PageData, PageNav, from_json, key_part, page_data, page_key, signed_in_error, to_json, urlencode,
};

/// `/{slug}/admin/audit`: the village's audit log, newest first, filtered by a GET form (the
/// filter is in the address, so it works without the WASM and can be shared).
pub type AuditLogData = (Signal<String>, Memo<leptos_router::params::ParamsMap>, PageData);

#[cfg_attr(feature = "hydrate", lazy)]
async fn audit_json(
    slug: String,
    action: String,
    who: String,
    from: String,
    to: String,
    at: PageAt,
) -> Result<String, crate::error::AppError> {
    to_json(list_audit(slug, action, who, from, to, at).await)
}

/// The log, loaded when the route matches (see `app::lazy_page!`).
pub fn audit_log_data() -> AuditLogData {
    let slug = use_village_slug();
    let query = use_query_map();
    let key = Signal::derive(move || {
        let q = query.read();
        let param = |name: &str| q.get(name).unwrap_or_default();
        let at = PageAt::from_query(&q);
        page_key(&[&slug.get(), &param("aksi"), &param("pelaku"), &param("dari"), &param("sampai"), &at.query()])
    });
    let log = page_data(key, |k| {
        let p = |i| key_part(&k, i);
        let at = PageAt::parse(&p(5));
        Box::pin(audit_json(p(0), p(1), p(2), p(3), p(4), at))
    });
    (slug, query, log)
}

pub fn audit_log_page((slug, query, log): AuditLogData) -> impl IntoView {
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    view! {
        <Title text="Log audit"/>
        <h1>"Log audit"</h1>
        <form class="filters" method="get">
            <label>"Tindakan"
                <select name="aksi">
                    <option value="">"Semua"</option>
                    {ACTIONS.iter().map(|(value, label)| view! {
                        <option value=*value selected=move || param("aksi") == *value>{*label}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Pelaku" <input name="pelaku" type="search" value=move || param("pelaku")/></label>
            <label>"Dari" <input name="dari" type="date" value=move || param("dari")/></label>
            <label>"Sampai" <input name="sampai" type="date" value=move || param("sampai")/></label>
            <button type="submit" class="button">"Terapkan"</button>
        </form>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<super::model::AuditPage>(log.await) {
                    Ok(p) if p.items.is_empty() => view! { <p class="empty">"Tidak ada catatan yang cocok."</p> }.into_any(),
                    Ok(p) => {
                        let base = village_href(&slug.get_untracked(), "/admin/audit");
                        let keep = format!(
                            "aksi={}&pelaku={}&dari={}&sampai={}",
                            urlencode(&param("aksi")),
                            urlencode(&param("pelaku")),
                            urlencode(&param("dari")),
                            urlencode(&param("sampai"))
                        );
                        view! {
                            <p class="muted">{format!("{} catatan", p.total)}</p>
                            <ul class="audit-list">
                                {p.items.into_iter().map(|r| view! {
                                    <li>
                                        <span class="muted">{r.time}</span>
                                        <strong>{r.action}</strong>
                                        <span>{r.actor}</span>
                                        {r.subject.map(|s| view! { <span>{format!("Terhadap: {s}")}</span> })}
                                        {r.detail.map(|d| view! { <span class="muted">{d}</span> })}
                                        {r.ip.map(|ip| view! { <span class="muted">{format!("Alamat {ip}")}</span> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                            <PageNav links=p.links href=move |at| format!("{base}?{keep}&{at}")/>
                        }.into_any()
                    }
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
}

crate::ui::lazy_page!(pub AuditLog(AuditLogData) = audit_log_data => audit_log_page);
