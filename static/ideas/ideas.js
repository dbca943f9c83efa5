/* Raising an idea: show the red-tape fields for "stop doing", work out hours a year as people
   type, and stop a second click from sending the form twice (the server also refuses it). */
(function () {
  "use strict";

  function setUp() {
    var form = document.querySelector(".idea-form");
    if (!form) { return; }

    var redTape = document.getElementById("red-tape");
    function showRedTape() {
      var chosen = form.querySelector("input[name='kind']:checked");
      if (redTape) { redTape.hidden = !(chosen && chosen.value === "stop_doing"); }
    }
    form.addEventListener("change", showRedTape);
    showRedTape();

    var minutes = form.querySelector("[name='minutes_per_occurrence']");
    var times = form.querySelector("[name='occurrences_per_year']");
    var output = document.getElementById("hours-a-year");
    function estimate() {
      var m = parseFloat(minutes.value), t = parseFloat(times.value);
      output.textContent = (m >= 0 && t >= 0)
        ? "That is about " + Math.round(m * t / 60).toLocaleString("en-GB") + " hours a year."
        : "";
    }
    if (minutes && times && output) {
      minutes.addEventListener("input", estimate);
      times.addEventListener("input", estimate);
      estimate();
    }

    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type='submit']");
      window.setTimeout(function () { button.disabled = true; button.textContent = "Sending…"; }, 0);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
