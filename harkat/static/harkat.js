// HARKAT: a refused form's error summary takes the focus, so a screen reader reads it first
// and the keyboard starts there. (autofocus on the summary does the same where supported;
// without JavaScript the summary still stands visibly at the top of the form.)
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
});
