/* The top banner, counted and closed in this browser only: the page stays the same for every
   reader (one cached copy); without JavaScript the banner simply shows. */
(function () {
  "use strict";
  var banner = document.querySelector("[data-appeal-cap]");
  if (!banner) return;
  var maxViews = parseInt(banner.getAttribute("data-max-views"), 10);
  var windowMs = parseInt(banner.getAttribute("data-window-days"), 10) * 86400000;
  if (!(maxViews > 0) || !(windowMs > 0)) return;
  var viewsKey = "appeal-banner-views";
  var closedKey = "appeal-banner-closed";
  var now = Date.now();
  var store;
  try {
    store = window.localStorage;
    store.getItem(viewsKey);
  } catch (e) {
    return; /* storage blocked: just show the banner */
  }
  function save(key, value) {
    try { store.setItem(key, value); } catch (e) { /* full or blocked: nothing to remember */ }
  }
  var closedAt = parseInt(store.getItem(closedKey), 10);
  if (closedAt > 0 && now - closedAt < windowMs) {
    banner.hidden = true;
    return;
  }
  var views = [];
  try { views = JSON.parse(store.getItem(viewsKey) || "[]"); } catch (e) { views = []; }
  if (!Array.isArray(views)) views = [];
  views = views.filter(function (t) { return typeof t === "number" && now - t < windowMs; });
  if (views.length >= maxViews) {
    banner.hidden = true;
    return;
  }
  views.push(now);
  save(viewsKey, JSON.stringify(views));
  /* The picker (appeal-picker.js) may swap the banner's variant: clicks are taken on the
     banner, and a swapped-in "Not now" is ready at once. */
  banner.setAttribute("data-dismiss-ready", "");
  banner.querySelectorAll("[data-appeal-dismiss]").forEach(function (close) {
    close.removeAttribute("data-pending");
  });
  banner.addEventListener("click", function (event) {
    if (!event.target.closest("[data-appeal-dismiss]")) return;
    save(closedKey, String(Date.now()));
    banner.hidden = true;
    var main = document.getElementById("main");
    if (main) { main.setAttribute("tabindex", "-1"); main.focus(); }
  });
})();
