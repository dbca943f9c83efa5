// Upload progress for large CSV imports: the form still posts normally without this script.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.upload-form") || !window.XMLHttpRequest) return;
    var file = form.querySelector("input[type=file]");
    if (!file || !file.files.length) return;
    event.preventDefault();
    var bar = document.getElementById(form.dataset.progress);
    var holder = bar && bar.closest(".upload-progress");
    if (holder) holder.hidden = false;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (bar && e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        bar.textContent = bar.value + "%";
      }
    });
    xhr.addEventListener("load", function () {
      // Show whatever the server answered: the error report, or the page it redirected to.
      // The redirect was already followed (and its "Imported …" message shown to this request),
      // so show that page as it came rather than loading it again without the message.
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var main = page.querySelector("main");
      if (!main) {
        window.location.assign(xhr.responseURL || window.location.href);
        return;
      }
      document.querySelector("main").replaceChildren(...main.childNodes);
      if (window.htmx) htmx.process(document.querySelector("main"));
      if (xhr.responseURL && xhr.responseURL !== window.location.href) {
        window.history.pushState({}, "", xhr.responseURL);
        document.title = page.title;
        document.querySelector("main").focus();
      }
      var alert = document.querySelector("main .error-summary");
      var checked = document.querySelector("main #preview-heading");
      if (alert) alert.focus();
      else if (checked) checked.focus();
    });
    // The button pressed says whether to import or only check: FormData leaves it out.
    var data = new FormData(form);
    var by = event.submitter;
    if (by && by.name) data.append(by.name, by.value);
    xhr.send(data);
  });
})();
