// Checks axe does not make, run by tests/e2e/conftest.py on every page journey.check() sees.
// Evaluated through the DevTools protocol (like axe), so the page's CSP does not apply.
// window.__scspA11y.overflow()        -> problems with sideways scrolling (run at 320 CSS px)
// window.__scspA11y.controls()        -> form controls whose border is under 3:1
// window.__scspA11y.startFocusWalk()  -> records the focus style of each element Tab reaches
// window.__scspA11y.focusWalk()       -> {done, count, problems}
(() => {
  if (window.__scspA11y) { return; }

  const parse = (value) => {
    const m = /rgba?\(([^)]+)\)/.exec(value || "");
    if (!m) { return null; }
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const over = (top, bottom) => {  // alpha-composite top over an opaque bottom
    const a = top.a;
    return {r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a),
            b: top.b * a + bottom.b * (1 - a), a: 1};
  };
  const lum = (c) => {
    const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const contrast = (x, y) => {
    const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p);
    return (a + 0.05) / (b + 0.05);
  };
  const hex = (c) => "#" + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  const WHITE = {r: 255, g: 255, b: 255, a: 1};

  // The opaque colour behind ``el`` (from its parent up), or including its own background.
  const backdrop = (el, includeSelf) => {
    const layers = [];
    for (let node = includeSelf ? el : el.parentElement; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg && bg.a > 0) {
        layers.push(bg);
        if (bg.a >= 1) { break; }
      }
    }
    return layers.reverse().reduce((acc, layer) => over(layer, acc), WHITE);
  };
  const describe = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) { text += "#" + el.id; }
    const name = el.getAttribute("aria-label") || el.getAttribute("name") || (el.innerText || "").trim();
    if (el.classList.length) { text += "." + [...el.classList].slice(0, 3).join("."); }
    if (name) { text += ` "${name.slice(0, 40).replace(/\s+/g, " ")}"`; }
    return text;
  };
  const visible = (el) => {
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return rect.width > 2 && rect.height > 2 && style.visibility !== "hidden" && style.opacity !== "0"
      && !el.closest("[hidden], .visually-hidden");
  };

  // (a) Nothing scrolls sideways but a labelled, focusable scroll region (WCAG 1.4.10).
  // Does a scroller ``el`` sits in (which ends inside the window) clip it? Absolutely placed
  // content escapes a scroller that is not its containing block (e.g. a visually hidden span
  // in a table in a scroll region: the page scrolls sideways into blank space).
  const clipped = (el, width) => {
    const position = getComputedStyle(el).position;
    if (position === "fixed") { return false; }
    let escapes = position === "absolute";
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (escapes && style.position !== "static") { escapes = false; }  // its containing block
      if (!escapes && style.overflowX !== "visible" && node.getBoundingClientRect().right <= width + 1) {
        return true;
      }
    }
    return false;
  };
  const overflow = () => {
    const problems = [];
    const root = document.scrollingElement;
    if (root.scrollWidth > root.clientWidth + 1) {
      const width = root.clientWidth;
      const wide = [...document.querySelectorAll("body *")].filter((el) => {
        const rect = el.getBoundingClientRect();
        return rect.right > width + 1 && rect.width > 0 && !clipped(el, width);
      });
      // The outermost offenders only.
      const outer = wide.filter((el) => !wide.includes(el.parentElement)).slice(0, 5);
      problems.push(`the page scrolls sideways (${root.scrollWidth}px wide in a ${width}px window): `
        + outer.map((el) => `${describe(el)} ends at ${Math.round(el.getBoundingClientRect().right)}px`
                    + (el.parentElement.closest("[role=region]") ? " (inside a scroll region it escapes)" : "")).join("; "));
    }
    for (const el of document.querySelectorAll("body *")) {
      if (el.scrollWidth <= el.clientWidth + 1) { continue; }
      const ox = getComputedStyle(el).overflowX;
      if (ox !== "auto" && ox !== "scroll") { continue; }
      const named = el.getAttribute("aria-labelledby") || el.getAttribute("aria-label");
      if (el.getAttribute("role") !== "region" || !named || el.getAttribute("tabindex") !== "0") {
        problems.push(`${describe(el)} scrolls sideways but is not a labelled, focusable region `
          + '(role="region" aria-labelledby=... tabindex="0")');
      }
    }
    return problems;
  };

  // (b) Form control borders at least 3:1 (WCAG 1.4.11).
  const CONTROLS = "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]), select, textarea";
  const controls = () => {
    const problems = [];
    for (const el of document.querySelectorAll(CONTROLS)) {
      if (el.disabled || !visible(el)) { continue; }
      const style = getComputedStyle(el);
      const behind = backdrop(el, false);
      const own = backdrop(el, true);
      const sides = ["Top", "Right", "Bottom", "Left"].filter((s) => style[`border${s}Style`] !== "none"
        && parseFloat(style[`border${s}Width`]) > 0);
      if (!sides.length) {
        problems.push(`${describe(el)} has no border`);
        continue;
      }
      const border = over(parse(style.borderBottomColor) || WHITE, behind);
      const page = contrast(border, behind);
      // The boundary is the border, or the control's own fill when it has one (a ticked box).
      const edge = Math.max(contrast(border, own), contrast(own, behind));
      if (page < 3 || edge < 3) {
        problems.push(`${describe(el)} border ${hex(border)} is ${page.toFixed(2)}:1 against the `
          + `page (${hex(behind)}) and ${contrast(border, own).toFixed(2)}:1 against its own `
          + `background (${hex(own)}); needs 3:1`);
      }
    }
    return problems;
  };

  // (c) A visible focus indicator on every Tab stop (WCAG 2.4.7; 2.4.13's size and contrast).
  const focusStyle = (el) => {
    const s = getComputedStyle(el);
    return {outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
            outlineColor: s.outlineColor, boxShadow: s.boxShadow};
  };
  const shadows = (value) => {
    if (!value || value === "none") { return []; }
    return value.split(/,(?![^(]*\))/).map((part) => {
      const colour = parse(part);
      const lengths = part.replace(/rgba?\([^)]*\)/, "").replace("inset", "").trim()
        .split(/\s+/).map(parseFloat).filter((n) => !Number.isNaN(n));
      const [x = 0, y = 0, blur = 0, spread = 0] = lengths;
      return {colour, width: Math.max(spread, Math.abs(x), Math.abs(y)) , blur};
    }).filter((s) => s.colour && s.colour.a > 0);
  };
  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex], details";
  const toTop = () => {  // the next Tab goes to the first stop (the skip link)
    if (document.activeElement && document.activeElement !== document.body) { document.activeElement.blur(); }
    const body = document.body;
    const had = body.getAttribute("tabindex");
    body.setAttribute("tabindex", "-1");
    body.focus({preventScroll: true});
    body.blur();
    if (had === null) { body.removeAttribute("tabindex"); } else { body.setAttribute("tabindex", had); }
  };
  // What decides each Tab stop's focus style: a page with the same signature as one already
  // walked (the same page again, after a click) needs no second walk.
  const focusSignature = () => location.pathname + "|" + [...document.querySelectorAll(FOCUSABLE)]
    .map((el) => [el.tagName, el.className, el.type || "", el.parentElement.className,
                  (el.textContent || "").trim().slice(0, 30)].join(":")).join("|");
  const startFocusWalk = () => {
    const state = {seen: new Set(), count: 0, done: false, problems: [], original: document.activeElement};
    toTop();  // start from the top, as a person arriving on the page does
    const focusable = [...document.querySelectorAll(FOCUSABLE)];
    focusable.forEach((el) => getComputedStyle(el).boxShadow);  // start any blur transition ...
    for (const animation of document.getAnimations()) { animation.finish(); }  // ... and end it
    const before = new Map();
    for (const el of focusable) { before.set(el, focusStyle(el)); }
    window.__scspFocus = state;
    if (window.__scspFocusListener) {
      document.removeEventListener("focusin", window.__scspFocusListener, true);
    }
    window.__scspFocusListener = (event) => {
      const el = event.target;
      if (state.done) { return; }
      if (state.seen.has(el)) { state.done = true; return; }
      state.seen.add(el);
      state.count += 1;
      // Measure the indicator as it ends up, not part-way through a transition.
      getComputedStyle(el).boxShadow;
      for (const animation of el.getAnimations()) { animation.finish(); }
      const now = focusStyle(el);
      const was = before.get(el) || {outlineStyle: "none", outlineWidth: 0, outlineColor: "", boxShadow: "none"};
      const rings = [];
      if (now.outlineStyle !== "none" && now.outlineWidth >= 2
          && (now.outlineStyle !== was.outlineStyle || now.outlineWidth !== was.outlineWidth
              || now.outlineColor !== was.outlineColor)) {
        rings.push({colour: parse(now.outlineColor), width: now.outlineWidth});
      }
      if (now.boxShadow !== was.boxShadow) {
        for (const s of shadows(now.boxShadow)) {
          if (s.width >= 2 && s.blur <= s.width) { rings.push(s); }
        }
      }
      const page = backdrop(el, false);
      const own = backdrop(el, true);
      if (!rings.length) {
        state.problems.push(`${describe(el)} shows no focus outline or ring of 2px or more when tabbed to`);
        return;
      }
      const best = (bg) => Math.max(...rings.map((r) => contrast(over(r.colour, bg), bg)));
      if (best(page) < 3 || best(own) < 3) {
        state.problems.push(`${describe(el)} focus ring (${rings.map((r) => hex(over(r.colour, page))).join(", ")}) `
          + `is ${best(page).toFixed(2)}:1 against the page (${hex(page)}) and ${best(own).toFixed(2)}:1 `
          + `against the element (${hex(own)}); needs 3:1`);
      }
    };
    document.addEventListener("focusin", window.__scspFocusListener, true);
    return true;
  };
  const focusWalk = () => {
    const state = window.__scspFocus;
    const active = document.activeElement;
    if (!active || active === document.body) { state.done = true; }
    return {done: state.done, count: state.count, problems: state.problems};
  };
  const endFocusWalk = () => {  // put focus back where the page had it
    document.removeEventListener("focusin", window.__scspFocusListener, true);
    window.__scspFocusListener = null;
    const original = window.__scspFocus && window.__scspFocus.original;
    toTop();
    if (original && original !== document.body && original.isConnected) { original.focus({preventScroll: true}); }
    window.scrollTo(0, 0);
    return true;
  };

  window.__scspA11y = {overflow, controls, focusSignature, startFocusWalk, focusWalk, endFocusWalk};
})();
