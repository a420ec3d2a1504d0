// Small improvements on pages that work without it.
(function () {
  "use strict";
  // Menus (<details>): close when the person clicks elsewhere or presses Escape, one at a time.
  function openMenus() { return document.querySelectorAll(".nav-menu details[open], .nav-menu[open]"); }
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.open = false; }
    });
    var button = event.target.closest("[data-bs-dismiss=alert]");
    if (button) { button.closest(".alert").remove(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    openMenus().forEach(function (menu) {
      if (menu.open) {
        menu.open = false;
        var summary = menu.querySelector("summary");
        if (summary && menu.contains(document.activeElement)) { summary.focus(); }
      }
    });
  });
})();

// HARKAT: a refused form's error summary takes the focus, so a screen reader reads it first
// and the keyboard starts there. (autofocus on the summary does the same where supported;
// without JavaScript the summary still stands visibly at the top of the form.)
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
});
