"""The harness's own checks (conftest.py, a11y_checks.js) catch what they are meant to: a page
made of known faults is reported, fault by fault, and a page without them is not."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import WIDE, Journey

pytestmark = pytest.mark.browser

STYLE = """
body { margin: 0; font: 16px sans-serif; background: #fff; }
input { border: 1px solid #767676; }
input.pale { border-color: #dee2e6; }
a:focus-visible, button:focus-visible, input:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid #0b0c0c; outline-offset: 2px; }
button.glow:focus-visible { outline: none; box-shadow: 0 0 0 4px rgba(13, 110, 253, .25); }
button.bare:focus-visible { outline: none; }
.wide { width: 600px; }
.scroller { overflow-x: auto; position: relative; }
.scroller > div { width: 900px; }
.hidden-text { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
"""

FAULTY = f"""<!doctype html><html lang="en"><head><title>Faults – Test</title>
<style>{STYLE}</style></head><body><main>
<h1>Faults</h1>
<label>Good <input></label> <label>Pale <input class="pale" name="pale"></label>
<a href="#top">A link</a> <button class="glow">Glow</button> <button class="bare">Bare</button>
<div class="wide">A block wider than a phone</div>
<div class="scroller" id="unlabelled"><div>An unlabelled scroller</div></div>
<div class="scroller" role="region" aria-label="A table" tabindex="0"><div>A labelled region</div></div>
<div style="overflow-x: auto"><table><tr><td style="width: 250px">Cell</td>
  <td><span class="hidden-text" style="left: 700px">escapes</span></td></tr></table></div>
</main></body></html>"""

CLEAN = f"""<!doctype html><html lang="en"><head><title>Clean – Test</title>
<style>{STYLE}</style></head><body><main>
<h1>Clean</h1><label>Good <input></label> <a href="#top">A link</a> <button>Button</button>
<div class="scroller" role="region" aria-label="A table" tabindex="0"><div>A labelled region</div></div>
</main></body></html>"""


@pytest.fixture
def walk(browser):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    yield Journey(page, "http://test.invalid")
    context.close()


def test_the_checks_name_each_fault(walk):
    walk.page.set_content(FAULTY)
    problems = "\n".join(walk.manual_checks())
    assert 'input.pale "pale" border #dee2e6 is 1.30:1' in problems
    assert 'button.glow "Glow" focus ring (#c3dbff) is 1.41:1' in problems and "needs 3:1" in problems
    assert 'button.bare "Bare" shows no focus outline or ring' in problems
    assert "at 320px: the page scrolls sideways" in problems
    assert "div.wide" in problems
    assert 'span.hidden-text "escapes"' in problems  # escapes its scroller into blank space
    assert "div#unlabelled.scroller" in problems and "not a labelled, focusable region" in problems
    assert "A labelled region" not in problems
    assert '"Good"' not in problems and '"A link"' not in problems


def test_a_clean_page_passes_and_titles_must_differ(walk):
    walk.page.set_content(CLEAN)
    assert walk.manual_checks() == []
    walk.titles["Clean – Test"] = "/another/page/"
    assert walk.manual_checks() == ["the title “Clean – Test” is also the title of /another/page/"]


def test_error_pages_share_their_title_but_no_other_page_takes_it(walk):
    walk.page.set_content(CLEAN)
    walk.error_titles["Clean – Test"] = "/partnership/themes/new/"
    walk.titles["Clean – Test"] = "/another/page/"
    walk.error_page = walk._address(walk.page.url)  # as goto(..., expect_status=403) leaves it
    assert walk.manual_checks() == [
        "the error page's title “Clean – Test” is also the title of /another/page/"]
    del walk.titles["Clean – Test"]
    assert walk.manual_checks() == []  # another error page with the same title: rightly so
    walk.error_page = None  # an ordinary page
    assert walk.manual_checks() == [
        "the title “Clean – Test” is the title of the error page at /partnership/themes/new/"]


def test_only_an_error_status_visited_on_purpose_is_expected(walk):
    def answer(route):
        status = int(route.request.url.rstrip("/").rsplit("/", 1)[1])
        route.fulfill(status=status, content_type="text/html", body=CLEAN)

    walk.page.route("http://test.invalid/status/**", answer)
    assert walk.goto("/status/403/", check=False, expect_status=403).status == 403
    assert walk.goto("/status/500/", check=False, expect_status=500).status == 500
    assert walk.errors == []
    walk.goto("/status/404/", check=False)  # not visited on purpose: faults
    walk.goto("/status/503/", check=False)
    assert [e for e in walk.errors if "404" in e] and "503 from http://test.invalid/status/503/" \
        in walk.errors, walk.errors
    with pytest.raises(AssertionError, match="answered 404, expected 403"):
        walk.goto("/status/404/", check=False, expect_status=403)
