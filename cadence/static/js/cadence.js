// Cadence: small progressive enhancements. Pages work without this script.
(function () {
  "use strict";
  // Automatic logoff: after the inactivity timeout, go to the login page (the server has already
  // expired the session; this only stops stale patient data staying on screen).
  var minutes = parseInt(document.body.getAttribute("data-session-timeout") || "0", 10);
  if (minutes > 0 && document.querySelector(".topbar")) {
    var timer;
    var reset = function () {
      clearTimeout(timer);
      timer = setTimeout(function () { window.location.href = "/accounts/login/?timeout=1"; }, minutes * 60 * 1000);
    };
    ["click", "keydown", "scroll", "touchstart"].forEach(function (evt) {
      document.addEventListener(evt, reset, { passive: true });
    });
    reset();
  }
})();
