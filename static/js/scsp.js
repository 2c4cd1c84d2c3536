// SCSP Reviews: progressive enhancement only; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to an error summary when a form comes back with errors.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  // A list's print view (?print=1): its "Print this list" button prints; opened from the list's
  // "Print this list" link (#print) it prints straight away, once.
  const printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", () => window.print());
    if (window.location.hash === "#print") {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
      window.addEventListener("load", () => window.print());
    }
  }
});
