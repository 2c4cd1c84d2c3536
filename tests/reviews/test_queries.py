"""Lists and exports cost the same number of queries for 1 row as for 25 (no N+1)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import services
from tests.reviews import factories as f

D = dt.date
pytestmark = pytest.mark.django_db

PAGES = [
    ("reviews:case_list", ""),
    ("reviews:case_list", "clock=met&year=2022&agency={wmp}&q=SLPR"),
    ("reviews:case_export", ""),
    ("reviews:review_list", ""),
    ("reviews:review_list", "clock=overdue&kind=lcspr&agency={wmp}"),
    ("reviews:review_export", ""),
]


def add_cases(coordinator, agencies, n, start):
    for i in range(start, start + n):
        case = f.notification(by=coordinator, agencies=agencies,
                              pseudonyms=(f"Child {i}", f"Sibling {i}"))
        rr = f.decided(case, by=coordinator)
        services.rr_record_panel(by=coordinator, rr=rr, today=D(2022, 6, 30),
                                 sent_to_panel_on=D(2022, 5, 5))
        services.rr_add_action(by=coordinator, rr=rr, today=D(2022, 4, 28),
                               description="Brief staff.", success_measure="All briefed.",
                               lead_agency=agencies[0],
                               lead_officer=agencies[0].people.first(),
                               target_date=D(2022, 6, 30))


def shown(content, url) -> int:
    """How many rows the page or export shows."""
    if url.split("?")[0].endswith(".csv"):
        return len(content.strip().splitlines()) - 1
    return len(re.findall(r'<th scope="row"><a href="/reviews/', content))


def count(client, url):
    client.get(url)  # the first request after signing in also writes the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("persona", ["coordinator", "wmp_officer"])
@pytest.mark.parametrize(("name", "query"), PAGES, ids=[f"{n}?{q}" for n, q in PAGES])
def test_queries_do_not_grow_with_rows(client_for, personas, coordinator, wmp, swbnhs, name,
                                       query, persona):
    client = client_for(personas[persona])
    url = reverse(name) + "?" + query.format(wmp=wmp.pk)
    add_cases(coordinator, [wmp, swbnhs], 1, 1)
    one, page = count(client, url)
    assert shown(page, url) == 1
    add_cases(coordinator, [wmp, swbnhs], 24, 2)
    twenty_five, page = count(client, url)
    assert shown(page, url) == 25
    assert twenty_five == one, f"{url} as {persona}: {one} queries for 1 row, {twenty_five} for 25"
    print(f"QUERIES {url} as {persona}: {one} (1 row) == {twenty_five} (25 rows)")
    assert one <= 17, f"{url}: {one} queries"  # 17: one is the second factor (django-otp)


def test_case_detail_queries_are_bounded(client_for, coordinator, wmp, wmp_officer, swbnhs):
    add_cases(coordinator, [wmp, swbnhs], 1, 1)
    from reviews.models import Case

    case = Case.objects.get()
    client = client_for(coordinator)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(case.get_absolute_url()).status_code == 200
    # 31: the page itself, the access event sealed on the chain with its case link (#15) and
    # the panel partners' links to the Rapid Review and their agency's summary (#18).
    assert len(ctx.captured_queries) <= 31
