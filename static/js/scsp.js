// SCSP Reviews: progressive enhancement only; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to an error summary when a form comes back with errors.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
});
