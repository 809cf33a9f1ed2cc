// Keep the article form's text every half minute while it has changes since the last time
// (and the page is seen): the server keeps one draft per story and user, never the story.
"use strict";
{
  const form = document.getElementById("article_form");
  const status = document.querySelector(".autosave-status[data-autosave-url]");
  const token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  if (form && status && token) {
    const names = status.dataset.fields.split(" ");
    const value = (name) => form.elements.namedItem(name)?.value;
    // A form sent back with errors holds text the server did not save.
    let changed = form.querySelector(".errornote") !== null;
    let stopped = false;
    const mark = () => { changed = true; };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", () => { stopped = true; });
    const draft = () => {
      const fields = {};
      for (const name of names) {
        const text = value(name);
        if (typeof text === "string") fields[name] = text;
      }
      return {
        fields,
        opened_version: value("opened_version") || "",
        edited_since: value("edited_since") || "",
      };
    };
    const keep = async () => {
      if (stopped || !changed || document.visibilityState !== "visible") return;
      changed = false;
      try {
        const response = await fetch(status.dataset.autosaveUrl, {
          method: "POST",
          headers: { "X-CSRFToken": token.value, "Content-Type": "application/json" },
          credentials: "same-origin",
          body: JSON.stringify(draft()),
        });
        const answer = await response.json().catch(() => ({}));
        if (stopped) return;
        if (response.ok) {
          status.textContent = `Draft saved ${answer.shown}`;
        } else {
          changed = true;
          status.textContent = `Draft not saved: ${answer.error || "try saving the story."}`;
        }
      } catch {
        changed = true; // offline for now: the next round tries again
      }
    };
    setInterval(keep, Number(status.dataset.interval || 30) * 1000);
  }
}
