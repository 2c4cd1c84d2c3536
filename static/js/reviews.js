// Reviews pages: progressive enhancement only; every form works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Children: show one empty child block at a time behind "Add another child".
  const optional = Array.from(document.querySelectorAll("[data-optional-child]"));
  const wrapper = document.querySelector("[data-add-child-wrapper]");
  const button = document.querySelector("[data-add-child]");
  if (optional.length && wrapper && button && !document.querySelector("[data-error-summary]")) {
    optional.forEach((row) => row.classList.add("d-none"));
    wrapper.classList.remove("d-none");
    button.addEventListener("click", () => {
      const next = optional.find((row) => row.classList.contains("d-none"));
      if (next) {
        next.classList.remove("d-none");
        const input = next.querySelector("input[type=text]");
        if (input) { input.focus(); }
      }
      if (!optional.some((row) => row.classList.contains("d-none"))) {
        wrapper.classList.add("d-none");
      }
    });
  }
});

// LCSPR outcome: show only the questions for the chosen outcome (all show without script).
document.addEventListener("DOMContentLoaded", () => {
  const parts = document.querySelectorAll(".outcome-part");
  const radios = document.querySelectorAll("input[name=outcome]");
  if (!parts.length || !radios.length) { return; }
  const show = () => {
    const chosen = document.querySelector("input[name=outcome]:checked");
    parts.forEach((part) => {
      part.hidden = !chosen || part.dataset.outcome !== chosen.value;
    });
  };
  radios.forEach((radio) => radio.addEventListener("change", show));
  show();
});
