/* Picks one variant of each appeal on the page, in this browser only. The page (the same for
   every reader) carries every variant in a <template>; the weights come from a small shared
   document (/support/appeals/weights.json). What decides the audience stays here: articles
   read in the last 30 days and each variant's views (localStorage), where this visit came
   from (sessionStorage), and the kind of gift the site's hint cookie names. Nothing of it is
   sent: a view (one in N, sampled) and a click send the variant and the story, with no
   cookie. Without JavaScript the first variant shows. */
(function () {
  "use strict";
  var slots = document.querySelectorAll("[data-appeal-slot]");
  if (!slots.length || !window.fetch || !("content" in document.createElement("template"))) return;
  var DAY = 86400000;
  var now = Date.now();
  var READS = "appeal-reads", VIEWS = "appeal-views", REFERRER = "appeal-referrer";

  function storage(kind) {
    try { var s = window[kind]; s.getItem("x"); return s; } catch (e) { return null; }
  }
  var local = storage("localStorage"), session = storage("sessionStorage");
  function readJSON(store, key, fallback) {
    if (!store) return fallback;
    try { var v = JSON.parse(store.getItem(key)); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function save(store, key, value) {
    if (!store) return;
    try { store.setItem(key, JSON.stringify(value)); } catch (e) { /* full or blocked */ }
  }

  /* Articles read in the last 30 days: this page counts once. */
  var reads = readJSON(local, READS, []);
  if (!Array.isArray(reads)) reads = [];
  reads = reads.filter(function (t) { return typeof t === "number" && now - t < 30 * DAY; });
  var onStory = false;
  slots.forEach(function (slot) { if (slot.getAttribute("data-article")) onStory = true; });
  if (onStory) { reads.push(now); reads = reads.slice(-200); save(local, READS, reads); }
  var count = reads.length;
  var readsBucket = count === 0 ? "0" : count < 5 ? "1-4" : count < 15 ? "5-14" : "15+";

  /* Where this visit came from, decided on its first page. */
  function referrerKind() {
    var medium = (new URLSearchParams(location.search).get("utm_medium") || "").toLowerCase();
    if (medium === "email" || medium === "newsletter") return "newsletter";
    var host = "";
    try { host = document.referrer ? new URL(document.referrer).hostname : ""; } catch (e) { host = ""; }
    if (!host || host === location.hostname) return "direct";
    if (/(^|\.)(google|bing|duckduckgo|yahoo|ecosia|baidu|yandex|startpage|qwant|brave)\./.test(host)) return "search";
    if (/(^|\.)(facebook|instagram|linkedin|reddit|threads|bsky|mastodon|tiktok|youtube|whatsapp)\.|(^|\.)(t\.co|x\.com|twitter\.com|news\.ycombinator\.com)$/.test(host)) return "social";
    if (/(mail|newsletter)/.test(host)) return "newsletter";
    return "other";
  }
  var referrer = session && session.getItem(REFERRER) ? readJSON(session, REFERRER, "direct") : referrerKind();
  save(session, REFERRER, referrer);

  /* The donor hint the thank-you page leaves: "monthly|2027-01-31" (signed; read, not trusted). */
  function donorState() {
    var m = document.cookie.match(/(?:^|;\s*)support_hint="?([^;"]*)/);
    if (!m) return "never";
    var parts = decodeURIComponent(m[1]).split(":")[0].split("|");
    var kind = parts[0], through = Date.parse(parts[1] || "");
    if (kind === "once") return "one_off";
    if (kind !== "monthly" && kind !== "annual") return "never";
    return through && through + 7 * DAY < now ? "lapsed" : "recurring";
  }
  var donor = donorState();

  var seen = readJSON(local, VIEWS, {});
  if (typeof seen !== "object" || seen === null || Array.isArray(seen)) seen = {};

  function eligible(rules, id, country) {
    if (rules.starts && now < rules.starts) return false;
    if (rules.ends && now >= rules.ends) return false;
    if (rules.reads && rules.reads.length && rules.reads.indexOf(readsBucket) < 0) return false;
    if (rules.donor && rules.donor.length) {
      if (rules.donor.indexOf(donor) < 0) return false;
    } else if (donor === "recurring") {
      return false; /* monthly and yearly donors only see what names them */
    }
    if (rules.referrer && rules.referrer.length && rules.referrer.indexOf(referrer) < 0) return false;
    if (rules.country && rules.country.length && rules.country.indexOf(country) < 0) return false;
    var times = (seen[id] || []).filter(function (t) { return typeof t === "number"; });
    if (rules.cap) {
      var recent = times.filter(function (t) { return now - t < rules.cap[1] * DAY; });
      if (recent.length >= rules.cap[0]) return false;
    }
    if (rules.gap && times.length && now - Math.max.apply(null, times) < rules.gap * DAY) return false;
    return true;
  }

  function send(slot, id, event) {
    var body = JSON.stringify({ v: Number(id), e: event, a: Number(slot.getAttribute("data-article")) || null });
    try {
      fetch(slot.getAttribute("data-count"), {
        method: "POST", body: body, credentials: "omit", keepalive: true,
        headers: { "Content-Type": "application/json" }
      }).catch(function () {});
    } catch (e) { /* nothing to count with */ }
  }

  function choose(slot, weights, country) {
    var placement = slot.getAttribute("data-appeal-slot");
    var options = [];
    var shown = slot.querySelector("[data-variant]:not(template)");
    var candidates = shown ? [{ element: shown }] : [];
    slot.querySelectorAll("template[data-variant]").forEach(function (t) {
      candidates.push({ element: t.content.firstElementChild, template: t });
    });
    candidates.forEach(function (c) {
      if (!c.element) return;
      var rules = {};
      try { rules = JSON.parse(c.element.getAttribute("data-rules") || "{}"); } catch (e) { rules = {}; }
      c.id = c.element.getAttribute("data-variant");
      if (eligible(rules, c.id, country)) options.push(c);
    });
    if (!options.length) { slot.hidden = true; return; }
    var shares = (weights && weights[placement]) || {};
    var total = 0;
    options.forEach(function (o) { o.weight = Math.max(0, Number(shares[o.id]) || 0); total += o.weight; });
    if (!(total > 0)) { options.forEach(function (o) { o.weight = 1; }); total = options.length; }
    var draw = Math.random() * total, picked = options[options.length - 1];
    for (var i = 0; i < options.length; i++) {
      draw -= options[i].weight;
      if (draw < 0) { picked = options[i]; break; }
    }
    if (picked.template && shown) {
      var fresh = picked.element.cloneNode(true);
      if (slot.hasAttribute("data-dismiss-ready")) {
        fresh.querySelectorAll("[data-pending]").forEach(function (b) { b.removeAttribute("data-pending"); });
      }
      shown.replaceWith(fresh);
      if (fresh.getAttribute("data-label")) slot.setAttribute("aria-label", fresh.getAttribute("data-label"));
    }
    slot.setAttribute("data-chosen", picked.id);
    if (slot.hidden) return; /* the banner's own cap closed it */
    var times = (seen[picked.id] || []).filter(function (t) { return now - t < 366 * DAY; });
    times.push(now);
    seen[picked.id] = times.slice(-50);
    save(local, VIEWS, seen);
    var sample = parseInt(slot.getAttribute("data-sample"), 10) || 1;
    if (Math.random() * sample < 1) send(slot, picked.id, "view");
    slot.addEventListener("click", function (event) {
      if (event.target.closest("[data-appeal-give]")) send(slot, picked.id, "click");
    });
  }

  function run(data) {
    slots.forEach(function (slot) {
      if (slot.hasAttribute("data-appeal-preview")) return; /* staff preview: as drawn, uncounted */
      choose(slot, data && data.placements, data && data.country);
    });
    document.dispatchEvent(new CustomEvent("appeals:chosen"));
  }

  fetch(slots[0].getAttribute("data-weights"), { credentials: "omit" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .catch(function () { return null; })
    .then(run);
})();
