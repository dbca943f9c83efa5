/* Drag and drop on the kaizen board: pointer and touch, by each card's handle. A drop posts to
   the same move endpoint as the "Move to…" form, with the card's version, and the board the
   server answers with replaces this one (so a refused move shows the current board). */
(function () {
  "use strict";

  function wire(root) {
    var board = root.closest ? (root.matches(".board") ? root : root.querySelector(".board")) : null;
    if (!board || board.classList.contains("board--readonly") || typeof Sortable === "undefined") {
      return;
    }
    board.querySelectorAll("ol.cards").forEach(function (list) {
      if (list.dataset.sortable) { return; }
      list.dataset.sortable = "1";
      Sortable.create(list, {
        group: "board-" + board.dataset.board,
        handle: ".card__handle",
        forceFallback: true,
        fallbackTolerance: 3,
        ghostClass: "card-ghost",
        chosenClass: "card-chosen",
        onEnd: function (event) {
          if (event.from === event.to && event.oldIndex === event.newIndex) { return; }
          var card = event.item;
          htmx.ajax("POST", card.dataset.moveUrl, {
            source: card,
            target: "#" + board.id,
            swap: "outerHTML",
            values: {
              column: event.to.dataset.column,
              position: event.newIndex + 1,
              version: card.dataset.version
            }
          });
        }
      });
    });
  }

  // A new column arrives by websocket to be inserted before the finishing column. A page that
  // loaded (or resynced) just after the column was added has it already: never add it twice.
  document.body.addEventListener("htmx:oobBeforeSwap", function (event) {
    var fragment = event.detail.fragment;
    if (!fragment || !fragment.querySelectorAll) { return; }
    // The "Add a card" column list comes anew when columns change: keep what was chosen.
    if (event.detail.target.tagName === "SELECT") {
      var list = fragment.querySelector("select");
      if (list) { list.value = event.detail.target.value; }
      return;
    }
    var incoming = fragment.querySelectorAll("[id^='column-']");
    for (var i = 0; i < incoming.length; i++) {
      var existing = document.getElementById(incoming[i].id);
      if (existing && existing !== event.detail.target && !event.detail.target.contains(existing)) {
        event.detail.shouldSwap = false;
        return;
      }
    }
  });

  // Presence: while the board's socket is open, tell the server every 40 seconds that this
  // person is still here (kaizen.models.VIEWER_HEARTBEAT), and at once when the page is shown
  // again. "Viewing now" counts only sockets heard from lately, so someone whose socket died
  // without closing (a killed server, a stopped Redis, a laptop shut) drops out by itself.
  var HEARTBEAT_MS = 40000;
  var beating = new Map();
  function stopBeating(live) {
    var entry = beating.get(live);
    if (entry) { clearInterval(entry.timer); }
    beating.delete(live);
  }
  function beat(live) {
    var entry = beating.get(live);
    // The board left the page without a close event reaching us: stop with it.
    if (!entry || !document.body.contains(live)) { stopBeating(live); return; }
    entry.socket.sendImmediately("heartbeat");
  }
  document.body.addEventListener("htmx:wsOpen", function (event) {
    var live = event.target;
    if (!live.classList || !live.classList.contains("board-live")) { return; }
    stopBeating(live);
    beating.set(live, {
      socket: event.detail.socketWrapper,
      timer: setInterval(function () { beat(live); }, HEARTBEAT_MS)
    });
  });
  document.body.addEventListener("htmx:wsClose", function (event) { stopBeating(event.target); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { beating.forEach(function (_, live) { beat(live); }); }
  });

  // Columns arrive by websocket and the board by htmx: wire whatever new lists appear.
  document.addEventListener("DOMContentLoaded", function () { wire(document.body); });
  document.addEventListener("htmx:load", function (event) {
    var el = event.detail.elt;
    var board = el.closest && el.closest(".board");
    if (board) { wire(board); }
  });
})();
