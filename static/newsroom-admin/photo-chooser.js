// The photo chooser in a dialog on the article form: search the whole library (caption,
// photographer, agency; a rights filter), page through it, choose a photo or upload one in
// place. The dialog's content is the chooser page's own HTML (admin/articles/photo/
// chooser_panel.html), fetched from this site; it lives outside the article's <form>, since
// the upload is a form of its own.

let dialog = null;
let chosen = null;

function build(url) {
  dialog = document.createElement("dialog");
  dialog.className = "photo-chooser";
  dialog.setAttribute("aria-labelledby", "photo-chooser-title");
  dialog.innerHTML =
    '<div class="photo-chooser-head"><h2 id="photo-chooser-title">Choose a photo</h2>' +
    '<button type="button" class="button" data-chooser-close>Close</button></div>' +
    '<div class="photo-chooser-body"><p>Loading the library…</p></div>';
  dialog.dataset.url = url;
  document.body.append(dialog);
  dialog.addEventListener("click", onClick);
  dialog.addEventListener("submit", onSubmit);
}

function body() {
  return dialog.querySelector(".photo-chooser-body");
}

function partial(url) {
  const address = new URL(url, window.location.href);
  address.searchParams.set("partial", "1");
  return address;
}

async function fetchHTML(url, options = {}) {
  const response = await fetch(partial(url), { credentials: "same-origin", ...options });
  return { response, text: await response.text() };
}

function parse(text) {
  return new DOMParser().parseFromString(`<div>${text}</div>`, "text/html").body.firstChild;
}

function failed(place, message) {
  const note = document.createElement("p");
  note.className = "errornote";
  note.setAttribute("role", "alert");
  note.textContent = message;
  place.replaceChildren(note);
}

async function showResults(url) {
  const results = dialog.querySelector(".chooser-results");
  results.setAttribute("aria-busy", "true");
  try {
    const { response, text } = await fetchHTML(url);
    if (!response.ok) throw new Error(response.statusText);
    results.replaceWith(parse(text).querySelector(".chooser-results"));
  } catch {
    failed(results, "The library could not be searched just now. Try again.");
    results.removeAttribute("aria-busy");
  }
}

function choose(photo) {
  const done = chosen;
  dialog.close();
  if (done) done(photo);
}

function onClick(event) {
  const target = event.target.closest("[data-chooser-close], [data-chooser-page], [data-choose-photo]");
  if (!target) return;
  event.preventDefault();
  if (target.matches("[data-chooser-close]")) dialog.close();
  else if (target.matches("[data-chooser-page]")) showResults(target.href);
  else choose({ id: target.dataset.choosePhoto, label: target.dataset.label });
}

async function onSubmit(event) {
  const form = event.target;
  if (form.matches(".chooser-search")) {
    event.preventDefault();
    const url = new URL(form.action, window.location.href);
    for (const [name, value] of new FormData(form)) if (value) url.searchParams.set(name, value);
    showResults(url);
  } else if (form.matches(".chooser-upload")) {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const { response, text } = await fetchHTML(form.action, { method: "POST", body: new FormData(form) });
      if (response.status === 201) {
        choose(JSON.parse(text));
        return;
      }
      if (response.status !== 400) throw new Error(response.statusText);
      const again = parse(text).querySelector(".chooser-upload");
      form.replaceWith(again);
      (again.querySelector(".errorlist + *, [aria-invalid]") || again.querySelector("input, select"))?.focus();
    } catch {
      button.disabled = false;
      failed(form.querySelector(".chooser-upload-error") || form.appendChild(document.createElement("div")), "The photo could not be uploaded just now. Try again.");
    }
  }
}

/** Open the chooser; onChoose({id, label}) is called with the photo chosen. */
export async function openPhotoChooser(url, onChoose) {
  if (!dialog) build(url);
  chosen = onChoose;
  dialog.showModal();
  if (!dialog.dataset.loaded) {
    try {
      const { response, text } = await fetchHTML(url);
      if (!response.ok) throw new Error(response.statusText);
      body().replaceChildren(...parse(text).childNodes);
      dialog.dataset.loaded = "true";
    } catch {
      failed(body(), "The photo library could not be opened just now. Close this and try again.");
      return;
    }
  }
  dialog.querySelector("#chooser-q")?.focus();
}

/** A "Choose a photo…" button beside the hero photo's box (an autocomplete select). */
export function chooserForHero(url) {
  const select = document.querySelector('select[name="hero_photo"]');
  if (!select) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button photo-chooser-open";
  button.textContent = "Choose a photo…";
  button.setAttribute("aria-label", "Choose the hero photo from the library");
  (select.closest(".related-widget-wrapper") || select).after(button);
  button.addEventListener("click", () =>
    openPhotoChooser(url, ({ id, label }) => {
      let option = [...select.options].find((candidate) => candidate.value === String(id));
      if (!option) {
        option = new Option(label, id, true, true);
        select.append(option);
      }
      select.value = String(id);
      select.dispatchEvent(new Event("change", { bubbles: true }));
      button.focus();
    }),
  );
}
