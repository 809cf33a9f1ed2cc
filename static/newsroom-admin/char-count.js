// A live character count beside inputs that carry data-count-limit (the headline).
"use strict";
for (const input of document.querySelectorAll("input[data-count-limit]")) {
  const limit = Number(input.dataset.countLimit);
  const count = document.createElement("p");
  count.className = "char-count";
  count.setAttribute("aria-live", "polite");
  const show = () => {
    const length = input.value.length;
    count.textContent = `${length} of ${limit} characters`;
    count.classList.toggle("over-limit", length > limit);
  };
  // Under the box (outside the admin's row of label and box), above the help text.
  (input.closest(".flex-container") || input).after(count);
  input.addEventListener("input", show);
  show();
}
