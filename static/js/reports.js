// Report downloads: while a PDF or workbook is being made, show its progress and open the
// finished page when it is ready. Progressive enhancement: without this file the page has a
// "Refresh" link and works the same.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-export-status]");
  if (!box) { return; }
  const state = box.dataset.exportState;
  if (state === "done" || state === "failed") { return; }
  const url = box.dataset.exportStatus;
  const bar = document.getElementById("export-progress");
  const step = document.getElementById("export-step");
  let delay = 1000;
  let tries = 0;

  const poll = () => {
    tries += 1;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then((data) => {
        if (data.finished || (data.stale && box.dataset.exportStale !== "1")) {
          window.location.reload();
          return;
        }
        if (data.stale) { return; }  // the page already offers "Try again"
        if (bar) { bar.value = data.progress; bar.textContent = `${data.progress}%`; }
        if (step) { step.textContent = `${data.status_label}: ${data.step}`; }
        delay = Math.min(delay * 1.5, 5000);
        if (tries < 400) { window.setTimeout(poll, delay); }
      })
      .catch(() => {
        // A network blip or an expired session: slow down; the Refresh link still works.
        delay = Math.min(delay * 2, 15000);
        if (tries < 400) { window.setTimeout(poll, delay); }
      });
  };
  window.setTimeout(poll, delay);
});
