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


def add_cases(coordinator, agencies, n, start) -> list:
    cases = []
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
        cases.append(case)
    return cases


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


PERSONAS = ["coordinator", "wmp_officer"]


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every page of :data:`PAGES` as each of :data:`PERSONAS`, counted with 1 case and again
    with 25: ``{(name, query, persona): (url, (queries, page) at 1, (queries, page) at 25)}``.
    The 25 cases are built once for the module (in a transaction rolled back at its end:
    :func:`tests.demo_data.demo_loaded`), not once for each page and persona."""
    from tests.conftest import make_personas
    from tests.demo_data import demo_loaded
    from tests.mfa import Client

    results = {}

    def build_and_count():
        personas = make_personas()
        coordinator = personas["coordinator"]
        agencies = [personas["wmp_officer"].agency, personas["health_officer"].agency]
        clients = {persona: Client() for persona in PERSONAS}
        for persona, client in clients.items():
            client.force_login(personas[persona])
        urls = {(name, query): reverse(name) + "?" + query.format(wmp=agencies[0].pk)
                for name, query in PAGES}
        add_cases(coordinator, agencies, 1, 1)
        one = {(*page, persona): count(clients[persona], url)
               for page, url in urls.items() for persona in PERSONAS}
        add_cases(coordinator, agencies, 24, 2)
        for (page, url) in urls.items():
            for persona in PERSONAS:
                key = (*page, persona)
                results[key] = (url, one[key], count(clients[persona], url))

    with demo_loaded(django_db_blocker, tmp_path_factory.mktemp("media"), seed=build_and_count):
        yield results


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "query"), PAGES, ids=[f"{n}?{q}" for n, q in PAGES])
def test_queries_do_not_grow_with_rows(measured, name, query, persona):
    url, (one, page), (twenty_five, page_25) = measured[(name, query, persona)]
    assert shown(page, url) == 1
    assert shown(page_25, url) == 25
    assert twenty_five == one, f"{url} as {persona}: {one} queries for 1 row, {twenty_five} for 25"
    print(f"QUERIES {url} as {persona}: {one} (1 row) == {twenty_five} (25 rows)")
    assert one <= 17, f"{url}: {one} queries"  # 17: one is the second factor (django-otp)


def test_case_detail_queries_are_bounded(client_for, coordinator, wmp, wmp_officer, swbnhs):
    (case,) = add_cases(coordinator, [wmp, swbnhs], 1, 1)
    client = client_for(coordinator)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(case.get_absolute_url()).status_code == 200
    # 31: the page itself, the access event sealed on the chain with its case link (#15) and
    # the panel partners' links to the Rapid Review and their agency's summary (#18).
    assert len(ctx.captured_queries) <= 31
