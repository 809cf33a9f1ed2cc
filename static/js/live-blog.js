// An open live blog picks up new entries without a reload. Every data-live-interval seconds,
// while the tab is visible, it asks for the blog's small poll document (live.json: kept by
// the page cache and the edge, a few seconds old at most, no cookie sent) and puts the
// entries it lists first, in its order: new ones inserted, edited ones replaced. A complete
// document also removes what is no longer there. A closed blog stops asking.
(function () {
  var blog = document.querySelector("[data-live-poll]");
  if (!blog || !window.fetch || !("content" in document.createElement("template"))) return;
  var list = blog.querySelector("[data-live-entries]");
  var status = blog.querySelector("[data-live-status]");
  var url = blog.getAttribute("data-live-poll");
  var every = Math.max(1, parseInt(blog.getAttribute("data-live-interval"), 10) || 15) * 1000;
  var timer = null;
  var busy = false;
  var closed = false;

  function draw(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    return holder.content.firstElementChild;
  }

  function apply(doc) {
    var added = 0;
    var listed = {};
    var anchor = list.firstElementChild;
    doc.entries.forEach(function (item) {
      var id = "entry-" + item.id;
      listed[id] = true;
      var old = document.getElementById(id);
      var node = old;
      var fresh = draw(item.html);
      if (!old) {
        node = fresh;
        added += 1;
      } else if (old.getAttribute("data-version") !== fresh.getAttribute("data-version")) {
        node = fresh;
      }
      if (old && old === anchor) anchor = anchor.nextElementSibling;
      if (old && node !== old) old.remove();
      list.insertBefore(node, anchor);
    });
    if (doc.complete) {
      Array.prototype.slice.call(list.children).forEach(function (node) {
        if (!listed[node.id]) node.remove();
      });
    }
    if (!doc.open) {
      closed = true;
      status.textContent = "This live blog has ended.";
    } else if (added) {
      status.textContent = added === 1 ? "1 new update." : added + " new updates.";
    } else if (list.children.length) {
      status.textContent = status.textContent === "No updates yet." ? "" : status.textContent;
    }
  }

  function later() {
    clearTimeout(timer);
    if (!closed && !document.hidden) timer = setTimeout(poll, every);
  }

  function poll() {
    if (busy || closed || document.hidden) return;
    busy = true;
    fetch(url, { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (doc) { if (doc && doc.entries) apply(doc); })
      .catch(function () {})
      .then(function () {
        busy = false;
        later();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) clearTimeout(timer);
    else poll();
  });
  later();
})();
