//! `/wilayah`: the regional officer's page. A split page (`app::lazy_page!`), complete from
//! the server.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::api::get_region_overview;
use super::model::{RegionOverview, VillageFigures, days};
use crate::auth::pages::SignOutButton;
use crate::chart::{self, Row, Series};
use crate::error::AppError;
use crate::population::model::format_count;
use crate::ui::{ErrorView, Loading, PageData, from_json, page_data, to_json};

#[cfg_attr(feature = "hydrate", lazy)]
async fn overview_json() -> Result<String, AppError> {
    to_json(get_region_overview().await)
}

pub type RegionData = PageData;

pub fn region_data() -> RegionData {
    page_data(Signal::stored(String::new()), |_| Box::pin(overview_json()))
}

pub fn region_page(data: RegionData) -> impl IntoView {
    view! {
        <Title text="Ringkasan wilayah"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<RegionOverview>(data.await) {
                    Ok(o) => view! { <Overview o/> }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/kelola/masuk"/> }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn n(value: u64) -> String {
    format_count(value)
}

#[component]
fn Overview(o: RegionOverview) -> impl IntoView {
    let t = o.totals.clone();
    let letters = chart::bars(
        "Surat yang ditandatangani per bulan di seluruh wilayah",
        &[Series { name: "Surat", class: "male" }],
        &o.months.iter().map(|(m, c)| Row { label: m.clone(), values: vec![(*c as f64, n(*c))] }).collect::<Vec<_>>(),
    );
    let count = o.villages.len();
    view! {
        <h1>"Ringkasan " {o.region_title.clone()}</h1>
        <p class="muted">
            {o.officer.clone()} " · Pemantau Wilayah · kode " {o.region_code.clone()}
            ". Hanya angka gabungan; data perorangan tetap di desa masing-masing."
        </p>
        {if count == 0 {
            view! { <p class="empty">"Belum ada desa di wilayah ini yang memakai Digdaya."</p> }.into_any()
        } else {
            view! {
                <ul class="stats" id="region-totals">
                    <li><strong>{n(count as u64)}</strong><span>"Desa"</span></li>
                    <li><strong>{n(t.residents)}</strong><span>"Penduduk"</span></li>
                    <li><strong>{n(t.families)}</strong><span>"Keluarga"</span></li>
                    <li><strong>{n(t.letters)}</strong><span>"Surat (12 bulan)"</span></li>
                    <li><strong>{days(t.median_days)}</strong><span>"Median penyelesaian pengaduan"</span></li>
                    <li><strong>{n(t.shops)}</strong><span>"Lapak UMKM"</span></li>
                </ul>
                <h2>"Surat per bulan"</h2>
                <div class="chart-box" id="letters-chart" inner_html=letters></div>
                <h2>"Per desa"</h2>
                <div class="table-scroll">
                    <table id="region-villages">
                        <thead>
                            <tr>
                                <th scope="col">"Desa"</th>
                                <th scope="col">"Kecamatan"</th>
                                <th scope="col" class="num">"Penduduk"</th>
                                <th scope="col" class="num">"L"</th>
                                <th scope="col" class="num">"P"</th>
                                <th scope="col" class="num">"Keluarga"</th>
                                <th scope="col" class="num">"Surat"</th>
                                <th scope="col" class="num">"Pengaduan selesai"</th>
                                <th scope="col" class="num">"Median"</th>
                                <th scope="col" class="num">"Pengaduan terbuka"</th>
                                <th scope="col" class="num">"Lapak"</th>
                                <th scope="col" class="num">"Produk"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {o.villages.iter().map(|v| view! { <FiguresRow v=v.clone() link=true/> }).collect_view()}
                        </tbody>
                        <tfoot><FiguresRow v=t link=false/></tfoot>
                    </table>
                </div>
                <p class="hint">"Surat dan pengaduan: 12 bulan terakhir (WIB). Median: hari dari laporan sampai selesai."</p>
            }.into_any()
        }}
        <SignOutButton slug=String::new()/>
    }
}

#[component]
fn FiguresRow(v: VillageFigures, link: bool) -> impl IntoView {
    let name = if link {
        view! { <a href=format!("/{}", v.slug)>{v.name.clone()}</a> }.into_any()
    } else {
        view! { <strong>{v.name.clone()}</strong> }.into_any()
    };
    view! {
        <tr>
            <th scope="row">{name}</th>
            <td>{v.kecamatan.clone()}</td>
            <td class="num">{n(v.residents)}</td>
            <td class="num">{n(v.male)}</td>
            <td class="num">{n(v.female)}</td>
            <td class="num">{n(v.families)}</td>
            <td class="num">{n(v.letters)}</td>
            <td class="num">{n(v.complaints_closed)}</td>
            <td class="num">{days(v.median_days)}</td>
            <td class="num">{n(v.complaints_open)}</td>
            <td class="num">{n(v.shops)}</td>
            <td class="num">{n(v.products)}</td>
        </tr>
    }
}

crate::ui::lazy_page!(pub Region(RegionData) = region_data => region_page);
