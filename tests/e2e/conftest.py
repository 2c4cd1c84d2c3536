"""Browser tests: Playwright driving Debian's Chromium, axe-core on every page visited.

Use the ``journey`` fixture::

    def test_something(journey, coordinator):
        journey.sign_in(coordinator)            # visits the sign-in page, checks it, signs in
        journey.goto("/actions/")               # navigates and runs axe on the page
        journey.page.get_by_role("button", name="Save").click()
        journey.check()                         # after any click that loads a page

``journey.check()`` runs axe (WCAG 2.2 AA) and then the checks axe does not make
(``a11y_checks.js``), on every page:

* reflow (1.4.10): at 320 CSS px wide nothing scrolls sideways, except a data table in its own
  labelled, focusable scroll region (``role="region" aria-labelledby=... tabindex="0"``);
* form controls (1.4.11): every visible field, select, tick box and radio has a border of at
  least 3:1 against the page behind it and against its own background (or fill);
* focus (2.4.7, 2.4.13): Tab through the page (the first 60 stops); each stop must gain an
  outline of 2px or more, or a ring (box-shadow), of at least 3:1 against the page and the
  element;
* one title per page: two different pages (paths; the query string is ignored) visited in one
  walk never share a ``<title>``, and no page takes an error page's title (the error pages
  themselves rightly share theirs: every 403 is "You cannot do that");
* exactly one ``<h1>``.

An error page visited on purpose, to test it, says so: ``journey.goto(path,
expect_status=403)``. The response must have that status; the browser's console line about
it (and, for a 5xx, the server error) is expected rather than a fault, for that address and
status only; and the page is exempt from title uniqueness. Every other check still runs on
it, and an error status on any page not visited that way still fails the walk.

Failures name the page (address and title) and save a screenshot in ``test-artifacts/``.
``narrow_journey`` is the same walk in a 320 x 256 CSS px window (1280 px at 400% zoom).

At teardown the fixture fails the test if a page was visited but never checked with axe, or
if the browser logged an error (a Content-Security-Policy violation, a JavaScript error, a 500).
The real CSP is enforced: axe and the checks are injected through the DevTools protocol, not a
<script> tag.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.factories import PASSWORD
from tests.services import CHROMIUM_PATH, need

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
CHECKS_PATH = Path(__file__).with_name("a11y_checks.js")
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 256}  # WCAG 1.4.10: 1280 CSS px at 400% zoom
FOCUS_STOPS = 60  # how many Tab stops of each page the focus check visits
#: E2E_A11Y_REPORT=path lists the checks' problems on every page in that file instead of
#: failing at the first page (to see everything that needs fixing in one run). axe still fails.
REPORT_ONLY = os.environ.get("E2E_A11Y_REPORT")
#: E2E_SIGN_IN_FORM=1: every journey.sign_in types the password and the code (see sign_in).
SIGN_IN_FORM = os.environ.get("E2E_SIGN_IN_FORM") == "1"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def _playwright():
    need("Chromium", Path(CHROMIUM_PATH).exists(),
         f"{CHROMIUM_PATH} is missing (apt-get install chromium)")
    need("axe-core", AXE_PATH.exists(), "node_modules/axe-core is missing (npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class Journey:
    """A signed-in (or anonymous) person walking through the site in a real browser."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.visited: list[str] = []
        self.checked: set[str] = set()
        self.errors: list[str] = []
        self.titles: dict[str, str] = {}  # <title> -> the path that had it first
        self.error_titles: dict[str, str] = {}  # an error page's <title> -> its path
        self.expected_errors: dict[str, int] = {}  # address -> the error status expected there
        self.error_page: str | None = None  # the page on screen, when it is an expected error
        self.walked: dict[str, list[str]] = {}  # focus walks done: page signature -> problems
        page.on("framenavigated", self._navigated)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("response", self._response)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.visited.append(frame.url.split("#")[0])
            self.error_page = None

    @staticmethod
    def _address(url: str) -> str:
        return unquote(url.split("#")[0])

    def _expected(self, url: str, status: int) -> bool:
        return self.expected_errors.get(self._address(url)) == status

    def _console(self, message):
        if message.type != "error":
            return
        # The browser's own line about an error page visited on purpose (goto expect_status).
        found = re.search(r"the server responded with a status of (\d{3})", message.text)
        if found and self._expected((message.location or {}).get("url", ""), int(found[1])):
            return
        self.errors.append(f"console error on {self.page.url}: {message.text}")

    def _response(self, response):
        if response.status >= 500 and not self._expected(response.url, response.status):
            self.errors.append(f"{response.status} from {response.url}")

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def goto(self, path: str, *, check: bool = True, expect_status: int | None = None):
        """Open ``path`` and check it. ``expect_status``: the page is an error page visited on
        purpose (see the module's docstring); the response must have that status."""
        url = self.url(path)
        if expect_status is not None:
            self.expected_errors[self._address(url)] = expect_status
        response = self.page.goto(url)
        if expect_status is not None:
            assert response.status == expect_status, (
                f"{url} answered {response.status}, expected {expect_status}")
            self.error_page = self._address(self.page.url)
        if check:
            self.check()
        return response

    def check(self, *, context: str | None = None):
        """Wait for the page to load, then run axe (WCAG 2.2 AA) and the checks axe does not
        make (reflow at 320 px, control borders, focus, unique titles); fail on any problem."""
        self.page.wait_for_load_state("load")
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "async (tags) => { const r = await axe.run(document, "
            "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})); }",
            AXE_TAGS,
        )
        self.checked.add(self.page.url.split("#")[0])
        if result:
            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / f"axe-failure-{len(self.checked)}.png"
            self.page.screenshot(path=str(shot), full_page=True)
            lines = [f"axe found {len(result)} violation(s) on {self.page.url}"
                     + (f" ({context})" if context else "") + f"; screenshot {shot}"]
            for v in result:
                lines.append(f"- {v['id']} [{v['impact']}]: {v['help']}")
                lines.extend(f"    {n}" for n in v["nodes"])
            pytest.fail("\n".join(lines))
        h1_count = self.page.locator("h1").count()
        assert h1_count == 1, f"{self.page.url} has {h1_count} h1 elements"
        problems = self.manual_checks()
        if problems and REPORT_ONLY:
            with open(REPORT_ONLY, "a", encoding="utf-8") as report:
                report.write(f"{self.page.url} ({self.page.title()})\n")
                report.writelines(f"  - {p}\n" for p in problems)
        elif problems:
            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / f"a11y-failure-{len(self.checked)}.png"
            self.page.screenshot(path=str(shot), full_page=True)
            title = self.page.title()
            pytest.fail("\n".join(
                [f"{len(problems)} accessibility problem(s) on {self.page.url} (“{title}”)"
                 + (f" ({context})" if context else "") + f"; screenshot {shot}"]
                + [f"- {p}" for p in problems]))

    def manual_checks(self) -> list[str]:
        """The checks axe does not make (see the module's docstring); the problems found."""
        page = self.page
        if not page.evaluate("() => typeof window.__scspA11y !== 'undefined'"):
            page.evaluate(CHECKS_PATH.read_text(encoding="utf-8"))
        problems = []
        title, path = page.title(), urlsplit(page.url).path
        if not title.split("–")[0].strip():
            problems.append("the page has no title of its own")
        if self.error_page == self._address(page.url):  # error pages share their titles
            self.error_titles.setdefault(title, path)
            if title in self.titles:
                problems.append(f"the error page's title “{title}” is also the title of "
                                f"{self.titles[title]}")
        else:
            first = self.titles.setdefault(title, path)
            if first != path:
                problems.append(f"the title “{title}” is also the title of {first}")
            if title in self.error_titles:
                problems.append(f"the title “{title}” is the title of the error page at "
                                f"{self.error_titles[title]}")
        problems += page.evaluate("() => window.__scspA11y.controls()")
        problems += self._focus_walk()
        viewport = page.viewport_size
        if viewport["width"] > NARROW["width"]:
            page.set_viewport_size(NARROW)
            try:
                problems += [f"at 320px: {p}" for p in
                             page.evaluate("() => window.__scspA11y.overflow()")]
            finally:
                page.set_viewport_size(viewport)
        else:
            problems += page.evaluate("() => window.__scspA11y.overflow()")
        return problems

    def _focus_walk(self) -> list[str]:
        """Press Tab through the page (at most FOCUS_STOPS stops), recording each stop's focus
        style; then put focus back where it was."""
        page = self.page
        signature = page.evaluate("() => window.__scspA11y.focusSignature()")
        if signature in self.walked:  # the same page again: the same stops, the same styles
            return self.walked[signature]
        page.evaluate("() => window.__scspA11y.startFocusWalk()")
        try:
            while True:
                for _ in range(10):
                    page.keyboard.press("Tab")
                state = page.evaluate("() => window.__scspA11y.focusWalk()")
                if state["done"] or state["count"] >= FOCUS_STOPS:
                    self.walked[signature] = state["problems"]
                    return state["problems"]
        finally:
            page.evaluate("() => window.__scspA11y.endFocusWalk()")

    def sign_in(self, user, password: str = PASSWORD, *, through_the_form: bool = False):
        """Sign ``user`` in and land on the home page, checked.

        By default the browser is given the session the suite's test client makes (password
        and second factor passed, ``tests.mfa.Client``, as ``client_for`` does): a journey that
        is not about signing in does not retype it. ``through_the_form=True`` (the sign-in
        journeys, and those about a session ending) types the password, then on "Check it's
        you" the code the person's authenticator app shows now (a test persona gets one with a
        known secret: ``tests.mfa``); ``E2E_SIGN_IN_FORM=1`` makes every journey do that."""
        if not (through_the_form or SIGN_IN_FORM):
            self._sign_in_with_a_session(user)
            return
        from tests.mfa import give_device, next_code

        device = give_device(user)
        self.goto("/accounts/sign-in/")
        self.page.get_by_label("E-mail address").fill(user.email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url("**/accounts/check/**")
        self.check()
        self.page.get_by_label("Code").fill(next_code(device))
        self.page.get_by_role("button", name="Continue").click()
        self.page.wait_for_url(self.url("/"))
        self.check()

    def _sign_in_with_a_session(self, user):
        from django.conf import settings

        from tests.mfa import Client

        client = Client()
        client.force_login(user)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.page.context.clear_cookies()
        self.page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key,
                                        "url": self.base_url}])
        self.goto("/")
        assert urlsplit(self.page.url).path == "/", f"not signed in: on {self.page.url}"

    def sign_out(self):
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_url("**/accounts/sign-in/")
        self.check()

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def finish(self):
        unchecked = [u for u in dict.fromkeys(self.visited)
                     if u not in self.checked and u != "about:blank"]
        problems = list(self.errors)
        if unchecked:
            problems.append(f"pages visited but never checked with axe: {unchecked}")
        if problems:
            pytest.fail("\n".join(problems))


def _journey(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(float(os.environ.get("E2E_TIMEOUT_MS", "15000")))
    page = context.new_page()
    walk = Journey(page, live_server.url)
    yield walk
    try:
        walk.finish()
    finally:
        context.close()


@pytest.fixture
def journey(browser, live_server, transactional_db):
    yield from _journey(browser, live_server, WIDE)


@pytest.fixture
def narrow_journey(browser, live_server, transactional_db):
    """A journey in a 320 x 256 CSS px window: reflow (WCAG 1.4.10), as at 400% zoom."""
    yield from _journey(browser, live_server, NARROW)
