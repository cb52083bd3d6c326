// Attendance pages: small enhancements; every page works without this script.
(function () {
  "use strict";
  // Roster: Enter in "minutes late" / "minutes left early" presses that row's Late / Left early button
  // (a bare Enter would press the first button, "Present", and clear the minutes).
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input || !input.getAttribute) { return; }
    var choice = input.getAttribute("data-enter-clicks");
    if (!choice || !input.form) { return; }
    var button = input.form.querySelector('button[name="status"][value="' + choice + '"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
  // Kiosk: clear the result after a few seconds and keep the code field focused for the next person.
  var kiosk = document.querySelector("[data-kiosk]");
  if (kiosk) {
    var first = kiosk.querySelector("input.kiosk-input");
    if (first) { first.focus(); }
    var result = kiosk.querySelector("[data-kiosk-result]");
    if (result) {
      setTimeout(function () { result.remove(); }, 8000);
    }
  }
})();
