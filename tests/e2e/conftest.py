"""Browser tests: Playwright driving Debian's Chromium, axe-core on every page visited.

Use the ``journey`` fixture::

    def test_something(journey, coordinator):
        journey.sign_in(coordinator)            # visits the sign-in page, checks it, signs in
        journey.goto("/actions/")               # navigates and runs axe on the page
        journey.page.get_by_role("button", name="Save").click()
        journey.check()                         # after any click that loads a page

At teardown the fixture fails the test if a page was visited but never checked with axe, or
if the browser logged an error (a Content-Security-Policy violation, a JavaScript error, a 500).
The real CSP is enforced: axe is injected through the DevTools protocol, not a <script> tag.
"""

from __future__ import annotations

import os
from pathlib import Path

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
        page.on("framenavigated", self._navigated)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("response", self._response)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.visited.append(frame.url.split("#")[0])

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console error on {self.page.url}: {message.text}")

    def _response(self, response):
        if response.status >= 500:
            self.errors.append(f"{response.status} from {response.url}")

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def goto(self, path: str, *, check: bool = True):
        response = self.page.goto(self.url(path))
        if check:
            self.check()
        return response

    def check(self, *, context: str | None = None):
        """Wait for the page to load, then run axe (WCAG 2.2 AA) and fail on any violation."""
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

    def sign_in(self, user, password: str = PASSWORD):
        """The password, then "Check it's you" with the code the person's authenticator app
        shows now (a test persona gets one with a known secret: ``tests.mfa``)."""
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


@pytest.fixture
def journey(browser, live_server, transactional_db):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(float(os.environ.get("E2E_TIMEOUT_MS", "15000")))
    page = context.new_page()
    walk = Journey(page, live_server.url)
    yield walk
    try:
        walk.finish()
    finally:
        context.close()
