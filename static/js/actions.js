// Action pages: progressive enhancement only; every form works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Copy the calendar-feed address.
  document.querySelectorAll("[data-copy-target]").forEach((button) => {
    const input = document.getElementById(button.dataset.copyTarget);
    if (!input || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(input.value).then(() => {
        button.textContent = "Copied";
      });
    });
  });
});
