// Ask before leaving the article form with changes that were not saved: typed into any
// field, the body editor included (it reports its changes as input events on its textarea).
"use strict";
{
  const form = document.getElementById("article_form");
  if (form) {
    // A form sent back with errors holds changes the server did not save.
    let changed = form.querySelector(".errornote") !== null;
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
