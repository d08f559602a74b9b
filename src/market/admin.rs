//! The officials' market page (`/{slug}/admin/pasar`, a page of the market's split route): the
//! counts per category and dusun, the shops with the waiting ones first and the moderation
//! buttons, and opening a shop for a resident.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{list_shops, moderate_shop};
use super::model::{MIN_REASON, MarketAdmin, Moderation, ShopInput, ShopRow, ShopStatus};
use super::pages::{ShopForm, status_badge};
use crate::error::AppError;
use crate::site::village_href;
use crate::ui::{Loading, PageAt, PageData, PageNav, from_json, posted_form_error, signed_in_error, to_json};

/// The page's data.
pub async fn admin_json(slug: String, status: &str, at: PageAt) -> Result<String, AppError> {
    to_json(list_shops(slug, ShopStatus::parse(status), at).await)
}

/// `/{slug}/admin/pasar` (`?status=…&hal=…`).
pub fn admin_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    let query = use_query_map();
    view! {
        <Title text="Pasar UMKM (petugas)"/>
        <h1>"Pasar UMKM"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let slug = slug.get_untracked();
                let status = query.read_untracked().get("status").unwrap_or_default();
                let opened = query.read_untracked().get("baru").is_some();
                match from_json::<MarketAdmin>(data.await) {
                    Ok(a) => view! { <AdminView a slug status opened data/> }.into_any(),
                    Err(error) => signed_in_error(&slug, error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AdminView(a: MarketAdmin, slug: String, status: String, opened: bool, data: PageData) -> impl IntoView {
    let base = village_href(&slug, "/admin/pasar");
    let link = {
        let (base, status) = (base.clone(), status.clone());
        move |at: String| format!("{base}?status={status}&{at}")
    };
    let report = a.report;
    let table = |title: &'static str, rows: Vec<(String, u64, u64)>| {
        view! {
            <div class="table-scroll">
                <table class="table">
                    <caption>{title}</caption>
                    <thead><tr><th>""</th><th class="num">"Lapak"</th><th class="num">"Produk"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(name, shops, products)| view! {
                            <tr><td>{name}</td><td class="num">{shops}</td><td class="num">{products}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    };
    let no_shops = report.per_category.is_empty();
    view! {
        {opened.then(|| view! { <p class="notice" role="status">"Lapak warga sudah dibuka dan langsung tampil di pasar."</p> })}
        <p class="row-actions">
            <a class="button secondary" href=village_href(&slug, "/pasar")>"Lihat pasar"</a>
        </p>
        <section class="card" id="market-report">
            <h2>"Potensi usaha"</h2>
            <p>{format!("{} lapak menunggu persetujuan.", report.waiting)}</p>
            {if no_shops {
                view! { <p class="empty">"Belum ada lapak yang disetujui."</p> }.into_any()
            } else {
                view! {
                    {table("Per jenis usaha", report.per_category)}
                    {table("Per dusun", report.per_dusun)}
                }.into_any()
            }}
        </section>
        <nav class="chips" aria-label="Status">
            <a rel="external" href=base.clone() aria-current=status.is_empty().then_some("page")>"Semua"</a>
            {ShopStatus::ALL.iter().map(|s| view! {
                <a rel="external" href=format!("{base}?status={}", s.as_str()) aria-current=(status == s.as_str()).then_some("page")>{s.label()}</a>
            }).collect_view()}
        </nav>
        {if a.rows.is_empty() {
            view! { <p class="empty">"Tidak ada lapak di sini."</p> }.into_any()
        } else {
            view! {
                <ul class="card-list" id="shops">
                    {a.rows.into_iter().map(|r| view! { <ShopRowView r slug=slug.clone() data/> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <PageNav links=a.links href=link/>
        <details class="card" id="open-for-resident">
            <summary><strong>"Bukakan lapak untuk warga"</strong></summary>
            <p class="hint">"Untuk warga yang tidak memakai ponsel: lapak dibuka atas nama warga pemilik NIK dan langsung tampil."</p>
            <ShopForm slug=slug.clone() map=a.map initial=ShopInput::default() nik_field=true/>
        </details>
    }
}

/// A shop in the list with the moves its state allows.
#[component]
fn ShopRowView(r: ShopRow, slug: String, data: PageData) -> impl IntoView {
    let id = r.id;
    let moderate = Action::new(move |(slug, action, reason): &(String, Moderation, String)| {
        let (slug, action, reason) = (slug.clone(), *action, reason.clone());
        async move { moderate_shop(slug, id, action, reason).await }
    });
    Effect::new(move |_| {
        if matches!(moderate.value().get(), Some(Ok(_))) {
            data.refetch();
        }
    });
    let reason = RwSignal::new(String::new());
    let short = RwSignal::new(false);
    let act = {
        let slug = slug.clone();
        move |action: Moderation| {
            let text = reason.get_untracked();
            if action != Moderation::Approve && text.trim().chars().count() < MIN_REASON {
                short.set(true);
                return;
            }
            short.set(false);
            moderate.dispatch((slug.clone(), action, text));
        }
    };
    let moves: Vec<Moderation> = [Moderation::Approve, Moderation::Refuse, Moderation::Hide]
        .into_iter()
        .filter(|m| r.status.after(*m).is_some())
        .collect();
    let needs_reason = moves.iter().any(|m| *m != Moderation::Approve);
    let place = r.dusun.clone().unwrap_or_else(|| "tanpa dusun".into());
    let slug_value = slug.clone();
    // A plain form: without the WASM the button that was tapped posts its move (`action`) with
    // the reason to the server function, which comes back to this page.
    view! {
        <li id=format!("toko-{id}")>
            <form method="post" action="/api/market/moderate">
            <input type="hidden" name="slug" value=slug_value/>
            <input type="hidden" name="id" value=id.to_string()/>
            <a rel="external" href=village_href(&slug, &format!("/pasar/kelola/{id}"))>{r.name.clone()}</a>
            " " {status_badge(r.status)}
            <span class="muted">{format!(" · {} · {} · {} · {} produk · {}", r.owner, r.category, place, r.products, r.created)}</span>
            {(!r.note.is_empty()).then(|| view! { <p class="muted">{format!("Catatan: {}", r.note)}</p> })}
            {needs_reason.then(|| view! {
                <label class="visually-hidden" for=format!("reason-{id}")>"Alasan"</label>
                <input id=format!("reason-{id}") name="reason" type="text" maxlength="300" placeholder="Alasan (wajib untuk tolak/sembunyikan)"
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
            })}
            {move || short.get().then(|| view! {
                <p class="field-error" role="alert">{format!("Tulis alasan paling sedikit {MIN_REASON} huruf; penjual akan membacanya.")}</p>
            })}
            {(!needs_reason).then(|| view! { <input type="hidden" name="reason" value=""/> })}
            {posted_form_error(moderate.value(), "/api/market/moderate")}
            <p class="row-actions">
                {moves.into_iter().map(|m| {
                    let act = act.clone();
                    let (label, class) = match m {
                        Moderation::Approve => ("Setujui", "button"),
                        Moderation::Refuse => ("Tolak", "button danger"),
                        Moderation::Hide => ("Sembunyikan", "button danger"),
                    };
                    view! {
                        <button type="submit" name="action" value=format!("{m:?}") class=class disabled=move || moderate.pending().get()
                            on:click=move |ev| { ev.prevent_default(); act(m) }>{label}</button>
                    }
                }).collect_view()}
            </p>
            </form>
        </li>
    }
}
