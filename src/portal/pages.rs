//! The portal's article pages (one split route, see `app::lazy_page!`): the public list and an
//! article (complete as HTML, sent without the WASM: `app::shell`), and the officials' list and
//! editor with a preview rendered by the server (the same sanitiser as the public page).

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

use super::api::{all_articles, delete_article, get_article, get_article_input, get_articles, preview, save_article};
use super::model::{ArticleCard, ArticleInput, ArticlePage, ArticleStatus, CATEGORIES, Problem};
use crate::error::AppError;
use crate::site::village_href;
use crate::ui::{
    ErrorView, KeyPart, Loading, PageAt, PageData, PageLinks, PageNav, field_problem, form_values, from_json, key_part,
    route_data, signed_in_error, to_json,
};

/// Which article page a route shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `/{slug}/berita`.
    List,
    /// `/{slug}/berita/{article}`.
    Article,
    /// `/{slug}/admin/berita`.
    Admin,
    /// `/{slug}/admin/berita/baru` and `/{slug}/admin/berita/{id}`.
    Editor,
}

impl Page {
    pub fn of(path: &str) -> Page {
        let path = path.trim_end_matches('/');
        let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
        if path.ends_with("/admin/berita") {
            Page::Admin
        } else if parent.ends_with("/admin/berita") {
            Page::Editor
        } else if parent.ends_with("/berita") {
            Page::Article
        } else {
            Page::List
        }
    }

    /// Pages complete without the WASM, served without it (see `app::shell`).
    pub fn is_static(path: &str) -> bool {
        let path = path.trim_end_matches('/');
        let public = matches!(Page::of(path), Page::List | Page::Article);
        public && (path.ends_with("/berita") || path.rsplit_once('/').is_some_and(|(p, _)| p.ends_with("/berita")))
    }
}

pub type NewsData = (Memo<Page>, Signal<String>, PageData);

pub fn news_data() -> NewsData {
    let path = crate::ui::use_path();
    let page = Memo::new(move |_| Page::of(&path.get()));
    let (slug, data) = route_data(
        &[KeyPart::Path, KeyPart::Query("hal"), KeyPart::Query("setelah"), KeyPart::Query("sebelum")],
        |k| Box::pin(news_json(k)),
    );
    (page, slug, data)
}

