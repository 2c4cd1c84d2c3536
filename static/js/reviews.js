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

// Rows (Rapid Review attendees, agency summaries): "Add another row" appends a numbered copy of
// the empty row; "Remove this row" takes a new row away again and renumbers the rows after it,
// so the formset's numbering has no gaps. Saved rows are removed with their "Remove" box.
document.addEventListener("DOMContentLoaded", () => {
  const template = document.querySelector("template[data-row-template]");
  const button = document.querySelector("[data-add-row]");
  const body = document.querySelector("table.rows-form tbody");
  if (!template || !button || !body) { return; }
  const prefix = template.dataset.prefix;
  const total = document.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const max = document.querySelector(`input[name="${prefix}-MAX_NUM_FORMS"]`);
  if (!total) { return; }
  const pattern = new RegExp(`${prefix}-(\\d+|__prefix__)-`, "g");
  const renumber = (row, index) => {
    row.querySelectorAll("[name], [id], label[for]").forEach((el) => {
      ["name", "id", "for"].forEach((attr) => {
        const value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(pattern, `${prefix}-${index}-`)); }
      });
    });
  };
  button.closest("[data-add-row-wrapper]").classList.remove("d-none");
  button.addEventListener("click", () => {
    const index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) { return; }
    const row = template.content.firstElementChild.cloneNode(true);
    renumber(row, index);
    body.appendChild(row);
    total.value = String(index + 1);
    const first = row.querySelector("input:not([type=hidden]), select");
    if (first) { first.focus(); }
  });
  body.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-remove-row]");
    if (!remove) { return; }
    remove.closest("tr").remove();
    const rows = Array.from(body.children);
    rows.forEach((row, index) => { if (row.matches("[data-new-row]")) { renumber(row, index); } });
    total.value = String(rows.length);
    button.focus();
  });
});
