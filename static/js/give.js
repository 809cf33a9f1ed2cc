/* The support form: choosing a frequency picks an amount of its own, so no hidden tile of
   another frequency stays chosen; typing an amount clears the tile (the typed one is the one
   taken) and picking a tile clears what was typed; the button names the gift ("Give $50 a
   month"). Without JavaScript the reader picks one; the server checks. */
(function () {
  "use strict";
  var form = document.querySelector(".give-form");
  if (!form) return;
  var typed = form.querySelector("input[name=custom_amount]");
  var button = form.querySelector("[data-give-label]");
  var sign = form.getAttribute("data-sign") || "";
  var PERIOD = { monthly: "a month", annual: "a year", once: "once" };

  function frequency() {
    var checked = form.querySelector("input[name=frequency]:checked");
    return checked ? checked.value : "";
  }
  function money(text) {
    var value = Number(String(text).replace(/[^0-9.]/g, ""));
    if (!(value > 0)) return "";
    return sign + (value % 1 ? value.toFixed(2) : String(value));
  }
  function label() {
    if (!button) return;
    var tile = form.querySelector(".amounts-" + frequency() + " input[name=amount]:checked");
    var amount = typed && typed.value.trim() ? money(typed.value) : tile ? money(tile.value) : "";
    var period = PERIOD[frequency()];
    button.textContent = amount && period ? "Give " + amount + " " + period : "Continue to payment";
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "frequency") {
      var group = form.querySelector(".amounts-" + event.target.value);
      if (group && !group.querySelector("input:checked") && !(typed && typed.value.trim())) {
        var first = group.querySelector("input[name=amount]");
        if (first) first.checked = true;
      }
    }
    if (event.target.name === "amount" && typed) typed.value = "";
    label();
  });
  if (typed) {
    typed.addEventListener("input", function () {
      if (typed.value.trim()) {
        form.querySelectorAll("input[name=amount]:checked").forEach(function (tile) { tile.checked = false; });
      }
      label();
    });
  }
  label();
})();
