// Digdaya's service worker. The server writes the build's version in (src/pwa/http.rs), so every
// deployment installs a new worker, which replaces the old caches.
//
// - Pages: from the network first; without a signal (or after PAGE_WAIT_MS on a weak one) the
//   copy kept from the last visit; failing both, a page listing what can be read offline.
// - /v/{build}/…: files whose content never changes under their address: cache first.
// - Map layers, photos and tiles: data rather than code, kept across deployments (DATA), at most
//   DATA_LIMIT entries, the oldest dropped first.
// - Personal files (letters' attachments) and anything marked no-store (pages with NIK, KK,
//   family, addresses: /akun, /admin…) are never kept; signing out empties the kept pages, and
//   so does a page that shows another user, or none, where one was signed in (a session that
//   ended elsewhere): each page says whose it is (X-Digdaya-Pemilik).
const BUILD = "__BUILD__";
const STATIC = `digdaya-static-${BUILD}`;
const PAGES = `digdaya-pages-${BUILD}`;
const DATA = "digdaya-data";
const META = "digdaya-meta";
const DATA_LIMIT = 500;
const PAGE_WAIT_MS = 4000;
const PRECACHE = [`/v/${BUILD}/__PKG__/digdaya.css`, "/pwa.js", "/favicon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(STATIC)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("digdaya-") && ![STATIC, PAGES, DATA, META].includes(name)) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

// A page reached inside the app (the router fetched only its data): kept as a whole page too.
self.addEventListener("message", (event) => {
  const address = event.data?.keep;
  if (typeof address !== "string" || new URL(address).origin !== self.location.origin) return;
  event.waitUntil(
    fetch(address, { credentials: "same-origin" })
      .then((response) => keepPage(address, response))
      .catch(() => {}),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const own = url.origin === self.location.origin;
  if (request.method === "POST" && own && url.pathname === "/api/auth/sign-out") {
    event.respondWith(signOut(request));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (own && url.pathname.startsWith(`/v/${BUILD}/`)) {
    event.respondWith(cacheFirst(event, STATIC));
  } else if (own && isShared(url.pathname)) {
    event.respondWith(staleWhileRevalidate(event, STATIC));
  } else if (own && isData(url.pathname)) {
    event.respondWith(request.destination === "image" ? cacheFirst(event, DATA) : networkFirst(event, DATA));
  } else if (!own && request.destination === "image") {
    // Map tiles from the deployment's tile server.
    event.respondWith(cacheFirst(event, DATA));
  }
});

function isShared(path) {
  return (
    path === "/pwa.js" ||
    path === "/favicon.svg" ||
    path.startsWith("/vendor/") ||
    path.startsWith("/ikon/") ||
    path.endsWith("/manifest.webmanifest")
  );
}

// A village's map layers and photos (not the deployment's overview of every village, which is
// large and for the desk rather than the field).
function isData(path) {
  return /^\/api\/(map\/[^/]+\/(lapisan|foto)|portal|market)\//.test(path);
}

function keepable(response) {
  if (!response || response.type === "opaqueredirect" || response.type === "error") return false;
  if (response.type !== "opaque" && !response.ok) return false;
  return !/no-store|private/.test(response.headers.get("Cache-Control") || "");
}

async function remember(cacheName, request, response) {
  if (!keepable(response)) return;
  const cache = await caches.open(cacheName);
  await cache.put(request, response);
  if (cacheName === DATA) {
    const keys = await cache.keys();
    for (const old of keys.slice(0, Math.max(0, keys.length - DATA_LIMIT))) await cache.delete(old);
  }
}

// The network's answer, kept in `cacheName` in the background: the page does not wait for the
// cache to be written.
function fetchAndKeep(event, cacheName) {
  const fresh = fetch(event.request);
  event.waitUntil(fresh.then((response) => remember(cacheName, event.request, response.clone())).catch(() => {}));
  return fresh;
}

async function cacheFirst(event, cacheName) {
  return (await caches.match(event.request, { cacheName })) || fetchAndKeep(event, cacheName);
}

async function networkFirst(event, cacheName) {
  try {
    return await fetchAndKeep(event, cacheName);
  } catch (error) {
    const cached = await caches.match(event.request, { cacheName });
    if (cached) return cached;
    throw error;
  }
}

async function staleWhileRevalidate(event, cacheName) {
  const cached = await caches.match(event.request, { cacheName });
  const fresh = fetchAndKeep(event, cacheName);
  if (!cached) return fresh;
  fresh.catch(() => {});
  return cached;
}

// A page: the network's answer when it comes in time, otherwise the kept copy. Only HTML is
// kept: a PDF or a photo opened by itself (a letter, an attachment) stays off the phone.
async function page(event) {
  const network = fetch(event.request);
  event.waitUntil(
    network.then((response) => keepPage(event.request, response.clone())).catch(() => {}),
  );
  const cached = await caches.match(event.request, { cacheName: PAGES });
  try {
    if (!cached) return await network;
    const late = new Promise((resolve) => setTimeout(() => resolve(cached), PAGE_WAIT_MS));
    return await Promise.race([network, late]);
  } catch {
    return cached || offline(new URL(event.request.url));
  }
}

async function keepPage(request, response) {
  if (!/^text\/html/.test(response.headers.get("Content-Type") || "")) return;
  await forgetOtherUsers(response);
  return remember(PAGES, request, response);
}

// The pages kept belong to the user the last page was made for: another one (or nobody) now,
// and they go.
async function forgetOtherUsers(response) {
  const owner = response.headers.get("X-Digdaya-Pemilik");
  if (owner === null) return;
  const meta = await caches.open(META);
  const before = await (await meta.match("/__pemilik"))?.text();
  if (before === owner) return;
  if (before !== undefined) await caches.delete(PAGES);
  await meta.put("/__pemilik", new Response(owner));
}

async function signOut(request) {
  const response = await fetch(request);
  if (response.ok || response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
    await caches.delete(PAGES);
    await (await caches.open(META)).delete("/__pemilik");
  }
  return response;
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The page shown for an address never opened before while there is no signal: the pages of the
// same village that can be read without one.
async function offline(url) {
  const village = url.pathname.split("/")[1] || "";
  const cache = await caches.open(PAGES);
  const pages = [];
  for (const request of await cache.keys()) {
    const address = new URL(request.url);
    if (village && address.pathname.split("/")[1] !== village) continue;
    const html = await (await cache.match(request)).text();
    const title = (/<title>([^<]*)<\/title>/.exec(html) || [])[1] || address.pathname;
    pages.push(`<li><a href="${escapeHtml(address.pathname + address.search)}">${title}</a></li>`);
    if (pages.length >= 60) break;
  }
  const list = pages.length
    ? `<p>Halaman yang tersimpan di ponsel ini dan bisa dibaca tanpa sinyal:</p><ul>${pages.join("")}</ul>`
    : "<p>Belum ada halaman yang tersimpan di ponsel ini. Buka halaman desa saat ada sinyal agar tersimpan.</p>";
  const body = `<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Tanpa sinyal · Digdaya</title>
<link rel="stylesheet" href="/v/${BUILD}/__PKG__/digdaya.css"><script src="/pwa.js" defer></script></head>
<body class="static"><main class="container" id="offline-page"><h1>Tidak ada sinyal</h1>
<p>Halaman <strong>${escapeHtml(url.pathname)}</strong> belum pernah dibuka di ponsel ini, jadi belum bisa ditampilkan.</p>
${list}<p><a class="button" href="${escapeHtml(url.pathname + url.search)}">Coba lagi</a></p></main></body></html>`;
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
