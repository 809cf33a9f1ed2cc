// While the article form is open, tell the server so once a minute (the heartbeat), and show
// who else has the story open. A notice, never a block: the server refuses a stale save.
"use strict";
{
  const notice = document.querySelector(".editing-notice[data-editing-url]");
  const token = document.querySelector("#article_form input[name=csrfmiddlewaretoken]");
  if (notice && token) {
    const beat = async () => {
      try {
        const response = await fetch(notice.dataset.editingUrl, {
          method: "POST",
          headers: { "X-CSRFToken": token.value },
          credentials: "same-origin",
        });
        if (!response.ok) return;
        const { notice: text } = await response.json();
        notice.textContent = text;
        notice.hidden = !text;
      } catch {
        // Offline for now: the next beat tries again.
      }
    };
    setInterval(beat, Number(notice.dataset.interval || 60) * 1000);
  }
}
