// Ask before leaving the article form with changes that were not saved.
"use strict";
{
  const form = document.getElementById("article_form");
  if (form) {
    let changed = false;
    const mark = () => { changed = true; };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", () => { changed = false; });
    window.addEventListener("beforeunload", (event) => {
      if (changed) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }
}
