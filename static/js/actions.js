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
  // Offer only the lead agency's people as lead officer.
  const agency = document.querySelector("[data-lead-agency]");
  const officer = document.querySelector("[data-lead-officer]");
  if (agency && officer) {
    const filter = () => {
      const chosen = agency.selectedOptions[0] ? agency.selectedOptions[0].text : "";
      officer.querySelectorAll("optgroup").forEach((group) => {
        const show = !agency.value || group.label === chosen;
        group.hidden = !show;
        group.disabled = !show;
      });
      const selected = officer.selectedOptions[0];
      if (selected && selected.parentElement.tagName === "OPTGROUP" && selected.parentElement.disabled) {
        officer.value = "";
      }
    };
    agency.addEventListener("change", filter);
    filter();
  }
});
