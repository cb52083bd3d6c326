// Cadence measure forms: show a conditional item only when it is asked (the instrument's skip logic).
// Without this script every item shows with its "Only if ..." hint and the server drops skipped answers.
(function () {
  "use strict";
  function refresh(form) {
    form.querySelectorAll("[data-depends-on]").forEach(function (item) {
      var parent = form.querySelector("input[name='" + item.getAttribute("data-depends-on") + "']:checked");
      var wanted = (item.getAttribute("data-depends-values") || "").split(" ");
      var parentItem = form.querySelector("#item-" + item.getAttribute("data-depends-on"));
      var asked = parent !== null && wanted.indexOf(parent.value) !== -1 && !(parentItem && parentItem.hidden);
      item.hidden = !asked;
      item.querySelectorAll("input").forEach(function (input) { input.disabled = !asked; });
    });
  }
  document.querySelectorAll("form[data-skip-logic]").forEach(function (form) {
    refresh(form);
    form.addEventListener("change", function () { refresh(form); });
  });
})();
