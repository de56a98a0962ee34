// gradtutor's only script, and an optional one: every page works without it.
"use strict";

// Ctrl+Enter (or Cmd+Enter) in the program box explains it, as in a notebook.
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
    event.preventDefault();
    event.target.form.requestSubmit();
  }
});

// Print every step, not only the open ones, and restore the reader's choice afterwards.
var closedForPrint = [];
window.addEventListener("beforeprint", function () {
  closedForPrint = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
    return !d.open;
  });
  closedForPrint.forEach(function (d) { d.open = true; });
});
window.addEventListener("afterprint", function () {
  closedForPrint.forEach(function (d) { d.open = false; });
  closedForPrint = [];
});
