// Scoresheet: running total, percent and provisional rating; autosave on every change;
// a copy of the input on this device so a lost connection or a closed tab loses nothing.
(function () {
  "use strict";
  const form = document.querySelector("form.sheet[data-autosave-url]");
  if (!form) return;
  const key = form.dataset.storageKey;
  const maxTotal = parseFloat(form.dataset.maxTotal);
  const bands = (form.dataset.bands || "").split(";").filter(Boolean).map((part) => {
    const [code, min] = part.split(":");
    return { code, min: parseFloat(min) };
  }).sort((a, b) => b.min - a.min);
  const status = form.querySelector("[data-save-state]");
  const scores = Array.from(form.querySelectorAll("select.score"));
  const texts = Array.from(form.querySelectorAll("textarea"));
  let timer = null;
  let sending = false;
  let pending = false;

  function say(text, kind) {
    status.textContent = text;
    status.className = "save-state " + (kind || "");
  }

  function recompute() {
    let total = 0;
    let complete = true;
    let criticalZero = false;
    scores.forEach((select) => {
      if (select.value === "") { complete = false; return; }
      const value = parseFloat(select.value);
      total += value;
      if (value === 0 && select.dataset.critical === "1") criticalZero = true;
    });
    total = Math.round(total * 100) / 100;
    form.querySelector("[data-total]").textContent = total.toLocaleString(document.documentElement.lang);
    const percent = maxTotal ? Math.round((total / maxTotal) * 10000) / 100 : 0;
    form.querySelector("[data-percent]").textContent = percent.toLocaleString(document.documentElement.lang);
    let code = "unsatisfactory";
    if (!criticalZero) {
      const band = bands.find((b) => total >= b.min);
      if (band) code = band.code;
    }
    const rating = form.querySelector("[data-rating]");
    rating.textContent = complete ? form.dataset["label" + code.charAt(0).toUpperCase() + code.slice(1)] : "—";
    rating.className = "rating" + (complete ? " rating-" + code : "");
  }

  function snapshot() {
    const data = {};
    scores.concat(texts).forEach((el) => { data[el.name] = el.value; });
    return data;
  }

  function keepLocally() {
    try {
      localStorage.setItem(key, JSON.stringify({ saved: Date.now(), version: form.elements.version.value,
                                                 data: snapshot() }));
    } catch (e) { /* storage full or disabled: the server copy still counts */ }
  }

  function restoreLocal() {
    let stored = null;
    try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    if (!stored || stored.version !== form.elements.version.value) return;
    let changed = false;
    Object.entries(stored.data).forEach(([name, value]) => {
      const el = form.elements[name];
      if (el && el.value !== value) { el.value = value; changed = true; }
    });
    if (changed) { say(form.dataset.labelRestored, "warn"); schedule(); }
  }

  async function save() {
    if (sending) { pending = true; return; }
    sending = true;
    say(form.dataset.labelSaving);
    const body = new FormData(form);
    const sent = JSON.stringify(snapshot());
    try {
      const response = await fetch(form.dataset.autosaveUrl, { method: "POST", body, credentials: "same-origin",
                                                               headers: { "Accept": "application/json" } });
      const reply = await response.json().catch(() => ({}));
      if (response.ok && reply.ok) {
        form.elements.version.value = String(reply.version);
        // Input typed while this request was on its way is not saved yet: keep it on the
        // device (under the new version) instead of dropping the device copy.
        if (JSON.stringify(snapshot()) === sent) localStorage.removeItem(key); else keepLocally();
        say(form.dataset.labelSaved + " " + new Date().toLocaleTimeString(document.documentElement.lang), "ok");
      } else if (response.status === 409) {
        say(form.dataset.labelConflict, "error");
      } else {
        say(reply.message || form.dataset.labelOffline, "error");
      }
    } catch (e) {
      say(form.dataset.labelOffline, "warn");
    } finally {
      sending = false;
      if (pending) { pending = false; schedule(); }
    }
  }

  function schedule() {
    keepLocally();
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  }

  scores.forEach((select) => select.addEventListener("change", () => { recompute(); schedule(); }));
  texts.forEach((area) => area.addEventListener("input", schedule));
  form.addEventListener("submit", () => { keepLocally(); });
  window.addEventListener("online", () => { if (localStorage.getItem(key)) save(); });
  restoreLocal();
  recompute();
})();
