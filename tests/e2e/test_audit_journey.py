"""The independent scrutineer questions the access log in a real browser, axe on every page:
"who looked at Child 1's Rapid Review minutes last month?" is one filter and shows the chair
(not the co-ordinator, who looked at another child's, nor a look from two months ago); and a
refusal made by another person in their own browser (an agency officer opening the minutes,
403) is there, with their name, the record and the address."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from scsp.models import AccessEvent
from tests.reviews import factories as f

pytestmark = pytest.mark.browser


def test_the_scrutineer_answers_who_looked_at_child_1s_minutes(
        journey, client_for, coordinator, chair, scrutineer, wmp_officer, wmp, swbnhs):
    child_case = f.notification(by=coordinator, agencies=[wmp], pseudonyms=("Child 1",))
    f.decided(child_case, by=coordinator)
    other_case = f.notification(by=coordinator, agencies=[swbnhs], pseudonyms=("Baby H",))
    minutes = reverse("reviews:rr_minutes", args=[child_case.rapid_review.pk])
    with time_machine.travel(timezone.now() - dt.timedelta(days=20), tick=False):
        assert client_for(chair).get(minutes).status_code == 200
        client_for(coordinator).get(reverse("reviews:rr_minutes",
                                            args=[other_case.rapid_review.pk]))
    with time_machine.travel(timezone.now() - dt.timedelta(days=70), tick=False):
        client_for(coordinator).get(minutes)  # too long ago to count as last month

    # Another person, in their own browser, is refused the minutes (not for their role).
    page = journey.page
    journey.sign_in(wmp_officer)
    journey.goto(minutes, expect_status=403)
    journey.sign_out()

    journey.sign_in(scrutineer)
    journey.goto(reverse("scsp:access_log"))
    page.locator("summary", has_text="Filter the log").click()
    today = timezone.localdate()
    page.get_by_label("Case reference or child").fill("Child 1")
    page.get_by_label("What happened").select_option(label="Viewed the Rapid Review minutes")
    page.get_by_label("From").fill((today - dt.timedelta(days=30)).isoformat())
    page.get_by_label("To").fill(today.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    journey.check()
    journey.screenshot("audit-01-minutes-last-month")
    rows = page.locator("table.audit-table tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert chair.full_name in row and "Viewed the Rapid Review minutes" in row
    assert child_case.reference in row and "Allowed" in row
    assert page.locator("#result-count").inner_text().startswith("1 event")
    assert f"Showing the case: {child_case.reference}" in page.locator("main").inner_text()

    # The refusal, made by the officer a minute ago: one more filter, on the outcome.
    journey.goto(reverse("scsp:access_log") + "?case=Child+1&outcome=refused")
    journey.screenshot("audit-02-refused")
    refused = page.locator("table.audit-table tbody tr")
    assert refused.count() == 1
    text = refused.first.inner_text()
    assert wmp_officer.full_name in text and "Refused (403)" in text
    assert "not for their role" in text
    assert "Rapid Review" in text and child_case.reference in text
    assert "127.0.0.1" in text
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.REFUSED, user=wmp_officer)
    assert event.request_id and event.request_id in text
