"""A list's print view (``?print=1``): the whole filtered list on one page, scoped exactly like
the list (its filterset; never wider), capped with a message, and in the access log.

The rows expected are written out by hand from the fixture, not rebuilt with the selector."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from actions.models import ActionStatus
from actions.views.lists import ActionListView
from audits.models import AuditKind
from scsp.models import AccessEvent
from tests.actions.factories import ActionFactory, PlanFactory
from tests.audits.factories import AuditFactory
from tests.reviews.factories import notification

pytestmark = pytest.mark.django_db
FAR = dt.date(2030, 1, 1)


def references(html: str, prefix: str) -> list[str]:
    return re.findall(rf'>({re.escape(prefix)}[-0-9A-Z]*)</a>', html)


@pytest.fixture
def many(coordinator, wmp_officer, health_officer):
    """30 in-progress WMP actions (more than a page), 3 WMP actions not started (filtered out)
    and 4 in-progress SWBNHS actions (out of a WMP officer's agency scope)."""
    plan = PlanFactory(reference="AP-2026-070", owner=coordinator)
    for n in range(1, 31):
        ActionFactory(plan=plan, number=n, lead_agency=wmp_officer.agency,
                      lead_officer=wmp_officer, status=ActionStatus.IN_PROGRESS,
                      target_date=FAR + dt.timedelta(days=n))
    for n in range(31, 34):
        ActionFactory(plan=plan, number=n, lead_agency=wmp_officer.agency,
                      lead_officer=wmp_officer, status=ActionStatus.NOT_STARTED,
                      target_date=FAR + dt.timedelta(days=n))
    other = PlanFactory(reference="AP-2026-071", owner=coordinator)
    for n in range(1, 5):
        ActionFactory(plan=other, number=n, lead_agency=health_officer.agency,
                      lead_officer=health_officer, status=ActionStatus.IN_PROGRESS,
                      target_date=FAR + dt.timedelta(days=n))
    return [f"AP-2026-070-{n:02d}" for n in range(1, 31)]


def test_the_list_offers_print_and_pages_its_rows(client_for, wmp_officer, many):
    html = client_for(wmp_officer).get(
        reverse("actions:agency_actions"),
        {"status": ActionStatus.IN_PROGRESS, "sort": "reference"}).content.decode()
    assert len(references(html, "AP-2026-07")) == 25  # one page of the list
    assert ("?status=in_progress&amp;sort=reference&amp;print=1#print" in html
            and "Print this list" in html)


def test_the_print_view_lists_exactly_the_filtered_rows_across_pages(client_for, wmp_officer,
                                                                      many):
    response = client_for(wmp_officer).get(
        reverse("actions:agency_actions"),
        {"status": ActionStatus.IN_PROGRESS, "sort": "reference", "page": "2", "print": "1"})
    html = response.content.decode()
    assert references(html, "AP-2026-07") == many  # all 30, from the first, in order
    assert "AP-2026-071" not in html  # another agency's: out of scope
    assert "AP-2026-070-31" not in html  # not started: filtered out
    assert 'aria-label="Pages"' not in html and "Apply filters" not in html
    assert "<title>Print: My agency&#x27;s actions (WMP)" in html
    assert "Filters:</strong> Status: In progress." in html
    event = AccessEvent.objects.get(kind="export")
    assert event.user == wmp_officer and event.label == "30 rows (print view)"


def test_the_print_view_never_widens_the_scope(client_for, wmp_officer, many):
    """A WMP officer's "My actions" prints their own actions only, whatever the address says."""
    html = client_for(wmp_officer).get(reverse("actions:my_actions"),
                                       {"print": "1", "agency": ""}).content.decode()
    assert sorted(references(html, "AP-2026-07")) == sorted(
        many + ["AP-2026-070-31", "AP-2026-070-32", "AP-2026-070-33"])
    assert client_for(wmp_officer).get(reverse("actions:all_actions"),
                                       {"print": "1"}).status_code == 403


def test_past_the_cap_the_print_view_says_what_it_left_out(client_for, wmp_officer, many,
                                                           monkeypatch):
    monkeypatch.setattr(ActionListView, "print_max", 10)
    html = client_for(wmp_officer).get(
        reverse("actions:agency_actions"),
        {"status": ActionStatus.IN_PROGRESS, "sort": "reference", "print": "1"}).content.decode()
    assert references(html, "AP-2026-07") == many[:10]
    assert "Only the first 10 of 30 rows are shown." in html


def test_case_review_and_audit_lists_print_every_row(client_for, coordinator, wmp_officer,
                                                     health_officer, wmp, swbnhs):
    for n in range(27):
        notification(by=coordinator, agencies=[wmp], pseudonyms=(f"Child {n}",))
    notification(by=coordinator, agencies=[swbnhs], pseudonyms=("Child H",))
    client = client_for(wmp_officer)
    listed = client.get(reverse("reviews:case_list")).content.decode()
    printed = client.get(reverse("reviews:case_list"), {"print": "1"}).content.decode()
    assert len(references(listed, "SLPR-")) == 25
    assert len(references(printed, "SLPR-")) == 27  # WMP's cases only, every one
    assert "Child H" not in printed
    assert client.get(reverse("reviews:review_list"), {"print": "1"}).status_code == 200

    for n in range(26):
        AuditFactory(kind=AuditKind.MACFA, title=f"Audit {n}")
    audits = client_for(coordinator).get(reverse("audits:audit_list"),
                                         {"print": "1", "kind": AuditKind.MACFA})
    assert audits.content.decode().count("<tr>") == 26 + 1  # the heading row and 26 audits


def test_lists_without_a_print_view_ignore_print(client_for, coordinator):
    html = client_for(coordinator).get(reverse("scsp:reminder_list"),
                                       {"print": "1"}).content.decode()
    assert "Print:" not in html and "print-bar" not in html


def test_the_plan_list_prints_every_plan_in_scope(client_for, coordinator, wmp_officer,
                                                 health_officer):
    """Action plans: more than a page of plans prints on one page, an agency's person prints
    only the plans their agency leads an action in, and the print is in the access log."""
    wmp_plans = []
    for n in range(27):
        plan = PlanFactory(reference=f"AP-2026-{100 + n:03d}", owner=coordinator)
        ActionFactory(plan=plan, number=1, lead_agency=wmp_officer.agency,
                      lead_officer=wmp_officer, target_date=FAR)
        wmp_plans.append(plan.reference)
    other = PlanFactory(reference="AP-2026-200", owner=coordinator)
    ActionFactory(plan=other, number=1, lead_agency=health_officer.agency,
                  lead_officer=health_officer, target_date=FAR)
    client = client_for(wmp_officer)
    listed = client.get(reverse("actions:plan_list")).content.decode()
    assert len(references(listed, "AP-2026-")) == 25
    assert "print=1#print" in listed and "Print this list" in listed
    printed = client.get(reverse("actions:plan_list"), {"print": "1", "page": "2"})
    html = printed.content.decode()
    assert sorted(references(html, "AP-2026-")) == sorted(wmp_plans)  # all 27, none of SWBNHS's
    assert "<title>Print: Action plans" in html and 'aria-label="Pages"' not in html
    assert "No filters: every row you can see." in html
    event = AccessEvent.objects.get(kind="export")
    assert event.user == wmp_officer and event.label == "27 rows (print view)"
    assert event.detail == "no filter"
    everything = client_for(coordinator).get(reverse("actions:plan_list"), {"print": "1"})
    assert len(references(everything.content.decode(), "AP-2026-")) == 28
