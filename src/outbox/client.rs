//! The page's side of the outbox: a form goes to `pwa.js` (`window.digdaya.send`), which keeps
//! it on the phone with its files and sends it when it can; the page learns what became of it.

use serde::Serialize;

use super::model::{Kind, Outcome};

#[cfg(feature = "hydrate")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `digdaya.send(form, slug, kind, data, label)` in `public/pwa.js`: resolves to the
        /// item's outcome as JSON.
        #[wasm_bindgen(catch, js_namespace = digdaya, js_name = send)]
        pub fn send(
            form: &web_sys::HtmlFormElement,
            slug: &str,
            kind: &str,
            data: &str,
            label: &str,
        ) -> Result<js_sys::Promise, JsValue>;
    }
}

/// Sends what `form` holds as an outbox item: `data` (the item's fields, checked by the page
/// already) and the form's file inputs. `label` names it in the list of items.
pub async fn send(
    form: &web_sys::HtmlFormElement,
    slug: &str,
    kind: Kind,
    data: &impl Serialize,
    label: &str,
) -> Outcome {
    let Ok(data) = serde_json::to_string(data) else {
        return Outcome::refused("Isian tidak dapat disiapkan untuk dikirim.");
    };
    #[cfg(feature = "hydrate")]
    {
        let not_ready = || Outcome::refused("Halaman belum siap sepenuhnya. Muat ulang halaman, lalu kirim lagi.");
        let Ok(promise) = js::send(form, slug, kind.as_str(), &data, label) else {
            return not_ready();
        };
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(value) => value.as_string().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_else(not_ready),
            Err(_) => not_ready(),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        // Pages submit only in the browser.
        let _ = (form, slug, kind, data, label);
        Outcome::refused("")
    }
}

/// The form an event was fired on.
pub fn form_of(ev: &leptos::ev::SubmitEvent) -> Option<web_sys::HtmlFormElement> {
    use wasm_bindgen::JsCast;
    ev.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()
}

/// What the page shows once an item left the form: kept on the phone until there is a signal,
/// or delivered with notes about what the server left out.
pub fn sent_view(sent: Outcome) -> leptos::prelude::AnyView {
    use leptos::prelude::*;
    match sent {
        Outcome::Menunggu { pesan } => {
            // What really kept it: no signal (the phone knew it was offline: no word), the
            // server busy, or the server's own word.
            let why = if pesan.is_empty() { "Belum bisa terkirim karena tidak ada sinyal.".to_string() } else { pesan };
            view! {
                <div class="card queued" role="status" id="outbox-sent">
                    <h2>"Tersimpan di ponsel"</h2>
                    <p>{why}</p>
                    <p>"Kiriman ini terkirim sendiri begitu bisa, walau halaman ini ditutup. Daftar kiriman ada di bagian bawah layar."</p>
                </div>
            }
            .into_any()
        }
        Outcome::Terkirim { alamat, catatan, .. } if !catatan.is_empty() => view! {
            <div class="card" role="status" id="outbox-sent">
                <h2>"Terkirim, dengan catatan"</h2>
                <ul>{catatan.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                <a class="button" href=alamat>"Buka kiriman"</a>
            </div>
        }
        .into_any(),
        Outcome::Terkirim { .. } => view! { <p role="status" id="outbox-sent">"Terkirim. Membuka…"</p> }.into_any(),
        Outcome::Gagal { .. } => ().into_any(),
    }
}

/// The refusal of the last send, above the form's button.
pub fn refusal_view(outcome: leptos::prelude::RwSignal<Option<Outcome>>) -> impl leptos::prelude::IntoView {
    use leptos::prelude::*;
    move || match outcome.get() {
        Some(Outcome::Gagal { pesan, .. }) if !pesan.is_empty() => {
            Some(view! { <p class="form-error" role="alert">{pesan}</p> })
        }
        _ => None,
    }
}

/// The state of a form that sends through the outbox: sending, the last outcome, the problems
/// the server found by field.
#[derive(Clone, Copy)]
pub struct OutboxForm {
    pub sending: leptos::prelude::RwSignal<bool>,
    pub outcome: leptos::prelude::RwSignal<Option<Outcome>>,
    pub problems: leptos::prelude::RwSignal<Vec<super::model::Problem>>,
}

impl OutboxForm {
    pub fn new() -> OutboxForm {
        use leptos::prelude::RwSignal;
        // A page shown again after its plain post was refused starts with the server's problems.
        #[cfg(feature = "ssr")]
        let found =
            leptos::prelude::use_context::<crate::kit::form::Submitted>().map(|s| s.problems).unwrap_or_default();
        #[cfg(not(feature = "ssr"))]
        let found = Vec::new();
        OutboxForm { sending: RwSignal::new(false), outcome: RwSignal::new(None), problems: RwSignal::new(found) }
    }

    /// Sends `data` and the form's files as one item. Delivered without notes: its page opens;
    /// refused: the problems go under the form's fields; kept: `done` hides the form.
    pub fn send<T: Serialize + 'static>(
        self,
        form: web_sys::HtmlFormElement,
        slug: String,
        kind: Kind,
        data: T,
        label: String,
    ) {
        use leptos::prelude::*;
        self.sending.set(true);
        leptos::task::spawn_local(async move {
            let sent = send(&form, &slug, kind, &data, &label).await;
            self.sending.set(false);
            match &sent {
                Outcome::Terkirim { alamat, catatan, .. } if catatan.is_empty() => {
                    let _ = window().location().set_href(alamat);
                }
                Outcome::Gagal { masalah, .. } => self.problems.set(masalah.clone()),
                _ => {}
            }
            self.outcome.set(Some(sent));
        });
    }

    /// Whether the item left the form (kept on the phone, or delivered).
    pub fn done(self) -> bool {
        use leptos::prelude::Get;
        matches!(self.outcome.get(), Some(Outcome::Menunggu { .. } | Outcome::Terkirim { .. }))
    }

    /// What the page shows in the form's place once it is done.
    pub fn sent_view(self) -> impl leptos::prelude::IntoView {
        use leptos::prelude::Get;
        move || self.outcome.get().filter(|_| self.done()).map(sent_view)
    }
}

impl Default for OutboxForm {
    fn default() -> Self {
        OutboxForm::new()
    }
}