fn last(path: &str) -> String {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_string()
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn news_json(key: String) -> Result<String, AppError> {
    let (slug, path) = (key_part(&key, 0), key_part(&key, 1));
    match Page::of(&path) {
        Page::List => {
            let at = format!("hal={}&setelah={}&sebelum={}", key_part(&key, 2), key_part(&key, 3), key_part(&key, 4));
            to_json(get_articles(slug, PageAt::parse(&at)).await)
        }
        Page::Article => to_json(get_article(slug, last(&path)).await),
        Page::Admin => to_json(all_articles(slug).await),
        Page::Editor => match last(&path).parse::<i64>() {
            Ok(id) => to_json(get_article_input(slug, id).await.map(|(input, cover)| (Some(id), input, cover))),
            Err(_) => {
                // A new article: the officials' check happens when the list is asked for.
                to_json(all_articles(slug).await.map(|_| (None::<i64>, ArticleInput::default(), None::<String>)))
            }
        },
    }
}

pub fn news_page((page, slug, data): NewsData) -> AnyView {
    (move || match page.get() {
        Page::List => list_page(slug, data).into_any(),
        Page::Article => article_page(slug, data).into_any(),
        Page::Admin => admin_page(slug, data).into_any(),
        Page::Editor => editor_page(slug, data).into_any(),
    })
    .into_any()
}

fn status_badge(s: ArticleStatus) -> impl IntoView {
    let class = match s {
        ArticleStatus::Terbit => "badge ok",
        ArticleStatus::Terjadwal => "badge warn",
        ArticleStatus::Draf => "badge",
    };
    view! { <span class=class>{s.label()}</span> }
}

/// `/{slug}/berita`.
fn list_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    view! {
        <Title text="Berita desa"/>
        <Meta name="description" content="Berita dari pemerintah desa: pembangunan, kesehatan, pendidikan, ekonomi dan kegiatan warga."/>
        <h1>"Berita desa"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let slug = slug.get_untracked();
                match from_json::<(Vec<ArticleCard>, PageLinks)>(data.await) {
                    Ok((list, _)) if list.is_empty() => view! {
                        <p class="empty">"Belum ada berita. Kabar dari desa akan tampil di sini."</p>
                    }.into_any(),
                    Ok((list, links)) => {
                        let base = village_href(&slug, "/berita");
                        view! {
                            <ul class="card-list article-list" id="articles">
                                {list.into_iter().map(|a| view! {
                                    <li>
                                        {a.cover.map(|src| view! { <img class="article-thumb" src=src alt="" width="96" height="96" loading="lazy"/> })}
                                        <h2><a href=village_href(&slug, &format!("/berita/{}", a.slug))>{a.title}</a></h2>
                                        <p class="muted">{format!("{} · {}", a.date, a.category)}</p>
                                        <p>{a.excerpt}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <PageNav links href=move |at| format!("{base}?{at}")/>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/{slug}/berita/{article}`: the article as the sanitiser left it.
fn article_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let slug = slug.get_untracked();
                match from_json::<ArticlePage>(data.await) {
                    Ok(a) => {
                        let canonical = crate::site::absolute(&village_href(&slug, &format!("/berita/{}", a.slug)));
                        view! {
                            <Title text=a.title.clone()/>
                            <Meta name="description" content=a.excerpt.clone()/>
                            <Meta property="og:title" content=a.title.clone()/>
                            <Meta property="og:description" content=a.excerpt.clone()/>
                            <Meta property="og:type" content="article"/>
                            <Meta property="og:url" content=canonical.clone()/>
                            {a.cover.clone().map(|src| view! { <Meta property="og:image" content=crate::site::absolute(&src)/> })}
                            <Link rel="canonical" href=canonical/>
                            <nav class="crumbs"><a href=village_href(&slug, "/berita")>"‹ Berita"</a></nav>
                            <article class="article">
                                <h1>{a.title.clone()}</h1>
                                <p class="muted">{format!("{} · {}", a.date, a.category)}</p>
                                {a.cover.clone().map(|src| view! { <img class="cover" src=src alt="" width="1200" height="675"/> })}
                                <div class="article-body" inner_html=a.html.clone()></div>
                            </article>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/{slug}/admin/berita`: every article with its state.
fn admin_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    let remove = Action::new(|(slug, id): &(String, i64)| {
        let (slug, id) = (slug.clone(), *id);
        async move { delete_article(slug, id).await }
    });
    Effect::new(move |_| {
        if matches!(remove.value().get(), Some(Ok(()))) {
            data.refetch();
        }
    });
    view! {
        <Title text="Berita desa (petugas)"/>
        <h1>"Berita desa"</h1>
        <p class="row-actions">
            <a rel="external" class="button" id="new-article" href=move || village_href(&slug.get(), "/admin/berita/baru")>"Tulis berita"</a>
        </p>
        {move || match remove.value().get() {
            Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }),
            _ => None,
        }}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let slug = slug.get_untracked();
                match from_json::<Vec<ArticleCard>>(data.await) {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"Belum ada berita. Tulis yang pertama."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="card-list" id="articles">
                            {list.into_iter().map(|a| {
                                let s = slug.clone();
                                view! {
                                    <li>
                                        <a rel="external" href=village_href(&slug, &format!("/admin/berita/{}", a.id))>{a.title}</a>
                                        " " {status_badge(a.status)}
                                        <span class="muted">{format!(" · {} · {}", a.date, a.category)}</span>
                                        {(a.status == ArticleStatus::Terbit).then(|| view! {
                                            " " <a href=village_href(&slug, &format!("/berita/{}", a.slug))>"Lihat"</a>
                                        })}
                                        <button type="button" class="link" on:click=move |_| {
                                            if window().confirm_with_message("Hapus berita ini?").unwrap_or(false) {
                                                remove.dispatch((s.clone(), a.id));
                                            }
                                        }>"Hapus"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => signed_in_error(&slug, error),
                }
            })}
        </Suspense>
    }
}

/// `/{slug}/admin/berita/baru` and `/{slug}/admin/berita/{id}`.
fn editor_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    view! {
        <Title text="Tulis berita"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let slug = slug.get_untracked();
                match from_json::<(Option<i64>, ArticleInput, Option<String>)>(data.await) {
                    Ok((id, input, cover)) => view! { <Editor slug id input cover/> }.into_any(),
                    Err(error) => signed_in_error(&slug, error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Editor(slug: String, id: Option<i64>, input: ArticleInput, cover: Option<String>) -> impl IntoView {
    let problems = RwSignal::new(Vec::<Problem>::new());
    let body = RwSignal::new(input.body.clone());
    let save = Action::new(move |(slug, input): &(String, ArticleInput)| {
        let (slug, input) = (slug.clone(), input.clone());
        async move { save_article(slug, id, input).await }
    });
    let show = Action::new(|(slug, body): &(String, String)| {
        let (slug, body) = (slug.clone(), body.clone());
        async move { preview(slug, body).await }
    });
    let back = village_href(&slug, "/admin/berita");
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            let _ = window().location().set_href(&back);
        }
        Some(Err(AppError::Refused(p))) => problems.set(p),
        _ => {}
    });
    let target = slug.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_values(&ev) else { return };
        let text = |k: &str| data.get(k).as_string().unwrap_or_default();
        let input = ArticleInput {
            title: text("title"),
            category: text("category"),
            body: body.get_untracked(),
            publish: text("publish") == "1",
            publish_at: text("publish_at"),
        };
        let found = input.problems();
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        save.dispatch((target.clone(), input));
    };
    let problem = move |field: &'static str| field_problem(problems, field);
    let chosen = input.category.clone();
    let preview_slug = slug.clone();
    let upload_error = leptos_router::hooks::use_query_map().read_untracked().get("galat");
    let has_cover = cover.is_some();
    let cover = id.map(|id| {
        view! {
            <section class="card" id="sampul">
                <h2>"Gambar sampul"</h2>
                {match cover {
                    Some(src) => view! { <img class="article-thumb" src=src alt="Sampul saat ini" width="96" height="96"/> }.into_any(),
                    None => view! { <p class="muted">"Belum ada sampul. Gambar membuat berita lebih menarik saat dibagikan."</p> }.into_any(),
                }}
                {upload_error.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                <form class="upload" method="post" action=format!("/api/portal/{slug}/sampul/{id}") enctype="multipart/form-data">
                    <input type="file" name="foto" accept="image/jpeg,image/png,image/webp" required aria-label="Gambar sampul"/>
                    <button type="submit" class="button secondary">{if has_cover { "Ganti sampul" } else { "Unggah sampul" }}</button>
                </form>
                <p class="hint">"JPEG, PNG atau WebP. Gambar diperkecil otomatis dan data lokasinya dihapus."</p>
            </section>
        }
    });
    view! {
        <nav class="crumbs"><a rel="external" href=village_href(&slug, "/admin/berita")>"‹ Berita desa"</a></nav>
        <h1>{if id.is_some() { "Ubah berita" } else { "Tulis berita" }}</h1>
        <form class="form" id="article-form" on:submit=submit novalidate>
            <label for="a-title">"Judul"</label>
            <input id="a-title" name="title" type="text" maxlength="150" value=input.title.clone()/>
            {problem("title")}
            <label for="a-category">"Kategori"</label>
            <select id="a-category" name="category">
                <option value="">"— pilih —"</option>
                {CATEGORIES.iter().map(|(code, label)| view! { <option value=*code selected={chosen == *code}>{*label}</option> }).collect_view()}
            </select>
            {problem("category")}
            <label for="a-body">"Isi berita"</label>
            <textarea id="a-body" name="body" rows="12" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))>{input.body.clone()}</textarea>
            <p class="hint">"Format Markdown: **tebal**, *miring*, ## Subjudul, - daftar, [tautan](https://…). Kode HTML tidak dijalankan."</p>
            {problem("body")}
            <p class="row-actions">
                <button type="button" class="button secondary" id="preview-button" on:click=move |_| { show.dispatch((preview_slug.clone(), body.get_untracked())); }>"Pratinjau"</button>
            </p>
            {move || match show.value().get() {
                Some(Ok(html)) => Some(view! { <div class="card article-body" id="preview" inner_html=html></div> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any()),
                None => None,
            }}
            <fieldset>
                <legend>"Penerbitan"</legend>
                <label class="check"><input type="radio" name="publish" value="0" checked=!input.publish/>" Simpan sebagai draf"</label>
                <label class="check"><input type="radio" name="publish" value="1" checked=input.publish/>" Terbitkan"</label>
                <label for="a-at">"Waktu terbit (WIB; kosongkan untuk sekarang)"</label>
                <input id="a-at" name="publish_at" type="datetime-local" value=input.publish_at.clone()/>
                {problem("publish_at")}
            </fieldset>
            {move || match save.value().get() {
                Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }),
                _ => None,
            }}
            <button type="submit" class="button" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Menyimpan…" } else { "Simpan" }}
            </button>
        </form>
        {cover}
    }
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn routes_tell_their_page_and_which_are_sent_without_the_wasm() {
        for (path, page, fixed) in [
            ("/desa/berita", Page::List, true),
            ("/berita", Page::List, true),
            ("/desa/berita/kerja-bakti", Page::Article, true),
            ("/desa/admin/berita", Page::Admin, false),
            ("/desa/admin/berita/baru", Page::Editor, false),
            ("/admin/berita/12", Page::Editor, false),
        ] {
            assert_eq!(Page::of(path), page, "{path}");
            assert_eq!(Page::is_static(path), fixed, "{path}");
        }
    }
}

crate::ui::lazy_page!(pub News(NewsData) = news_data => news_page);
