// The goal meter as it is now: a kept page shows the figures it was rendered with, and this
// draws the current ones over them (/support/goal.json, at most a minute old). No cookie is sent.
// A meter the appeal picker swaps in later is drawn when it says so ("appeals:chosen").
(function () {
  if (window.newsroomGoalMeter) return;
  function draw() {
    var meters = document.querySelectorAll("[data-goal-meter]:not([data-goal-drawn])");
    if (!meters.length || !window.fetch) return;
    meters.forEach(function (meter) { meter.setAttribute("data-goal-drawn", ""); });
    fetch(meters[0].getAttribute("data-goal-meter"), { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (goal) {
        if (!goal) return;
        meters.forEach(function (meter) {
          meter.querySelector(".goal-meter-label").textContent = goal.label;
          var bar = meter.querySelector("meter");
          bar.max = goal.goal;
          bar.value = goal.raised;
          bar.textContent = goal.percent + "%";
        });
      })
      .catch(function () {});
  }
  window.newsroomGoalMeter = draw;
  draw();
  document.addEventListener("appeals:chosen", draw);
})();
