/* Value-stream map editor: after htmx swaps the workspace, put keyboard focus back where the
   person was working (the moved step's button, the add form), so the keyboard flow continues.
   When someone else's edit arrives over the map's socket, the figures, drawing and table are
   replaced under the reader: keep their focus and the drawing's sideways scroll where they were. */
(function () {
  "use strict";

  function focusAfterSwap(root) {
    var want = root.getAttribute("data-focus");
    if (!want) { return; }
    var candidates = [want];
    var moved = /^move-(up|down)-(\d+)$/.exec(want);
    if (moved) {
      // At the top or bottom the button just used is gone: fall back to the other, then the step.
      candidates.push("move-" + (moved[1] === "up" ? "down" : "up") + "-" + moved[2]);
      candidates.push("step-" + moved[2] + "-name");
    }
    var step = /^step-(\d+)$/.exec(want);
    if (step) { candidates = ["edit-" + step[1], "step-" + step[1] + "-name"]; }
    if (want === "add") { candidates = ["add_name"]; }
    for (var i = 0; i < candidates.length; i++) {
      var el = document.getElementById(candidates[i]);
      if (el) { el.focus(); return; }
    }
  }

  // On the swap itself, not after it settles: the settle comes a moment later (later still
  // while a live update is being swapped in), and a key pressed in between would otherwise
  // have its focus pulled away.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && /^step-\d+$/.test(target.id || "") && target.querySelector("form")) {
      // An edit form swapped into one step: start at its first field.
      var first = target.querySelector("input:not([type=hidden])");
      if (first) { first.focus(); }
      return;
    }
    // Only the person's own edits move focus: not a live region refetching itself after a
    // reconnect, nor the notification count in the header.
    if (!target || target.id !== "vsm-workspace") { return; }
    var root = document.getElementById("vsm-workspace");
    if (!root) { return; }
    var invalid = root.querySelector(".field--error input, .field--error select, .field--error textarea");
    if (invalid) { invalid.focus(); return; }
    focusAfterSwap(root);
  });

  var SCROLLERS = ["vsm-canvas", "vsm-table"];
  var kept = null;
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !/^vsm-live-\d+$/.test(target.id || "")) { return; }
    var active = document.activeElement;
    kept = { focus: active && active.id && target.contains(active) ? active.id : null, scroll: {} };
    SCROLLERS.forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { kept.scroll[id] = el.scrollLeft; }
    });
  });
  document.addEventListener("htmx:oobAfterSwap", function () {
    if (!kept) { return; }
    Object.keys(kept.scroll).forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.scrollLeft = kept.scroll[id]; }
    });
    var focus = kept.focus && document.getElementById(kept.focus);
    if (focus) { focus.focus({ preventScroll: true }); }
    kept = null;
  });
})();
