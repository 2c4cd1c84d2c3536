"""Impact in a real browser, with axe (WCAG 2.2 AA) and the other checks on every page.

The issue's journey: an action is signed off (six months ago, so today is its impact review
date: an explicit `today`), the lead adds data-trend evidence with before and after figures
and a file, the chair rates it "partly evident", and the theme page and the quarterly report
show it."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import ActionStatus, ImpactEvidence, ImpactRating
from reports.quarters import Quarter
from tests.actions.factories import ActionFactory, PlanFactory
from tests.actions.files import pdf
from tests.factories import ThemeFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_off(coordinator, wmp_officer):
    today = timezone.localdate()
    signed_on = today - relativedelta(months=6)
    theme = ThemeFactory(name="Early Help")
    plan = PlanFactory(reference="AP-2026-019", owner=coordinator,
                       title="Rapid Review RR-2026-007: early help at the front door")
    action = ActionFactory(
        plan=plan, number=1, lead_agency=wmp_officer.agency, lead_officer=wmp_officer,
        title="Refer families to early help from the MASH",
        description="Offer early help to every family the MASH does not take to assessment.",
        success_measure="Share of MASH contacts offered early help rises to 60%.",
        status=ActionStatus.AWAITING_SIGN_OFF, themes=[theme])
    services.action_sign_off(by=coordinator, action=action,
                             now=timezone.make_aware(dt.datetime.combine(signed_on, dt.time(10))))
    review = action.impact_reviews.get()
    assert review.due_on == today  # the review date is today
    return {"action": action, "theme": theme, "review": review, "today": today}


def test_impact_journey(journey, signed_off, wmp_officer, chair, tmp_path):
    page = journey.page
    action, today = signed_off["action"], signed_off["today"]
    trend = tmp_path / "MASH early help offers.pdf"
    trend.write_bytes(pdf())

    # 1. The lead agency's officer adds data-trend evidence with figures and a file.
    journey.sign_in(wmp_officer)
    journey.goto(action.get_absolute_url())
    assert "Due " in page.locator(".impact-review").inner_text()
    page.get_by_role("link", name="Add impact evidence").click()
    journey.check()
    page.get_by_label("Data trend (before and after)").check()
    page.get_by_label("Summary").fill("Early help offers from the MASH rose steadily.")
    page.get_by_role("button", name="Add the evidence").click()  # figures missing
    journey.check()
    assert "Enter the figure before the action" in page.locator(".error-summary, .alert-danger"
                                                              ).first.inner_text()
    assert page.get_by_label("Summary").input_value() == (
        "Early help offers from the MASH rose steadily.")
    page.get_by_label("Measure (optional)").fill("% of MASH contacts offered early help")
    page.get_by_label("Figure before (optional)").fill("38%")
    page.get_by_label("Figure after (optional)").fill("57%")
    page.get_by_label("Period (optional)").fill("April to September")
    page.get_by_label("Evidence files (optional)").set_input_files(str(trend))
    journey.screenshot("impact-evidence-form")
    page.get_by_role("button", name="Add the evidence").click()
    journey.check()
    assert "impact evidence has been added" in page.locator(".messages").inner_text()
    section = page.locator(".impact-review").inner_text()
    assert "% of MASH contacts offered early help: before 38%, after 57%" in section
    assert page.get_by_role("link", name="MASH early help offers.pdf").first.is_visible()
    assert page.get_by_role("link", name="Record the rating").count() == 0
    journey.sign_out()

    # 2. The chair records the SLPR group's rating: partly evident.
    journey.sign_in(chair)
    journey.goto(action.get_absolute_url())
    page.get_by_role("link", name="Record the rating").click()
    journey.check()
    assert "before 38%, after 57%" in page.locator("main").inner_text()
    page.get_by_label("Impact partly evident").check()
    page.get_by_label("Rationale").fill("Offers rose, but re-referrals have not fallen yet.")
    page.get_by_label("Date of the SLPR meeting").fill(today.isoformat())
    journey.screenshot("impact-rating-form")
    page.get_by_role("button", name="Record the rating").click()
    journey.check()
    assert "rating has been recorded" in page.locator(".messages").inner_text()
    assert "Impact partly evident" in page.locator(".impact-rating").inner_text()
    assert "Impact partly evident" in page.locator(".timeline").inner_text()
    rating = ImpactRating.objects.get()
    assert (rating.rating, rating.rated_by, rating.meeting_date) == ("partly", chair, today)
    assert ImpactEvidence.objects.get().after == "57%"

    # 3. The theme page shows the action and its rating.
    journey.goto(reverse("reports:theme_detail", args=[signed_off["theme"].pk]))
    row = page.locator("table.theme-actions tbody tr").first.inner_text()
    assert action.reference in row and "Impact partly evident" in row
    journey.screenshot("impact-theme-page")

    # 4. The quarterly report's Impact section counts it.
    quarter = Quarter.containing(today)
    journey.goto(reverse("reports:quarterly", kwargs=quarter.url_kwargs()))
    assert page.locator(".impact-rated").inner_text() == "1"
    agency_row = page.locator("table.impact-by-agency tbody tr").first.inner_text()
    assert "WMP" in agency_row
    journey.screenshot("impact-quarterly")
