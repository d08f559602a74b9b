//! Public population statistics of a village (aggregates only, never personal data).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::get_population_stats;
use super::model::{Count, PopulationStats};
use crate::error::AppError;
use crate::site::{use_village_slug, village_href};
use crate::ui::{ErrorView, Loading, PageData, from_json, key_part, page_data, page_key, to_json};

#[lazy]
async fn stats_json(slug: String, dusun: String) -> Result<String, AppError> {
    let dusun = match dusun.as_str() {
        "" => None,
        text => Some(text.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    to_json(get_population_stats(slug, dusun).await)
}

/// `/{slug}/statistik`, optionally `?dusun=<id>` for one dusun. A split page (`app::lazy_page!`):
/// its HTML is complete from the server, so it reads well before its code arrives.
pub type StatisticsData = (Signal<String>, PageData);

pub fn statistics_data() -> StatisticsData {
    let slug = use_village_slug();
    let query = use_query_map();
    let key = Signal::derive(move || page_key(&[&slug.get(), &query.read().get("dusun").unwrap_or_default()]));
    (slug, page_data(key, |k| Box::pin(stats_json(key_part(&k, 0), key_part(&k, 1)))))
}

pub fn statistics_page((slug, stats): StatisticsData) -> impl IntoView {
    view! {
        <Title text="Statistik Penduduk"/>
        <h1>"Statistik Penduduk"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<PopulationStats>(stats.await) {
                    Ok(stats) => view! { <StatsView stats slug=slug.get_untracked()/> }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StatsView(stats: PopulationStats, slug: String) -> impl IntoView {
    let base = village_href(&slug, "/statistik");
    let s = &stats.summary;
    let scope = match &stats.dusun {
        Some(d) => format!("Dusun {}", d.name),
        None => "Seluruh desa".to_string(),
    };
    let max = stats.age_groups.iter().map(|g| g.male.approx().max(g.female.approx())).max().unwrap_or(0).max(1);
    let pct = move |n: Count| format!("width:{:.1}%", n.approx() as f64 * 100.0 / max as f64);
    let selected = stats.dusun.as_ref().map(|d| d.id);
    view! {
        <nav class="chips" aria-label="Pilih wilayah">
            <a href=base.clone() aria-current=selected.is_none().then_some("page")>"Seluruh desa"</a>
            {stats.per_dusun.iter().map(|d| view! {
                <a href=format!("{base}?dusun={}", d.id) aria-current=(selected == Some(d.id)).then_some("page")>{d.name.clone()}</a>
            }).collect_view()}
        </nav>
        <h2>{scope}</h2>
        {if s.residents.is_zero() {
            view! { <p class="empty">"Belum ada data penduduk."</p> }.into_any()
        } else {
            view! {
                <ul class="stats">
                    <li><strong>{s.residents.to_string()}</strong><span>"Penduduk"</span></li>
                    <li><strong>{s.families.to_string()}</strong><span>"Keluarga"</span></li>
                    <li><strong>{s.male.to_string()}</strong><span>"Laki-laki"</span></li>
                    <li><strong>{s.female.to_string()}</strong><span>"Perempuan"</span></li>
                </ul>
                <h3>"Menurut kelompok umur"</h3>
                <div class="pyramid" role="table" aria-label="Penduduk menurut kelompok umur dan jenis kelamin">
                    <div class="pyramid-row pyramid-head" role="row">
                        <span role="columnheader">"Laki-laki"</span>
                        <span role="columnheader">"Umur"</span>
                        <span role="columnheader">"Perempuan"</span>
                    </div>
                    {stats.age_groups.iter().rev().map(|g| view! {
                        <div class="pyramid-row" role="row">
                            <span class="bar male" role="cell"><i style=pct(g.male)></i><b>{g.male.to_string()}</b></span>
                            <span class="age" role="rowheader">{g.label.clone()}</span>
                            <span class="bar female" role="cell"><i style=pct(g.female)></i><b>{g.female.to_string()}</b></span>
                        </div>
                    }).collect_view()}
                </div>
            }.into_any()
        }}
        <h3>"Menurut dusun"</h3>
        {if stats.per_dusun.is_empty() {
            view! { <p class="empty">"Belum ada data dusun."</p> }.into_any()
        } else {
            view! {
                <table class="table">
                    <thead><tr><th>"Dusun"</th><th class="num">"L"</th><th class="num">"P"</th><th class="num">"Jumlah"</th></tr></thead>
                    <tbody>
                        {stats.per_dusun.iter().map(|d| view! {
                            <tr>
                                <td><a href=format!("{base}?dusun={}", d.id)>{d.name.clone()}</a></td>
                                <td class="num">{d.male.to_string()}</td>
                                <td class="num">{d.female.to_string()}</td>
                                <td class="num">{d.total.to_string()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {stats.categories.into_iter().map(|c| {
            let max = c.rows.iter().map(|(_, n)| n.approx()).max().unwrap_or(0).max(1);
            view! {
                <h3>{c.title.clone()}</h3>
                <table class="table category">
                    <thead><tr><th>{c.title.clone()}</th><th class="num">"Jumlah"</th><th class="bar-cell" aria-hidden="true"></th></tr></thead>
                    <tbody>
                        {c.rows.into_iter().map(|(label, n)| view! {
                            <tr>
                                <td>{label}</td>
                                <td class="num">{n.to_string()}</td>
                                <td class="bar-cell" aria-hidden="true"><i style=format!("width:{:.1}%", n.approx() as f64 * 100.0 / max as f64)></i></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
        }).collect_view()}
        <p class="hint">"Angka di bawah 5 ditulis \"< 5\" agar tidak ada warga yang dapat dikenali."</p>
    }
}
