/* HARKAT's outbox: forms filled on the phone wait in IndexedDB until they are accepted.
 *
 * Loaded by pages and by the service worker (importScripts), so the same code sends the outbox
 * when a page opens, when the connection returns and on Background Sync. Each item carries a key
 * made on the device; the server stores a record once per key, so sending again is always safe.
 * Items belong to the account that filled them and are only sent while that account is signed in.
 */
(function (scope) {
  "use strict";

  const DB_NAME = "harkat";
  const TOKEN_URL = "/luring/token.json";
  let opening = null;

  function db() {
    if (!opening) {
      opening = scope.idb.openDB(DB_NAME, 1, {
        upgrade(database) {
          const outbox = database.createObjectStore("outbox", { keyPath: "key" });
          outbox.createIndex("account", "account");
          database.createObjectStore("people", { keyPath: "id" });
          database.createObjectStore("sessions", { keyPath: "id" });
          database.createObjectStore("meta", { keyPath: "name" });
        },
      });
    }
    return opening;
  }

  function newKey() {
    if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
    const bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /* Turn form entries into something IndexedDB keeps: text as text, files as Blobs. */
  function toFields(entries) {
    const fields = [];
    for (const [name, value] of entries) {
      if (typeof value === "string") fields.push([name, value]);
      else if (value && value.size) fields.push([name, { blob: value, filename: value.name }]);
    }
    return fields;
  }

  function toFormData(fields, csrf) {
    const data = new FormData();
    for (const [name, value] of fields) {
      if (name === "csrf_token") continue;
      if (typeof value === "string") data.append(name, value);
      else data.append(name, value.blob, value.filename || "berkas");
    }
    data.append("csrf_token", csrf);
    return data;
  }

  async function add(item) {
    const now = new Date().toISOString();
    const stored = Object.assign(
      { key: newKey(), status: "waiting", errors: null, created_at: now, then: null },
      item,
      { updated_at: now }
    );
    await (await db()).put("outbox", stored);
    return stored;
  }

  /* Store an item under its key: a new one, or the same one saved again (a double tap, a
   * correction), keeping when it was first filled. */
  async function save(item) {
    const database = await db();
    const before = await database.get("outbox", item.key);
    const now = new Date().toISOString();
    const stored = Object.assign(
      { created_at: now, then: null }, before || {}, item, { updated_at: now }
    );
    await database.put("outbox", stored);
    return stored;
  }

  async function list(account) {
    const items = await (await db()).getAllFromIndex("outbox", "account", account);
    return items.sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
  }

  async function get(key) {
    return (await db()).get("outbox", key);
  }

  async function update(key, changes) {
    const database = await db();
    const item = await database.get("outbox", key);
    if (!item) return null;
    Object.assign(item, changes, { updated_at: new Date().toISOString() });
    await database.put("outbox", item);
    return item;
  }

  async function remove(key) {
    await (await db()).delete("outbox", key);
  }

  async function pending(account) {
    return (await list(account)).filter((i) => i.status === "waiting" || i.status === "refused");
  }

  /* Who is signed in now, with a fresh form token; null when nobody is (or no connection). */
  async function whoAmI() {
    let response;
    try {
      response = await fetch(TOKEN_URL, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
    } catch (error) {
      return { offline: true };
    }
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || response.redirected || !type.includes("json")) return { signedOut: true };
    const me = await response.json();
    return me.account ? me : { signedOut: true };
  }

  async function sendOne(item, me) {
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "Idempotency-Key": item.key,
          "X-Harkat-Account": String(item.account),
        },
        body: toFormData(item.fields, me.csrf_token),
      });
    } catch (error) {
      return "offline";
    }
    let body = {};
    try {
      body = await response.json();
    } catch (error) {
      body = {};
    }
    if (response.status === 200 || response.status === 201) {
      await update(item.key, {
        status: "sent", errors: null, result_url: body.url, message: body.message || "",
      });
      if (item.then && item.then.fields.some(([, v]) => typeof v !== "string" || v.trim())) {
        await add({
          key: item.key + "-lanjut",
          account: item.account,
          kind: item.then.kind,
          label: item.then.label,
          url: body.url + item.then.path,
          fields: item.then.fields,
        });
      }
      return "sent";
    }
    if (response.status === 409 && body.status === "pending") return "later";
    if (response.status === 422 || response.status === 409 || response.status === 400) {
      await update(item.key, { status: "refused", errors: body.errors || {} });
      return "refused";
    }
    if (response.status === 404) {
      await update(item.key, {
        status: "refused",
        errors: { "": ["Data tujuan tidak ditemukan atau di luar wilayah tugas Anda."] },
      });
      return "refused";
    }
    return "later"; /* signed out meanwhile, server busy: keep it for the next try */
  }

  /* Send every waiting item of the signed-in account; answer what happened. */
  async function sendAll() {
    const me = await whoAmI();
    if (!me || me.offline || me.signedOut) return { sent: 0, refused: 0, state: me };
    let sent = 0;
    let refused = 0;
    for (let round = 0; round < 3; round += 1) {
      const waiting = (await list(me.account)).filter((i) => i.status === "waiting");
      if (!waiting.length) break;
      for (const item of waiting) {
        const outcome = await sendOne(item, me);
        if (outcome === "offline") return { sent, refused, state: { offline: true } };
        if (outcome === "sent") sent += 1;
        if (outcome === "refused") refused += 1;
      }
    }
    return { sent, refused, state: me };
  }

  async function keep(store, rows) {
    const database = await db();
    const tx = database.transaction(store, "readwrite");
    await tx.store.clear();
    for (const row of rows) await tx.store.put(row);
    await tx.done;
  }

  async function all(store) {
    return (await db()).getAll(store);
  }

  async function setMeta(name, value) {
    await (await db()).put("meta", { name, value });
  }

  async function getMeta(name) {
    const row = await (await db()).get("meta", name);
    return row ? row.value : null;
  }

  /* Personal data kept for reading offline; cleared when the facilitator signs out. */
  async function forgetPeople() {
    const database = await db();
    await database.clear("people");
    await database.clear("sessions");
    await database.delete("meta", "people_of");
  }

  scope.HarkatOutbox = {
    add, save, list, get, update, remove, pending, sendAll, whoAmI, toFields, newKey,
    keep, all, setMeta, getMeta, forgetPeople,
  };
})(typeof self !== "undefined" ? self : window);
