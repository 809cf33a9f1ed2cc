/* The support form: choosing a frequency picks an amount of its own, so no hidden tile of
   another frequency stays chosen; typing an amount clears the tile (the typed one is the one
   taken) and picking a tile clears what was typed; the button names the gift ("Give $50 a
   month"); and "Add $0.36 to cover fees" follows the chosen amount. Without JavaScript the
   reader picks one, the label names the amount the page opened with, and the server checks
   and counts the fee again from the amount given. */
(function () {
  "use strict";
  var form = document.querySelector(".give-form");
  if (!form) return;
  var fee = form.querySelector(".cover-fees");

  // The server's estimate (support.money.fee_estimate), in whole minor units, so no float
  // rounds a half differently: percent of the gift plus the fixed part, half up to the unit.
  function minor(text, places) {
    var match = /^\s*(\d+)(?:[.,](\d{1,3}))?\s*$/.exec(text || "");
    if (!match) return null;
    var decimals = (match[2] || "").padEnd(places, "0");
    if (decimals.length > places) return null;
    return parseInt(match[1] + decimals, 10);
  }
  function redrawFee() {
    if (!fee) return;
    var places = parseInt(fee.dataset.feePlaces, 10);
    var typed = form.querySelector("input[name=custom_amount]");
    var chosen = form.querySelector("input[name=amount]:checked");
    var text = typed && typed.value.trim() ? typed.value : chosen && chosen.value;
    var amount = minor(text, places);
    var label = fee.querySelector("label");
    if (amount === null) {
      label.textContent = "Add about the payment fee to my gift";
      return;
    }
    var hundredths = Math.round(parseFloat(fee.dataset.feePercent) * 100);
    var fixed = minor(fee.dataset.feeFixed, places) || 0;
    var unit = minor(fee.dataset.feeUnit, places) || 1;
    var raw = amount * hundredths + fixed * 10000; // in 1/10000 of a minor unit
    var units = Math.max(1, Math.floor((raw + 5000 * unit) / (10000 * unit)));
    var value = (units * unit / Math.pow(10, places)).toLocaleString("en-US", {
      minimumFractionDigits: places,
      maximumFractionDigits: places
    });
    label.textContent = "Add " + fee.dataset.feeSign + value + " to cover fees";
  }
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
    var places = value % 1 ? 2 : 0;
    return sign + value.toLocaleString("en", {
      minimumFractionDigits: places,
      maximumFractionDigits: places
    });
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
    redrawFee();
  });
  form.addEventListener("input", redrawFee);
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
