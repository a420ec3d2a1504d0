// "Tandai semua hadir" on the attendance grid: checks every radio of the chosen status.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-harkat-fill]");
  if (!button) { return; }
  var value = button.getAttribute("data-harkat-fill");
  document.querySelectorAll('.attendance-grid input[type="radio"][value="' + value + '"]')
    .forEach(function (radio) { if (!radio.disabled) { radio.checked = true; } });
});
