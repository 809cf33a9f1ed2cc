/* Show the top banner at most N times per window, counted in this browser only.
   The page stays the same for every reader (cacheable); without JavaScript the banner shows. */
(function () {
  "use strict";
  var banner = document.querySelector("[data-appeal-cap]");
  if (!banner) return;
  var maxViews = parseInt(banner.getAttribute("data-max-views"), 10);
  var windowMs = parseInt(banner.getAttribute("data-window-days"), 10) * 86400000;
  if (!(maxViews > 0) || !(windowMs > 0)) return;
  var key = "appeal-banner-views";
  var now = Date.now();
  var views = [];
  try {
    views = JSON.parse(window.localStorage.getItem(key) || "[]");
  } catch (e) {
    return; /* storage blocked: just show the banner */
  }
  if (!Array.isArray(views)) views = [];
  views = views.filter(function (t) { return typeof t === "number" && now - t < windowMs; });
  if (views.length >= maxViews) {
    banner.hidden = true;
    return;
  }
  views.push(now);
  try {
    window.localStorage.setItem(key, JSON.stringify(views));
  } catch (e) { /* full or blocked storage: nothing to remember */ }
})();
