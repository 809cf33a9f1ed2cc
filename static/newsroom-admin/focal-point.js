// The photo form: clicking the photo sets its focal point in the two number boxes beside it
// (which also work without JavaScript), and a marker shows where it is.
"use strict";
for (const picker of document.querySelectorAll("[data-focal-picker]")) {
  const form = picker.closest("form");
  const inputs = {
    x: form && form.querySelector('input[data-focal="x"]'),
    y: form && form.querySelector('input[data-focal="y"]'),
  };
  if (!inputs.x || !inputs.y) continue;
  const image = picker.querySelector("img");
  const marker = picker.querySelector(".focal-marker");
  const clamp = (value) => Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0.5));
  const show = () => {
    marker.style.left = `${clamp(parseFloat(inputs.x.value)) * 100}%`;
    marker.style.top = `${clamp(parseFloat(inputs.y.value)) * 100}%`;
    marker.hidden = false;
  };
  image.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    inputs.x.value = clamp((event.clientX - box.left) / box.width).toFixed(2);
    inputs.y.value = clamp((event.clientY - box.top) / box.height).toFixed(2);
    for (const input of [inputs.x, inputs.y]) {
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    show();
  });
  inputs.x.addEventListener("input", show);
  inputs.y.addEventListener("input", show);
  picker.classList.add("is-active");
  show();
}
