// What every Digdaya page runs besides the WASM (most public pages have no WASM at all): it
// registers the service worker (src/pwa/sw.js), shows the connection banner (drawn by CSS from
// the `offline` / `back-online` classes on <html>), offers to install the app where the browser
// allows it, and while offline makes links load whole pages, which the worker has kept.
(() => {
  const root = document.documentElement;
  const connection = () => root.classList.toggle("offline", !navigator.onLine);
  addEventListener("offline", () => {
    root.classList.remove("back-online");
    connection();
  });
  addEventListener("online", () => {
    connection();
    root.classList.add("back-online");
    setTimeout(() => root.classList.remove("back-online"), 4000);
  });
  connection();

  // A notice at the bottom of the screen with one action; added after the page (outside what the
  // WASM hydrates).
  let notice = null;
  const show = (text, label, action) => {
    notice?.remove();
    notice = document.createElement("div");
    notice.className = "app-notice";
    notice.setAttribute("role", "status");
    const message = document.createElement("span");
    message.textContent = text;
    const act = document.createElement("button");
    act.type = "button";
    act.className = "button";
    act.textContent = label;
    act.addEventListener("click", () => {
      notice?.remove();
      action();
    });
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.setAttribute("aria-label", "Tutup");
    close.textContent = "×";
    close.addEventListener("click", () => notice?.remove());
    notice.append(message, act, close);
    document.body.append(notice);
  };

  let install = null;
  addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    install = event;
    show("Pasang aplikasi desa ini di ponsel: cepat dibuka, tetap bisa dibaca tanpa sinyal.", "Pasang", async () => {
      install.prompt();
      await install.userChoice;
      install = null;
    });
  });
  addEventListener("appinstalled", () => notice?.remove());

  // ---- The outbox (src/outbox/): items kept in IndexedDB until they are delivered. ----
  const STORE = "kiriman";
  const BATCH_BYTES = 2 * 1024 * 1024;
  const BATCH_ITEMS = 100;
  const KEEP_DELIVERED_MS = 3 * 24 * 3600 * 1000;
  let database = null;
  const open = () =>
    (database ??= new Promise((resolve, reject) => {
      const request = indexedDB.open("digdaya", 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }));
  const store = async (mode, use) => {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = use(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request?.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  };
  // Whose items the page queues now: the owner tag the server set at sign-in (empty for a
  // visitor). Items go out only under their owner's session; another user's stay untouched.
  const ownerNow = () => (document.cookie.match(/(?:^|;\s*)digdaya_pemilik=([0-9a-f]+)/) || [])[1] || "";
  const ownItem = (item) => item.owner === undefined || item.owner === "" || item.owner === ownerNow();
  const allItems = () => store("readonly", (s) => s.getAll());
  const items = async () => (await allItems()).filter(ownItem);
  const keep = (item) => store("readwrite", (s) => s.put(item));
  const drop = (key) => store("readwrite", (s) => s.delete(key));

  const uuid = () => {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };

  // A photo at most 1600 px on its long side as JPEG: less to keep and far less to send.
  const shrink = async (file) => {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || file.size < 400 * 1024) return file;
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.82));
      return blob && blob.size < file.size ? blob : file;
    } catch {
      return file;
    }
  };

  const sizeOf = (item) => item.data.length + item.files.reduce((n, f) => n + f.blob.size, 0);

  // A POST whose upload shows its progress in the bar (fetch cannot tell how much has gone):
  // resolves with the status (0: no answer at all) and the answer's text.
  let uploaded = "";
  const post = (url, body) =>
    new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      let shown = 0;
      xhr.open("POST", url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = (e) => {
        if (!e.lengthComputable || Date.now() - shown < 500) return;
        shown = Date.now();
        uploaded = ` ${Math.round((100 * e.loaded) / e.total)} %`;
        render();
      };
      xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
      xhr.onerror = xhr.ontimeout = xhr.onabort = () => resolve({ status: 0, text: "" });
      xhr.send(body);
    }).finally(() => {
      uploaded = "";
    });

  // Sends a batch; each item's outcome is kept with it. Returns the outcomes, in order.
  const deliver = async (batch) => {
    const body = new FormData();
    batch.forEach((item, i) => {
      body.append(`${i}/kunci`, item.key);
      body.append(`${i}/jenis`, item.kind);
      if (typeof item.owner === "string") body.append(`${i}/pemilik`, item.owner);
      if (item.formulir) body.append(`${i}/formulir`, item.formulir);
      else body.append(`${i}/data`, item.data);
      for (const f of item.files) body.append(`${i}/${f.field}`, f.blob, f.name);
    });
    // What really happened is what the phone says: no signal (the request never got an answer),
    // the server busy (5xx, e.g. its time limit), or the server's own word per item.
    const sent = await post(`/api/outbox/${encodeURIComponent(batch[0].slug)}`, body);
    let answer = null;
    let why = "Tidak ada sinyal; dikirim lagi saat ada sinyal.";
    if (sent.status >= 500) why = "Server sibuk; dicoba lagi sebentar lagi.";
    else if (sent.status > 0) {
      try {
        answer = JSON.parse(sent.text);
      } catch {
        why = "Jawaban server tidak terbaca; dicoba lagi sebentar lagi.";
      }
    }
    const outcomes = [];
    for (const [i, item] of batch.entries()) {
      // No answer: wait and try again. One refusal for the whole batch (an unknown village)
      // applies to every item.
      const outcome = answer?.hasil?.[i] ?? answer?.hasil?.[0] ?? { state: "menunggu", pesan: why };
      if (outcome.state === "terkirim") {
        Object.assign(item, { state: "terkirim", result: outcome, files: [], done: Date.now() });
      } else if (outcome.state === "gagal") {
        Object.assign(item, { state: "gagal", result: outcome });
      } else {
        item.attempts = (item.attempts || 0) + 1;
        Object.assign(item, {
          state: "menunggu",
          result: outcome,
          next: Date.now() + Math.min(600000, 5000 * 2 ** Math.min(item.attempts, 7)),
        });
      }
      await keep(item).catch(() => {});
      outcomes.push(outcome);
    }
    return outcomes;
  };

  let syncing = null;
  let progress = "";
  let timer = 0;
  // Sends what waits (everything when `all`, otherwise what is due), in batches per village.
  const sync = (all = false) =>
    (syncing ??= (async () => {
      try {
        const now = Date.now();
        const waiting = (await items())
          .filter((i) => (i.state === "menunggu" || i.state === "mengirim") && (all || !i.next || i.next <= now))
          .sort((a, b) => a.created - b.created);
        let sent = 0;
        while (waiting.length && navigator.onLine) {
          const slug = waiting[0].slug;
          const batch = [];
          let bytes = 0;
          for (let i = 0; i < waiting.length && batch.length < BATCH_ITEMS; ) {
            const item = waiting[i];
            if (item.slug === slug && (batch.length === 0 || bytes + sizeOf(item) <= BATCH_BYTES)) {
              batch.push(item);
              bytes += sizeOf(item);
              waiting.splice(i, 1);
            } else i++;
          }
          progress = `Mengirim ${sent + 1}–${sent + batch.length} dari ${sent + batch.length + waiting.length}…`;
          render();
          const outcomes = await deliver(batch);
          sent += batch.length;
          if (outcomes.every((o) => o.state === "menunggu")) break; // no signal after all
        }
      } finally {
        progress = "";
        syncing = null;
        await render();
        schedule();
      }
    })());

  const schedule = async () => {
    clearTimeout(timer);
    const next = (await items()).filter((i) => i.state === "menunggu").map((i) => i.next || 0);
    if (next.length) timer = setTimeout(() => sync(), Math.max(1000, Math.min(...next) - Date.now()));
  };

  // Called by the pages' forms (src/outbox/client.rs): keeps the item, sends it at once when
  // there is a signal, and answers with its outcome (JSON). A refusal the user sees right away
  // on the form is not kept: they correct the form and send again.
  const send = async (form, slug, kind, data, label) => {
    const files = [];
    for (const input of form.querySelectorAll("input[type=file][name]")) {
      for (const file of input.files) files.push({ field: input.name, blob: await shrink(file), name: file.name });
    }
    const item = { key: uuid(), owner: ownerNow(), slug, kind, data, label, files, created: Date.now(), state: "menunggu", attempts: 0, next: 0 };
    try {
      await keep(item);
    } catch {
      // No storage on this phone (a private window): send it now without keeping it.
      const [outcome] = await deliver([item]);
      return JSON.stringify(outcome.state === "menunggu" ? { state: "gagal", pesan: "Tidak ada sinyal dan ponsel ini tidak dapat menyimpan kiriman. Coba lagi saat ada sinyal." } : outcome);
    }
    let outcome = { state: "menunggu", pesan: "" };
    if (navigator.onLine) {
      await syncing;
      progress = `Mengirim ${label}…`;
      try {
        [outcome] = await deliver([item]);
      } finally {
        progress = "";
      }
      if (outcome.state === "gagal") await drop(item.key);
    }
    await render();
    schedule();
    return JSON.stringify(outcome);
  };
  window.digdaya = { send, sync };

  // A form the page posts by itself (its WASM has not arrived) while there is no signal: kept
  // like the WASM's items, as the form's fields, which the server reads as it reads the form
  // posted plainly (`{i}/formulir`). Nothing typed is lost to a blank spot.
  document.addEventListener(
    "submit",
    async (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.dataset.offline || navigator.onLine || event.defaultPrevented) return;
      if (document.body.dataset.hydrated === "true") return;
      const slug = (form.getAttribute("action") || "").match(/^\/api\/outbox\/([^/]+)\/formulir$/)?.[1];
      if (!slug) return;
      event.preventDefault();
      const fields = {};
      const files = [];
      for (const [name, value] of new FormData(form)) {
        if (typeof value === "string") fields[name] = value.trim();
        else if (value.size) files.push({ field: name, blob: await shrink(value), name: value.name });
      }
      const label = document.querySelector("main h1")?.textContent?.trim() || "Formulir";
      const item = {
        key: uuid(), owner: ownerNow(), slug: decodeURIComponent(slug), kind: fields.jenis || "", data: "",
        formulir: JSON.stringify(fields), label, files, created: Date.now(), state: "menunggu", attempts: 0, next: 0,
      };
      try {
        await keep(item);
      } catch {
        show("Tidak ada sinyal dan ponsel ini tidak dapat menyimpan kiriman. Coba lagi saat ada sinyal.", "Tutup", () => {});
        return;
      }
      form.reset();
      show("Tersimpan di ponsel: belum bisa terkirim karena tidak ada sinyal. Terkirim sendiri begitu ada sinyal.", "Lihat", () => toggle(true));
      await render();
      schedule();
    },
    true,
  );

  // The list at the bottom of every page: what waits, what is being sent, what needs the user.
  let bar = null;
  let panel = null;
  const when = (t) => new Date(t).toLocaleString("id-ID", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  const element = (tag, props = {}, ...children) => {
    const el = Object.assign(document.createElement(tag), props);
    el.append(...children.filter((c) => c != null));
    return el;
  };
  const render = async () => {
    let all = [];
    try {
      all = await items();
    } catch {
      return;
    }
    const old = all.filter((i) => i.state === "terkirim" && Date.now() - i.done > KEEP_DELIVERED_MS);
    for (const i of old) await drop(i.key);
    all = all.filter((i) => !old.includes(i)).sort((a, b) => b.created - a.created);
    const waiting = all.filter((i) => i.state === "menunggu" || i.state === "mengirim").length;
    const refused = all.filter((i) => i.state === "gagal").length;
    if (!waiting && !refused) {
      bar?.remove();
      bar = null;
    } else {
      const parts = [];
      if (progress) parts.push(progress + uploaded);
      else if (waiting) parts.push(`${waiting} kiriman ${navigator.onLine ? "menunggu dikirim" : "menunggu sinyal"}`);
      if (refused) parts.push(`${refused} perlu tindakan Anda`);
      bar ??= element("div", { className: "outbox-bar", id: "outbox-bar" });
      bar.setAttribute("role", "status");
      bar.replaceChildren(
        element("span", { textContent: parts.join(" · ") }),
        element("button", { type: "button", className: "button", textContent: "Lihat", onclick: () => toggle(true) }),
      );
      if (!bar.isConnected) document.body.append(bar);
    }
    if (panel?.isConnected) fill(all);
  };
  const toggle = (show) => {
    if (!show) {
      panel?.remove();
      return;
    }
    panel ??= element("section", { className: "outbox-panel", id: "outbox-panel" });
    panel.setAttribute("aria-label", "Kiriman dari ponsel ini");
    if (!panel.isConnected) document.body.append(panel);
    render();
  };
  const fill = (all) => {
    const row = (item) => {
      const state = {
        menunggu: navigator.onLine ? "Menunggu dikirim" : "Menunggu sinyal",
        mengirim: "Mengirim…",
        terkirim: "Terkirim",
        gagal: "Perlu tindakan",
      }[item.state];
      const li = element("li", { className: `outbox-item ${item.state}` });
      li.dataset.key = item.key;
      li.append(
        element("strong", { textContent: item.label }),
        element("span", { className: "muted", textContent: ` · ${when(item.created)} · ${state}` }),
      );
      const result = item.result || {};
      if (item.state === "menunggu" && result.pesan) {
        li.append(element("p", { className: "muted", textContent: result.pesan }));
      }
      if (item.state === "gagal") {
        li.append(element("p", { className: "form-error", textContent: result.pesan || "Ditolak server." }));
        for (const m of result.masalah || []) li.append(element("p", { className: "field-error", textContent: m.message }));
        li.append(
          element("button", {
            type: "button", className: "button secondary", textContent: "Kirim lagi",
            onclick: async () => {
              Object.assign(item, { state: "menunggu", next: 0, attempts: 0 });
              await keep(item);
              sync(true);
            },
          }),
        );
      }
      if (item.state === "terkirim") {
        li.append(element("a", { href: result.alamat, textContent: "Buka" }));
        for (const c of result.catatan || []) li.append(element("p", { className: "hint", textContent: c }));
      }
      if (item.state !== "terkirim") {
        li.append(
          element("button", {
            type: "button", className: "button secondary", textContent: "Hapus",
            onclick: async () => {
              if (!confirm(`Hapus "${item.label}" dari ponsel ini? Kiriman ini tidak akan terkirim.`)) return;
              await drop(item.key);
              render();
            },
          }),
        );
      }
      return li;
    };
    panel.replaceChildren(
      element("div", { className: "outbox-head" },
        element("h2", { textContent: "Kiriman dari ponsel ini" }),
        element("button", { type: "button", className: "close", textContent: "×", onclick: () => toggle(false) }),
      ),
      all.length ? element("ul", {}, ...all.map(row)) : element("p", { className: "muted", textContent: "Tidak ada kiriman." }),
    );
    panel.querySelector(".close").setAttribute("aria-label", "Tutup");
  };

  // Signing out: what this user queued leaves the phone with them (after saying so), so nothing
  // of theirs goes out under whoever signs in next.
  let leaving = false;
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (leaving || !(form instanceof HTMLFormElement)) return;
      if (!/\/api\/auth\/sign-out$/.test(new URL(form.action, location.href).pathname)) return;
      const me = ownerNow();
      if (!me || !("indexedDB" in window)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      (async () => {
        const mine = (await allItems().catch(() => [])).filter((i) => i.owner === me);
        const waiting = mine.filter((i) => i.state !== "terkirim").length;
        const text = `Ada ${waiting} kiriman Anda yang belum terkirim. Bila Anda keluar sekarang, kiriman itu dihapus dari ponsel ini. Tetap keluar?`;
        if (waiting && !confirm(text)) return;
        for (const i of mine) await drop(i.key).catch(() => {});
        leaving = true;
        form.submit();
      })();
    },
    true,
  );

  addEventListener("online", () => sync(true));
  if ("indexedDB" in window) {
    // On start: what was being sent when the page closed waits again; then send what is due.
    items()
      .then(async (all) => {
        for (const i of all.filter((i) => i.state === "mengirim")) await keep(Object.assign(i, { state: "menunggu" }));
        await render();
        if (navigator.onLine) sync(true);
      })
      .catch(() => {});
  }

  if (!("serviceWorker" in navigator)) return;
  // The build this page runs (its stylesheet is /v/{build}/pkg/digdaya.css); the worker is
  // registered under it, so a page of a new deployment brings its new worker.
  const build = (document.querySelector("link#leptos")?.getAttribute("href") ?? "").split("/")[2] ?? "";
  // Registered once the page has loaded, so that installing it never competes with the page.
  const register = () => navigator.serviceWorker.register(`/sw.js?v=${build}`, { scope: "/" }).catch(() => {});
  if (document.readyState === "complete") register();
  else addEventListener("load", register, { once: true });
  // Another tab brought a new deployment's worker: this page still runs the old build.
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    const worker = navigator.serviceWorker.controller?.scriptURL ?? "";
    if (build && !worker.endsWith(`v=${build}`)) show("Versi baru sudah siap.", "Muat ulang", () => location.reload());
  });
  // Pages reached inside the app (without loading a whole page) are kept too: the worker
  // fetches the page itself once (skipped when the phone asks to save data).
  const keepPage = () => {
    if (navigator.connection?.saveData) return;
    navigator.serviceWorker.controller?.postMessage({ keep: location.href });
  };
  const push = history.pushState;
  history.pushState = function (...args) {
    push.apply(this, args);
    keepPage();
  };

  // Offline, a link in the app would ask the server for the next page's data; a whole page
  // comes from the worker's copy instead (or its list of what can be read offline).
  document.addEventListener(
    "click",
    (event) => {
      if (navigator.onLine || event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!link || link.target || link.hasAttribute("download") || link.origin !== location.origin) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      location.href = link.href;
    },
    true,
  );
})();
