/* Raising an idea: show the red-tape fields for "stop doing" and mark them required (they are
   required only then), work out hours a year as people type, and stop a second click from
   sending the form twice (the server also refuses it).
   The words come from the page, in its language: the hours sentence from the
   #hours-a-year-messages template, the button's "Sending…" from the form's data-msg-sending. */
(function () {
  "use strict";

  function setUp() {
    var form = document.querySelector(".idea-form");
    if (!form) { return; }

    var redTape = document.getElementById("red-tape");
    function showRedTape() {
      var chosen = form.querySelector("input[name='kind']:checked");
      var stopDoing = Boolean(chosen && chosen.value === "stop_doing");
      if (!redTape) { return; }
      redTape.hidden = !stopDoing;
      // The page holds both markers, in its language; only the one that fits is shown.
      redTape.querySelectorAll("[data-when-stop-doing]").forEach(function (marker) {
        marker.hidden = (marker.dataset.whenStopDoing === "required") !== stopDoing;
      });
      redTape.querySelectorAll("[name]").forEach(function (input) {
        if (stopDoing) { input.setAttribute("aria-required", "true"); }
        else { input.removeAttribute("aria-required"); }
      });
    }
    form.addEventListener("change", showRedTape);
    showRedTape();

    var language = document.documentElement.lang || "en-GB";
    var hoursSentence = pluralMessages(document.getElementById("hours-a-year-messages"), language,
      "That is about {n} hours a year.");

    var minutes = form.querySelector("[name='minutes_per_occurrence']");
    var times = form.querySelector("[name='occurrences_per_year']");
    var output = document.getElementById("hours-a-year");
    function estimate() {
      var m = parseFloat(minutes.value), t = parseFloat(times.value);
      var hours = Math.round(m * t / 60);
      output.textContent = (m >= 0 && t >= 0)
        ? hoursSentence(hours).replace("{n}", hours.toLocaleString(language))
        : "";
    }
    if (minutes && times && output) {
      minutes.addEventListener("input", estimate);
      times.addEventListener("input", estimate);
      estimate();
    }

    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type='submit']");
      var sending = form.dataset.msgSending || "Sending…";
      window.setTimeout(function () { button.disabled = true; button.textContent = sending; }, 0);
    });
  }

  // A sentence whose wording follows a number. The template holds it, translated, for a few
  // sample numbers (<span data-count="2">…</span>), rendered with the language's plural forms;
  // the browser's plural rules for the language say which sample's form a given number takes.
  function pluralMessages(holder, language, fallback) {
    var byCategory = {};
    if (holder && holder.content && window.Intl && Intl.PluralRules) {
      var rules = new Intl.PluralRules(language);
      holder.content.querySelectorAll("[data-count]").forEach(function (sample) {
        byCategory[rules.select(Number(sample.dataset.count))] = sample.textContent;
      });
      return function (n) { return byCategory[rules.select(n)] || byCategory.other || fallback; };
    }
    return function () { return fallback; };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
