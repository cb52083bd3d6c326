// Cadence schedule pages: small enhancements (every page works without this script).
(function () {
  "use strict";
  // After a session panel loads, mark its card and move focus to the panel heading for screen readers.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "session-panel") { return; }
    var layout = document.querySelector(".schedule-layout");
    if (layout) { layout.classList.add("with-panel"); }
    target.hidden = false;
    var heading = target.querySelector("[data-panel-heading]");
    if (heading) {
      document.querySelectorAll(".session-card.is-selected").forEach(function (card) { card.classList.remove("is-selected"); });
      var card = document.getElementById("session-card-" + heading.getAttribute("data-session"));
      if (card) { card.classList.add("is-selected"); }
      if (event.detail.requestConfig && event.detail.requestConfig.verb === "get") { heading.focus(); }
    }
  });
  // Select the secret calendar address on focus so it can be copied in one go.
  document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
