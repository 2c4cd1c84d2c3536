// Lead agency -> lead officer: offer only the chosen agency's people as lead officer.
// Progressive enhancement only: without this file every officer is offered and the server
// still refuses an officer from another agency.
//
// Used by every form with the pair: mark the agency <select> with data-agency-select and the
// officer <select> with data-officer-select, its options grouped in one <optgroup> per agency
// labelled with the agency's name (as the agency <select> shows it).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-agency-select]").forEach((agency) => {
    const scope = agency.form || document;
    const officer = scope.querySelector("[data-officer-select]");
    if (!officer) { return; }
    const narrow = () => {
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
    agency.addEventListener("change", narrow);
    narrow();
  });
});
