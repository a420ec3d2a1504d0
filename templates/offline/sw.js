/* HARKAT's service worker ({{ version }}): keeps the app shell and static files for use without
 * a connection and sends the outbox on Background Sync. It caches no page that holds personal
 * data: only the shells below (empty forms) and static files. */
"use strict";
importScripts({{ idb_url|tojson }}, {{ outbox_url|tojson }});

const CACHE = "harkat-{{ version }}";
const SHELL = {{ shell|tojson }};
const STATIC = {{ static|tojson }};
const OFFLINE_PAGE = {{ offline_page|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        [...STATIC, ...SHELL].map((url) =>
          fetch(url, { credentials: "same-origin", redirect: "error" })
            .then((response) => (response.ok ? cache.put(url, response) : null))
            .catch(() => null)
        )
      )
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((n) => n.startsWith("harkat-") && n !== CACHE).map((n) => caches.delete(n))
      ))
      .then(() => self.clients.claim())
  );
});

function isStatic(url) {
  return url.pathname.startsWith("/static/") || url.pathname.startsWith("/bootstrap/static/");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (isStatic(url)) {
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      }))
    );
    return;
  }
  if (request.mode !== "navigate") return;
  const shell = SHELL.includes(url.pathname);
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (shell && response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(shell ? url.pathname : OFFLINE_PAGE).then(
          (hit) => hit || caches.match(OFFLINE_PAGE)
        )
      )
  );
});

self.addEventListener("sync", (event) => {
  if (event.tag === "harkat-outbox") {
    event.waitUntil(
      self.HarkatOutbox.sendAll().then((result) =>
        self.clients.matchAll().then((clients) =>
          clients.forEach((client) => client.postMessage({ type: "outbox", result }))
        )
      )
    );
  }
});
