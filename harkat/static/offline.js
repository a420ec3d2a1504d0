/* HARKAT on a phone with no signal: installs the service worker, keeps the facilitator's own
 * people on the device, puts forms filled offline in the outbox, sends it when the connection
 * returns, and shows what is waiting. Pages work without this script; it only adds. */
(function () {
  "use strict";
  const Outbox = window.HarkatOutbox;
  if (!Outbox || !window.indexedDB) return;
  const body = document.body;
  const shell = body.dataset.offlineShell === "1";

  /* ------------------------------------------------------------------ who and where */

  async function account() {
    if (body.dataset.account) return Number(body.dataset.account);
    return Outbox.getMeta("account");
  }

  function say(element, text, kind) {
    element.innerHTML = "";
    const box = document.createElement("div");
    box.className = "alert alert-" + (kind || "info");
    box.setAttribute("role", kind === "danger" ? "alert" : "status");
    box.textContent = text;
    element.appendChild(box);
    box.scrollIntoView({ block: "nearest" });
  }

  function errorList(errors) {
    const list = document.createElement("ul");
    list.className = "mb-0";
    for (const [field, reasons] of Object.entries(errors || {})) {
      for (const reason of reasons) {
        const li = document.createElement("li");
        li.textContent = field ? field + ": " + reason : reason;
        list.appendChild(li);
      }
    }
    return list;
  }

  /* ------------------------------------------------------------------ count in the navigation */

  async function showCount() {
    const me = await account();
    const badges = document.querySelectorAll("[data-outbox-count]");
    if (!badges.length || !me) return;
    const waiting = (await Outbox.pending(me)).length;
    badges.forEach((badge) => {
      badge.textContent = waiting ? String(waiting) : "";
      badge.hidden = !waiting;
      badge.title = waiting ? waiting + " isian belum terkirim" : "";
    });
  }

  /* ------------------------------------------------------------------ sending */

  let sending = false;
  async function send(onlyIfWaiting) {
    if (sending) return null;
    if (onlyIfWaiting) {
      /* Nothing waiting on this phone for this account: no request at all. */
      const me = await account();
      const waiting = me ? (await Outbox.list(me)).some((i) => i.status === "waiting") : false;
      if (!waiting) return null;
    }
    sending = true;
    try {
      const result = await Outbox.sendAll();
      if (result.state && result.state.account) {
        await Outbox.setMeta("account", result.state.account);
      }
      await showCount();
      await drawOutbox();
      return result;
    } finally {
      sending = false;
    }
  }

  async function askForSync() {
    try {
      const registration = await navigator.serviceWorker.ready;
      if (registration.sync) await registration.sync.register("harkat-outbox");
    } catch (error) {
      /* No Background Sync here: the next page load or "online" event sends it. */
    }
  }

  /* ------------------------------------------------------------------ data kept on the device */

  async function refreshPeople() {
    if (!body.dataset.account || !navigator.onLine) return;
    const last = await Outbox.getMeta("people_at");
    const mine = await Outbox.getMeta("people_of");
    const fresh = last && Date.now() - last < 10 * 60 * 1000 && mine === Number(body.dataset.account);
    if (fresh) return;
    try {
      const response = await fetch(body.dataset.offlineData, {
        credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store",
      });
      if (!response.ok || response.redirected) return;
      const data = await response.json();
      if (mine && mine !== data.account) await Outbox.forgetPeople();
      await Outbox.setMeta("account", data.account);
      await Outbox.setMeta("today_sessions", data.sessions);
      await Outbox.keep("people", data.people);
      await Outbox.setMeta("people_of", data.account);
      await Outbox.setMeta("people_at", Date.now()); /* last: the whole list is on the phone */
    } catch (error) {
      /* Keep what the device has. */
    }
  }

  /* The attendance page, opened online, leaves its session on the device for offline use. */
  async function keepSession() {
    const form = document.querySelector("[data-offline-session]");
    if (!form) return;
    const session = JSON.parse(form.dataset.offlineSession);
    const database = await Outbox.all("sessions");
    const rows = database.filter((s) => s.id !== session.id).slice(-19);
    rows.push(Object.assign(session, { kept_at: Date.now() }));
    await Outbox.keep("sessions", rows);
  }

  /* ------------------------------------------------------------------ forms into the outbox */

  function label(form) {
    const kind = form.dataset.offlineForm;
    const value = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");
    if (kind === "pendaftaran") return "Pendaftaran " + (value("full_name") || "pelaku usaha");
    if (kind === "skrining") {
      const select = form.querySelector("[data-people-select]");
      const option = select && select.selectedOptions[0];
      return "Skrining " + (option && option.value ? option.textContent : "");
    }
    if (kind === "presensi") return "Presensi " + (form.dataset.sessionTitle || "");
    return "Isian";
  }

  function split(form) {
    const entries = Array.from(new FormData(form).entries()).filter(([n]) => !n.startsWith("_"));
    const prefix = form.dataset.thenPrefix;
    if (!prefix) return { fields: Outbox.toFields(entries), then: null };
    const own = entries.filter(([n]) => !n.startsWith(prefix));
    const later = entries
      .filter(([n]) => n.startsWith(prefix))
      .map(([n, v]) => [n.slice(prefix.length), v]);
    const named = later.some(([n, v]) => n === "name" && String(v).trim());
    return {
      fields: Outbox.toFields(own),
      then: named
        ? { path: form.dataset.thenPath, fields: Outbox.toFields(later), kind: "usaha",
            label: "Usaha " + later.find(([n]) => n === "name")[1] }
        : null,
    };
  }

  async function queue(form, event) {
    event.preventDefault();
    const messages = form.querySelector("[data-item-errors]") || form;
    const me = await account();
    if (!me) {
      say(messages, "Buka HARKAT sekali saat ada sinyal dan masuk dulu sebelum mengisi tanpa sinyal.", "danger");
      return;
    }
    const action = form.getAttribute("action");
    if (!action) {
      say(messages, "Pilih dulu orang atau sesi yang diisi.", "danger");
      return;
    }
    const parts = split(form);
    /* The key is fixed before anything waits, so a second tap saves the same item again. */
    const key = form.dataset.editingKey || Outbox.newKey();
    form.dataset.editingKey = key;
    const item = await Outbox.save({
      key, account: me, kind: form.dataset.offlineForm, label: label(form), url: action,
      fields: parts.fields, then: parts.then, status: "waiting", errors: null,
    });
    await showCount();
    say(messages, "Tersimpan di perangkat — belum terkirim. Isian ini dikirim otomatis saat ada sinyal.", "warning");
    askForSync();
    if (navigator.onLine) {
      const result = await send();
      const now = await Outbox.get(item.key);
      if (now && now.status === "sent") {
        say(messages, "Terkirim dan diterima HARKAT. " + (now.message || ""), "success");
        if (now.result_url) {
          const link = document.createElement("a");
          link.href = now.result_url;
          link.textContent = "Buka data yang tersimpan";
          messages.firstChild.appendChild(document.createElement("br"));
          messages.firstChild.appendChild(link);
        }
        form.reset();
        delete form.dataset.editingKey;
      } else if (now && now.status === "refused") {
        say(messages, "Ditolak HARKAT; perbaiki lalu simpan lagi:", "danger");
        messages.firstChild.appendChild(errorList(now.errors));
      } else if (result && result.state && result.state.signedOut) {
        say(messages, "Tersimpan di perangkat — belum terkirim. Masuk ke HARKAT untuk mengirimnya.", "warning");
      }
    }
  }

  function watchForms() {
    document.querySelectorAll("form[data-offline-form]").forEach((form) => {
      form.addEventListener("submit", (event) => queue(form, event));
    });
    /* Real pages: a key per page load makes a double tap or a resend store one record. */
    document.querySelectorAll("form[data-request-key]").forEach((form) => {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "_request_key";
      input.value = Outbox.newKey();
      form.appendChild(input);
    });
  }

  /* ------------------------------------------------------------------ shells drawn from the device */

  async function fillPeople() {
    const me = await account();
    const people = (await Outbox.getMeta("people_of")) === me ? await Outbox.all("people") : [];
    people.sort((a, b) => a.name.localeCompare(b.name, "id"));
    document.querySelectorAll("[data-people-select]").forEach((select) => {
      for (const person of people) {
        const option = document.createElement("option");
        option.value = person.screening_url;
        option.textContent = person.name + " · " + person.nik + " · " + person.kelurahan;
        select.appendChild(option);
      }
      const wanted = new URLSearchParams(location.search).get("orang");
      const form = select.form;
      select.addEventListener("change", () => {
        if (select.value) form.setAttribute("action", select.value);
        else form.removeAttribute("action");
      });
      if (wanted) {
        const match = people.find((p) => String(p.id) === wanted);
        if (match) {
          select.value = match.screening_url;
          form.setAttribute("action", match.screening_url);
        }
      }
    });
    const list = document.querySelector("[data-people-list]");
    if (list) {
      list.innerHTML = "";
      for (const person of people.slice(0, 200)) {
        const li = document.createElement("li");
        li.className = "list-group-item";
        li.textContent = person.name + " · " + person.nik + " · " + person.kelurahan + " · " + person.stage;
        list.appendChild(li);
      }
      const at = await Outbox.getMeta("people_at");
      const note = document.querySelector("[data-people-updated]");
      if (note && at && people.length) {
        note.textContent = people.length + " orang, diperbarui " + new Date(at).toLocaleString("id-ID") + ".";
      }
    }
  }

  function addDebtRow() {
    const button = document.querySelector("[data-add-debt]");
    if (!button) return;
    button.addEventListener("click", () => {
      const rows = document.querySelectorAll("[data-debt-row]");
      const last = rows[rows.length - 1];
      const next = rows.length;
      const copy = last.cloneNode(true);
      copy.querySelectorAll("[name],[id],[for]").forEach((el) => {
        for (const attribute of ["name", "id", "for"]) {
          const value = el.getAttribute(attribute);
          if (value) el.setAttribute(attribute, value.replace(/debts-\d+-/, "debts-" + next + "-"));
        }
        if (el.type === "checkbox") el.checked = false;
        else if (el.tagName === "SELECT") el.selectedIndex = 0;
        else if ("value" in el && el.type !== "hidden") el.value = "";
      });
      copy.querySelector("[data-debt-number]").textContent = String(next + 1);
      last.after(copy);
    });
  }

  /* Today's sessions of the facilitator's cohorts, kept for reading offline. */
  async function listToday() {
    const list = document.querySelector("[data-today-sessions]");
    if (!list) return;
    const today = (await Outbox.getMeta("today_sessions")) || [];
    const kept = new Set((await Outbox.all("sessions")).map((s) => s.id));
    if (!today.length) return;
    list.innerHTML = "";
    for (const session of today) {
      const li = document.createElement("li");
      li.className = "list-group-item";
      const text = session.cohort + " · " + session.topic;
      if (kept.has(session.id)) {
        const link = document.createElement("a");
        link.href = "/luring/presensi?sesi=" + session.id;
        link.textContent = text;
        li.appendChild(link);
      } else {
        li.textContent = text + " (buka presensinya sekali saat ada sinyal agar bisa diisi luring)";
      }
      list.appendChild(li);
    }
  }

  async function fillSessions() {
    const select = document.querySelector("[data-sessions-select]");
    if (!select) return;
    const sessions = await Outbox.all("sessions");
    const form = document.querySelector("form[data-offline-form='presensi']");
    const labels = {};
    form.querySelector("[data-status-labels]").content.querySelectorAll("span").forEach((s) => {
      labels[s.dataset.value] = s.textContent;
    });
    for (const session of sessions) {
      const option = document.createElement("option");
      option.value = String(session.id);
      option.textContent = session.title;
      select.appendChild(option);
    }
    const wanted = new URLSearchParams(location.search).get("sesi");
    select.addEventListener("change", () => {
      const session = sessions.find((s) => String(s.id) === select.value);
      form.hidden = !session;
      if (!session) return;
      form.setAttribute("action", session.url);
      form.dataset.sessionTitle = session.title;
      form.elements.version.value = session.version;
      form.querySelector("[data-session-title]").textContent = session.title;
      const list = form.querySelector("[data-seated]");
      list.innerHTML = "";
      session.seated.forEach((person, index) => {
        const li = document.createElement("li");
        li.className = "list-group-item d-flex flex-wrap align-items-center justify-content-between gap-2";
        const name = document.createElement("span");
        name.className = "fw-semibold";
        name.textContent = index + 1 + ". " + person.name;
        const group = document.createElement("div");
        group.className = "btn-group";
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", "Presensi " + person.name);
        for (const [value, text] of Object.entries(labels)) {
          const id = "e" + person.id + "-" + value;
          const input = document.createElement("input");
          Object.assign(input, { type: "radio", className: "btn-check", name: "e" + person.id, id, value });
          input.checked = person.status === value;
          const tag = document.createElement("label");
          tag.className = "btn btn-sm btn-outline-secondary";
          tag.htmlFor = id;
          tag.textContent = text;
          group.append(input, tag);
        }
        li.append(name, group);
        list.appendChild(li);
      });
    });
    if (wanted && sessions.some((s) => String(s.id) === wanted)) {
      select.value = wanted;
      select.dispatchEvent(new Event("change"));
    }
  }

  /* ------------------------------------------------------------------ the outbox page */

  const STATES = {
    waiting: ["Tersimpan di perangkat — belum terkirim", "warning"],
    refused: ["Ditolak — perbaiki lalu kirim lagi", "danger"],
    sent: ["Terkirim dan diterima", "success"],
  };
  const EDITORS = { pendaftaran: "/luring/pendaftaran", skrining: "/luring/skrining" };

  async function drawOutbox() {
    const list = document.querySelector("[data-outbox-list]");
    if (!list) return;
    const me = await account();
    const items = me ? await Outbox.list(me) : [];
    list.innerHTML = "";
    document.querySelector("[data-outbox-empty]").hidden = items.length > 0;
    for (const item of items.reverse()) {
      const [text, kind] = STATES[item.status] || STATES.waiting;
      const li = document.createElement("li");
      li.className = "list-group-item";
      li.dataset.outboxItem = item.status;
      const title = document.createElement("div");
      title.className = "d-flex justify-content-between gap-2";
      const name = document.createElement("strong");
      name.textContent = item.label;
      const badge = document.createElement("span");
      badge.className = "badge text-bg-" + kind;
      badge.textContent = text;
      title.append(name, badge);
      const when = document.createElement("div");
      when.className = "small text-secondary";
      when.textContent = "Diisi " + new Date(item.created_at).toLocaleString("id-ID");
      li.append(title, when);
      if (item.status === "sent" && item.result_url) {
        const link = document.createElement("a");
        link.href = item.result_url;
        link.textContent = "Buka data yang tersimpan";
        li.appendChild(link);
      }
      if (item.status === "refused") {
        li.appendChild(errorList(item.errors));
        const actions = document.createElement("div");
        actions.className = "d-flex gap-2 mt-2";
        if (EDITORS[item.kind]) {
          const fix = document.createElement("a");
          fix.className = "btn btn-sm btn-outline-primary";
          fix.href = EDITORS[item.kind] + "?isian=" + encodeURIComponent(item.key);
          fix.textContent = "Perbaiki";
          actions.appendChild(fix);
        }
        const drop = document.createElement("button");
        drop.type = "button";
        drop.className = "btn btn-sm btn-outline-danger";
        drop.textContent = "Hapus isian ini";
        drop.addEventListener("click", async () => {
          if (!window.confirm("Hapus isian ini dari perangkat? Isian yang dihapus tidak dapat dikembalikan.")) return;
          await Outbox.remove(item.key);
          await drawOutbox();
          await showCount();
        });
        actions.appendChild(drop);
        li.appendChild(actions);
      }
      list.appendChild(li);
    }
  }

  /* A refused item opened for correction: its values back in the form, saved under its key. */
  async function reopen() {
    const key = new URLSearchParams(location.search).get("isian");
    const form = document.querySelector("form[data-offline-form]");
    if (!key || !form) return;
    const item = await Outbox.get(key);
    if (!item) return;
    form.dataset.editingKey = item.key;
    const prefix = form.dataset.thenPrefix || "";
    const values = item.fields.concat(
      item.then ? item.then.fields.map(([n, v]) => [prefix + n, v]) : []
    );
    for (const [name, value] of values) {
      const field = form.elements[name];
      if (field && typeof value === "string" && field.type !== "file") {
        if (field.type === "checkbox") field.checked = true;
        else field.value = value;
      }
    }
    const messages = form.querySelector("[data-item-errors]");
    if (messages && item.errors) {
      say(messages, "Ditolak HARKAT; perbaiki lalu simpan lagi:", "danger");
      messages.firstChild.appendChild(errorList(item.errors));
    }
  }

  /* ------------------------------------------------------------------ signing out */

  function watchSignOut() {
    document.querySelectorAll("form[data-sign-out]").forEach((form) => {
      form.addEventListener("submit", async (event) => {
        if (form.dataset.confirmed === "1") return;
        event.preventDefault();
        const me = await account();
        const waiting = me ? (await Outbox.pending(me)).length : 0;
        if (waiting) {
          const keep = window.confirm(
            waiting + " isian belum terkirim di perangkat ini.\n\n" +
            "OK: keluar dan simpan isian itu; dikirim saat Anda masuk lagi dengan akun ini.\n" +
            "Batal: tetap masuk untuk mengirimnya dulu."
          );
          if (!keep) return;
        }
        await Outbox.forgetPeople();
        await Outbox.setMeta("account", null);
        form.dataset.confirmed = "1";
        form.submit();
      });
    });
  }

  /* ------------------------------------------------------------------ start */

  async function start() {
    /* Whose outbox this page shows: the signed-in account (pages say it; shells ask). */
    if (body.dataset.account) {
      await Outbox.setMeta("account", Number(body.dataset.account));
    } else if (navigator.onLine) {
      const me = await Outbox.whoAmI();
      if (me && me.account) await Outbox.setMeta("account", me.account);
      else if (me && me.signedOut) await Outbox.setMeta("account", null);
    }
    if ("serviceWorker" in navigator && body.dataset.sw) {
      navigator.serviceWorker.register(body.dataset.sw, { scope: "/" }).catch(() => null);
      navigator.serviceWorker.addEventListener("message", () => {
        showCount();
        drawOutbox();
      });
    }
    const banner = document.querySelector("[data-offline-banner]");
    const mark = () => {
      if (banner) banner.hidden = navigator.onLine;
    };
    mark();
    window.addEventListener("offline", mark);
    window.addEventListener("online", () => {
      mark();
      send();
    });
    watchForms();
    watchSignOut();
    addDebtRow();
    await keepSession();
    await refreshPeople();
    await fillPeople();
    await fillSessions();
    await listToday();
    await reopen();
    await showCount();
    await drawOutbox();
    const sendNow = document.querySelector("[data-outbox-send]");
    if (sendNow) sendNow.addEventListener("click", () => send());
    if (navigator.onLine) send(true);
  }

  start();
})();
