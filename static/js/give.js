/* The support form: choosing a frequency picks an amount of its own, so no hidden tile of
   another frequency stays chosen. Without JavaScript the reader picks one; the server checks. */
(function () {
  "use strict";
  var form = document.querySelector(".give-form");
  if (!form) return;
  form.addEventListener("change", function (event) {
    if (event.target.name !== "frequency") return;
    var group = form.querySelector(".amounts-" + event.target.value);
    if (!group || group.querySelector("input:checked")) return;
    var first = group.querySelector("input[name=amount]");
    if (first) first.checked = true;
  });
})();
