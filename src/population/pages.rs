//! Public population statistics of a village (aggregates only, never personal data).

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_query_map;

use super::api::get_population_stats;
use super::model::PopulationStats;
use crate::chart::{self, PyramidRow, Row, Series};
use crate::error::AppError;
use crate::site::{use_village_slug, village_href};
use crate::ui::{ErrorView, Loading, PageData, from_json, key_part, page_data, page_key, to_json};

#[cfg_attr(feature = "hydrate", lazy)]
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
        <Meta name="description" content="Jumlah penduduk desa menurut umur, jenis kelamin, dusun, agama, pendidikan, pekerjaan dan status perkawinan."/>
        <Link rel="canonical" href=crate::site::absolute(&village_href(&slug.get_untracked(), "/statistik"))/>
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
    let selected = stats.dusun.as_ref().map(|d| d.id);
    let pyramid = chart::pyramid(
        &format!("Piramida penduduk {}: laki-laki dan perempuan menurut kelompok umur", scope.to_lowercase()),
        &stats
            .age_groups
            .iter()
            .map(|g| PyramidRow {
                label: g.label.clone(),
                male: (g.male.approx() as f64, g.male.to_string()),
                female: (g.female.approx() as f64, g.female.to_string()),
            })
            .collect::<Vec<_>>(),
    );
    let dusun_chart = chart::bars(
        "Penduduk menurut dusun",
        &[Series { name: "Laki-laki", class: "male" }, Series { name: "Perempuan", class: "female" }],
        &stats
            .per_dusun
            .iter()
            .map(|d| Row {
                label: d.name.clone(),
                values: vec![
                    (d.male.approx() as f64, d.male.to_string()),
                    (d.female.approx() as f64, d.female.to_string()),
                ],
            })
            .collect::<Vec<_>>(),
    );
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
                <h3>"Piramida penduduk"</h3>
                <div class="chart-box" id="pyramid" inner_html=pyramid></div>
                <details class="table-details">
                    <summary>"Tabel kelompok umur"</summary>
                    <table class="table" id="age-table">
                        <thead><tr><th scope="col">"Umur"</th><th scope="col" class="num">"Laki-laki"</th><th scope="col" class="num">"Perempuan"</th></tr></thead>
                        <tbody>
                            {stats.age_groups.iter().rev().map(|g| view! {
                                <tr><th scope="row">{g.label.clone()}</th><td class="num">{g.male.to_string()}</td><td class="num">{g.female.to_string()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
            }.into_any()
        }}
        <h3>"Menurut dusun"</h3>
        {if stats.per_dusun.is_empty() {
            view! { <p class="empty">"Belum ada data dusun."</p> }.into_any()
        } else {
            view! {
                <div class="chart-box" inner_html=dusun_chart></div>
                <table class="table">
                    <thead><tr><th scope="col">"Dusun"</th><th scope="col" class="num">"L"</th><th scope="col" class="num">"P"</th><th scope="col" class="num">"Jumlah"</th></tr></thead>
                    <tbody>
                        {stats.per_dusun.iter().map(|d| view! {
                            <tr>
                                <th scope="row"><a href=format!("{base}?dusun={}", d.id)>{d.name.clone()}</a></th>
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
            let chart = chart::bars(
                &format!("Penduduk menurut {}", c.title.to_lowercase()),
                &[Series { name: "Jumlah", class: "a" }],
                &c.rows.iter().map(|(label, n)| Row { label: label.clone(), values: vec![(n.approx() as f64, n.to_string())] }).collect::<Vec<_>>(),
            );
            view! {
                <h3>{c.title.clone()}</h3>
                <div class="chart-box" inner_html=chart></div>
                <details class="table-details">
                    <summary>{format!("Tabel {}", c.title.to_lowercase())}</summary>
                    <table class="table category">
                        <thead><tr><th scope="col">{c.title.clone()}</th><th scope="col" class="num">"Jumlah"</th></tr></thead>
                        <tbody>
                            {c.rows.into_iter().map(|(label, n)| view! {
                                <tr><th scope="row">{label}</th><td class="num">{n.to_string()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
            }
        }).collect_view()}
        <p class="hint">"Angka di bawah 5 ditulis \"< 5\" agar tidak ada warga yang dapat dikenali."</p>
    }
}

crate::ui::lazy_page!(pub Statistics(StatisticsData) = statistics_data => statistics_page);
