/* LeanHub's own behaviour, small on purpose: the server renders, htmx swaps. */
(function () {
  "use strict";

  // After a websocket (re)connects, every live fragment refetches itself: anything pushed while
  // the socket was down is picked up, so a dropped network or a server restart loses nothing.
  // Only a socket that had been open before and comes back triggers it: a page with two
  // sockets (the personal feed and a board) must not refetch just because the second opened.
  var openedBefore = new WeakSet();
  document.body.addEventListener("htmx:wsOpen", function (event) {
    var socketElement = event.target;
    if (socketElement && openedBefore.has(socketElement)) {
      htmx.trigger(document.body, "resync");
    }
    if (socketElement) {
      openedBefore.add(socketElement);
      socketElement.dataset.live = "connected";
    }
    document.documentElement.dataset.live = "connected";
  });
  document.body.addEventListener("htmx:wsClose", function (event) {
    if (event.target && event.target.dataset) { event.target.dataset.live = "reconnecting"; }
    document.documentElement.dataset.live = "reconnecting";
  });

  // Put keyboard focus on a form's error summary so screen-reader users hear what went wrong.
  function focusErrors(root) {
    var summary = (root || document).querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  // Not when a live region refetched itself after a reconnect: the person did not ask for it.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var config = event.detail.requestConfig;
    if (config && config.triggeringEvent && config.triggeringEvent.type === "resync") { return; }
    focusErrors(event.detail.target);
  });
})();
