// SCSP Reviews: the warning before the session ends (WCAG 2.2.1 Timing Adjustable).
//
// <body> carries the server's view of this session: seconds until the idle limit and the
// absolute limit (counts of seconds, so a wrong clock on this computer does not matter), the
// warning's lead time, and the local times they fall at. SESSION_WARNING_SECONDS before the
// nearer one, a modal <dialog> opens with focus on "Stay signed in" (Enter or Escape: both
// keep the session; the POST restarts the idle clock the server checks). Ignored, the page
// goes to the sign-in page when the time is up; a form with something typed in it is sent
// first, marked so the server keeps it for after signing in instead of acting on it.
(() => {
  "use strict";
  const body = document.body;
  const url = body.dataset.sessionUrl;
  const dialog = document.getElementById("session-dialog");
  if (!url || !dialog || typeof dialog.showModal !== "function") { return; }

  const status = document.querySelector("[data-session-status]");
  const extendButton = dialog.querySelector("[data-session-extend]");
  const closeButton = dialog.querySelector("[data-session-close]");
  const warning = Number(body.dataset.sessionWarning) || 120;
  let idleEnd = 0;
  let absoluteEnd = 0;
  let returnFocus = null;
  let checking = false;
  let leaving = false;
  let dismissedAbsolute = false;
  let dirty = null;

  const now = () => performance.now() / 1000;

  function setDeadlines(idle, absolute, idleAt, absoluteAt) {
    const t = now();
    idleEnd = t + Number(idle);
    absoluteEnd = t + Number(absolute);
    dialog.querySelectorAll('[data-session-text="idle-at"]').forEach((el) => { el.textContent = idleAt; });
    dialog.querySelectorAll('[data-session-text="absolute-at"]').forEach((el) => { el.textContent = absoluteAt; });
  }

  setDeadlines(body.dataset.sessionIdle, body.dataset.sessionAbsolute,
    body.dataset.sessionIdleAt, body.dataset.sessionAbsoluteAt);

  function csrfToken() {
    const field = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return field ? field.value : "";
  }

  async function ask(method) {
    const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method === "POST") { options.headers["X-CSRFToken"] = csrfToken(); }
    const response = await fetch(url, options);
    if (!response.ok) { throw new Error(`session ${response.status}`); }
    return response.json();
  }

  function apply(answer) {
    if (!answer.signed_in) { return false; }
    setDeadlines(answer.idle_seconds, answer.absolute_seconds, answer.idle_ends_at, answer.absolute_ends_at);
    return true;
  }

  function minutesText(seconds) {
    const minutes = Math.max(1, Math.round(seconds / 60));
    return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  }

  function open(reason, left) {
    dialog.querySelectorAll("[data-session-reason]").forEach((p) => { p.hidden = p.dataset.sessionReason !== reason; });
    dialog.querySelectorAll('[data-session-text="minutes"]').forEach((el) => { el.textContent = minutesText(left); });
    extendButton.hidden = reason !== "idle";
    closeButton.hidden = reason === "idle";
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
    (reason === "idle" ? extendButton : closeButton).focus();
  }

  function close(message) {
    if (dialog.open) { dialog.close(); }
    if (returnFocus && typeof returnFocus.focus === "function" && document.contains(returnFocus)) {
      returnFocus.focus();
    }
    returnFocus = null;
    if (message && status) { status.textContent = message; }
  }

  async function stay() {
    try {
      if (apply(await ask("POST"))) {
        close(`You are still signed in. You will be signed out at ${dialog.querySelector('[data-session-text="idle-at"]').textContent} if you do nothing.`);
        return;
      }
    } catch (error) { /* the server could not be reached: the countdown goes on */ }
    leave();
  }

  // The form the person has typed into, if any: it is sent (and kept by the server) rather
  // than lost when the page moves to the sign-in page.
  document.addEventListener("input", (event) => {
    const form = event.target.closest && event.target.closest("form[method='post'], form[method='POST']");
    if (form && !form.closest("dialog")) { dirty = form; }
  });
  document.addEventListener("submit", () => { dirty = null; });

  function leave() {
    if (leaving) { return; }
    leaving = true;
    if (dirty && document.contains(dirty)) {
      const action = new URL(dirty.getAttribute("action") || window.location.href, window.location.href);
      action.searchParams.set("session_ended", "1");
      dirty.setAttribute("action", action.pathname + action.search);
      HTMLFormElement.prototype.submit.call(dirty);
      return;
    }
    // The server ends the session on this request and sends the page to sign in, with a message.
    window.location.assign(window.location.pathname + window.location.search);
  }

  let lastAsked = -Infinity;

  async function tick() {
    if (checking || leaving) { return; }
    const t = now();
    const idleLeft = idleEnd - t;
    const absoluteLeft = absoluteEnd - t;
    const left = Math.min(idleLeft, absoluteLeft);
    const reason = absoluteLeft <= idleLeft ? "absolute" : "idle";
    if (left > warning) { return; }
    if (dialog.open && left > 0 && t - lastAsked < 15) {
      dialog.querySelectorAll('[data-session-text="minutes"]').forEach((el) => { el.textContent = minutesText(left); });
      return;
    }
    checking = true;
    lastAsked = t;
    try {
      // Another tab may have kept the session going: ask before warning or leaving.
      if (!apply(await ask("GET"))) { leave(); return; }
      const fresh = Math.min(idleEnd, absoluteEnd) - now();
      if (fresh > warning) { if (dialog.open) { close(); } return; }
      if (fresh <= 0) { leave(); return; }
      if (reason === "absolute" && dismissedAbsolute) { return; }
      open(reason, fresh);
    } catch (error) {
      if (left <= 0) { leave(); }
    } finally {
      checking = false;
    }
  }

  // Tab and Shift+Tab go round the dialog's own controls: a modal dialog keeps the focus
  // (Chromium would otherwise move it past the last button, out of the page).
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") { return; }
    const controls = Array.from(dialog.querySelectorAll("button, [href], input, select, textarea"))
      .filter((el) => !el.hidden && !el.disabled && el.getClientRects().length > 0);
    if (controls.length === 0) { return; }
    const first = controls[0];
    const last = controls[controls.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });

  extendButton.addEventListener("click", stay);
  closeButton.addEventListener("click", () => { dismissedAbsolute = true; close(); });
  // Escape never signs anyone out silently: it is "Stay signed in" (or, at the absolute
  // limit, "Continue").
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (!extendButton.hidden) { stay(); } else { dismissedAbsolute = true; close(); }
  });
  window.setInterval(tick, 1000);
})();
