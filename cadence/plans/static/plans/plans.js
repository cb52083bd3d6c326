// Treatment plan pages: after htmx puts the row editor on the page, move keyboard focus into it
// (the first field with an error, else the first field) so keyboard and screen-reader users follow.
document.addEventListener("htmx:afterSwap", function () {
  var form = document.getElementById("plan-editor");
  if (!form) { return; }
  var field = form.querySelector(".has-error input, .has-error textarea, .has-error select") ||
    form.querySelector("input:not([type=hidden]), textarea, select");
  if (field) { field.focus(); }
});
