"""The persona walk at 320 x 256 CSS px (WCAG 1.4.10 reflow: 1280 px at 400% zoom).

The co-ordinator and a WMP officer walk the seeded demo in a narrow window, following the
links on each page and opening one page of every kind (each named URL once): every page gets
axe and the harness's checks (conftest.py), at 320 px: nothing scrolls sideways except a
table in its own labelled, focusable region, borders and focus show, titles are unique. The
menu, a filter panel and a print view are opened too."""

from __future__ import annotations

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management.base import OutputWrapper
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.browser

#: Links the walk does not follow: files, downloads and sign-out (not pages).
SKIP_NAMES = ("export", "csv", "pdf", "download", "feed", "file", "status", "logout", "healthz",
              "retry")
SKIP_QUERY = ("export=", "format=")
MAX_PAGES = 45


@pytest.fixture
def demo(transactional_db):
    import demo as demo_data

    class Command:
        stdout = OutputWrapper(StringIO())

    demo_data.seed(Command)


def url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def walk(journey, start: str = "/", limit: int = MAX_PAGES) -> list[str]:
    """Follow same-site links breadth first, opening one page per named URL, each checked by
    ``journey.goto``."""
    page = journey.page
    seen_names: set[str] = set()
    queue = [start]
    visited = []
    while queue and len(visited) < limit:
        href = queue.pop(0)
        parts = urlsplit(href)
        name = url_name(parts.path)
        if name is None or name in seen_names or name.startswith("admin:"):
            continue
        if any(word in name for word in SKIP_NAMES) or any(q in parts.query for q in SKIP_QUERY):
            continue
        seen_names.add(name)
        journey.goto(href)
        visited.append(href)
        links = page.eval_on_selector_all(
            "a[href]:not([download])",
            "(as) => as.map((a) => a.href).filter((h) => h.startsWith(location.origin))")
        queue += [urlsplit(link)._replace(scheme="", netloc="", fragment="").geturl()
                  for link in links]
    return visited


def test_the_coordinator_walks_every_kind_of_page_at_320px(narrow_journey, demo):
    from demo.core import DEMO_PASSWORD, demo_email
    from scsp.models import User

    journey = narrow_journey
    page = journey.page
    journey.sign_in(User.objects.get(email=demo_email("coordinator")), password=DEMO_PASSWORD)
    # The collapsed menu opens, and its drop-downs with it.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Show or hide the menu").click()
    nav.get_by_role("button", name="Actions").click()
    nav.get_by_role("link", name="All actions").wait_for(state="visible")
    journey.check(context="menu open")
    visited = walk(journey)
    print("\n".join(visited))
    assert len(visited) == MAX_PAGES, visited
    # A list with its filter panel open, and the print view of the list.
    journey.goto("/actions/all/")
    page.locator("details.filters summary").click()
    journey.check(context="filter panel open")
    journey.goto("/actions/all/?print=1")
    journey.goto("/reviews/cases/notify/")
    journey.goto("/glossary/")


def test_an_agency_officer_walks_their_pages_at_320px(narrow_journey, demo):
    from demo.core import DEMO_PASSWORD, demo_email
    from scsp.models import User

    journey = narrow_journey
    journey.sign_in(User.objects.get(email=demo_email("officer.wmp")), password=DEMO_PASSWORD)
    visited = walk(journey, limit=12)
    assert len(visited) == 12, visited
