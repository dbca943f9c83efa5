/* LeanHub's own behaviour, small on purpose: the server renders, htmx swaps. */
(function () {
  "use strict";

  // A dropped socket retries after a random pause that doubles with each failure, capped at
  // 8 seconds (the websocket extension's own cap is 64): while the live layer is down the
  // server refuses each try cheaply, and when it is back every open page is live again, and
  // caught up, within 10 seconds. The randomness spreads a crowd of pages over the interval.
  var RECONNECT_CAP_MS = 8000;
  htmx.config.wsReconnectDelay = function (retryCount) {
    var ceiling = Math.min(RECONNECT_CAP_MS, 500 * Math.pow(2, retryCount));
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  };

  // After a websocket (re)connects, every live fragment refetches itself: anything pushed while
  // the socket was down is picked up, so a dropped network, a server restart or a stopped
  // Redis loses nothing. Only a socket that comes back after it was open or had failed
  // triggers it (also the first open of a page loaded while the live layer was down): a page
  // with two sockets (the personal feed and a board) must not refetch just because the second
  // opened.
  var mayHaveMissed = new WeakSet();
  document.body.addEventListener("htmx:wsOpen", function (event) {
    var socketElement = event.target;
    if (socketElement && mayHaveMissed.has(socketElement)) {
      htmx.trigger(document.body, "resync");
    }
    if (socketElement) {
      mayHaveMissed.add(socketElement);
      socketElement.dataset.live = "connected";
    }
    document.documentElement.dataset.live = "connected";
  });
  document.body.addEventListener("htmx:wsClose", function (event) {
    if (event.target && event.target.dataset) {
      mayHaveMissed.add(event.target);
      event.target.dataset.live = "reconnecting";
    }
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

  // A table, drawing or row of columns wider than the screen scrolls sideways; a keyboard can
  // only scroll what it can focus, so each one that overflows now joins the tab order (and
  // leaves it again when the screen is wide enough). Its name comes from its caption or label.
  var SCROLLERS = "table, .vsm-canvas, .columns, .cfd-table, [data-scroll-region]";
  function markScrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (element) {
      var overflows = element.scrollWidth > element.clientWidth + 1 ||
        element.scrollHeight > element.clientHeight + 1;
      var style = window.getComputedStyle(element);
      var scrolls = /(auto|scroll)/.test(style.overflowX + " " + style.overflowY);
      if (overflows && scrolls) {
        if (!element.hasAttribute("tabindex")) {
          element.setAttribute("tabindex", "0");
          element.dataset.scrollFocus = "added";
        }
      } else if (element.dataset.scrollFocus === "added") {
        element.removeAttribute("tabindex");
        delete element.dataset.scrollFocus;
      }
    });
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(markScrollers, 150);
  });
  document.addEventListener("DOMContentLoaded", markScrollers);
  document.body.addEventListener("htmx:afterSettle", markScrollers);

  // On a phone the navigation folds behind a Menu button (the CSS shows the button only on a
  // narrow screen). Without this script the button stays hidden and every link wraps in view.
  function wireMenu() {
    var button = document.querySelector(".main-nav .menu-button");
    if (!button) { return; }
    var nav = button.closest(".main-nav");
    nav.classList.add("main-nav--collapsible");
    button.hidden = false;
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("main-nav--open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", wireMenu);
})();
