"""The quarterly report's figures against hand-counted worlds (see ``factories.py``), and a
finished quarter's figures unchanged by everything done after it."""

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from actions import services
from actions.models import ActionStatus
from reports import selectors
from reports.asat import AsAt
from reports.quarters import Quarter
from reviews.clocks import ClockStatus
from scsp.workdays import WorkingCalendar
from tests.reports import factories
from tests.reports.factories import QUARTER, travel

pytestmark = pytest.mark.django_db
D = dt.date


def figures_of(totals):
    return {k: v for k, v in dataclasses.asdict(totals).items()}


def action_part(report):
    """Everything the action tables show, in plain values, for comparing two runs."""
    return {
        "totals": figures_of(report.headline.actions),
        "plans": {p.reference: figures_of(p.figures) for p in report.plans},
        "hidden": report.plans_hidden,
        "agencies": {a.short_name: figures_of(a.figures) for a in report.agencies},
    }


LATER = D(2026, 11, 16)


def report_for(user, quarter=QUARTER, *, today=LATER, cal=None):
    return selectors.quarterly_report(user, quarter, today=today, now=timezone.now(),
                                      cal=cal or WorkingCalendar())


# --- Actions -------------------------------------------------------------------------------------


def test_action_figures_as_counted_by_hand(action_world, chair):
    report = report_for(chair)
    assert report.asat == AsAt(QUARTER.end, QUARTER.end_moment(), live=False)
    t = report.headline.actions
    assert (t.actions, t.open, t.awaiting, t.overdue, t.overdue_3m) == (6, 4, 0, 2, 1)
    assert (t.completed, t.signed_off, t.impact, t.slipped, t.median_slippage) == (1, 1, 1, 1, 35)
    assert (t.red, t.amber, t.green, t.blue) == (2, 1, 1, 2)
    assert t.updates == 2

    plans = {p.reference: p.figures for p in report.plans}
    assert set(plans) == {"AP-T-1", "AP-T-2"}
    assert report.plans_hidden == 1  # AP-T-3: its only action was signed off in September
    p1, p2 = plans["AP-T-1"], plans["AP-T-2"]
    assert (p1.actions, p1.completed, p1.signed_off, p1.overdue) == (3, 1, 1, 1)
    assert (p1.red, p1.amber, p1.green, p1.blue, p1.slipped) == (1, 0, 1, 1, 0)
    assert (p2.actions, p2.overdue, p2.red, p2.amber, p2.slipped, p2.median_slippage) == (
        2, 1, 1, 1, 1, 35)

    agencies = {a.short_name: a.figures for a in report.agencies}
    wmp, health = agencies["WMP"], agencies["SWBNHS"]
    assert (wmp.actions, wmp.open, wmp.overdue, wmp.overdue_3m, wmp.completed, wmp.updates,
            wmp.impact) == (4, 3, 1, 0, 0, 1, 1)
    assert (health.actions, health.open, health.overdue, health.overdue_3m, health.completed,
            health.updates, health.impact) == (2, 1, 1, 1, 1, 1, 0)


def test_a_finished_quarter_does_not_change_when_its_actions_change_later(
        action_world, chair, coordinator, wmp_officer, health_officer):
    before = action_part(report_for(chair))
    factories.change_everything_later(action_world, coordinator=coordinator,
                                      wmp_officer=wmp_officer, health_officer=health_officer)
    after = action_part(report_for(chair))
    assert after == before
    # ... while the quarter the changes happened in sees them.
    q4 = report_for(chair, Quarter(2025, 4)).headline.actions
    assert q4.signed_off == 1 and q4.awaiting == 1 and q4.actions == 7  # a1; a2; a7 joins


def test_the_running_quarter_reads_the_actions_as_they_are(action_world, chair):
    with travel(D(2026, 1, 15)):
        report = report_for(chair, Quarter(2025, 4), today=D(2026, 1, 15))
    assert report.asat.live and report.asat.day == D(2026, 1, 15)
    t = report.headline.actions
    # On 15 January 2026: a7 has joined; a1 and a4 overdue (red); a5 due on 23 January with
    # no update for 4 weeks (amber); a2 and a7 green; a3 and a6 blue.
    assert (t.actions, t.open, t.overdue, t.red, t.amber, t.green, t.blue) == (7, 5, 2, 2, 1, 2, 2)
    assert (t.completed, t.signed_off) == (0, 0)


def test_actions_entered_later_with_earlier_dates_are_read_from_those_dates(
        chair, coordinator, wmp_officer):
    """An action brought in from an old tracker in 2026 with its 2025 history (as the demo
    does): no saved version by the quarter's end, so its dated records speak for it."""
    with travel(D(2026, 2, 1)):
        plan = factories.PlanFactory(reference="AP-OLD-1", owner=coordinator)
        old = factories.ActionFactory(
            plan=plan, lead_agency=wmp_officer.agency, lead_officer=wmp_officer,
            status=ActionStatus.NOT_STARTED, target_date=D(2025, 11, 30),
            created_at=factories.at(D(2025, 9, 1)), last_update_at=None)
        services.action_record_progress(
            by=wmp_officer, action=factories.fresh(old), note="Started.", today=D(2025, 10, 1),
            status=ActionStatus.IN_PROGRESS, now=factories.at(D(2025, 10, 1)))
        services.action_record_progress(
            by=wmp_officer, action=factories.fresh(old), note="Done.", today=D(2026, 1, 10),
            status=ActionStatus.AWAITING_SIGN_OFF, completion_evidence="Minutes.",
            now=factories.at(D(2026, 1, 10)))
        never = factories.ActionFactory(plan=plan, lead_agency=wmp_officer.agency,
                                        lead_officer=wmp_officer)  # made now: not in 2025
    report = report_for(chair)
    t = report.headline.actions
    # In progress on 31 December, past its 30 November target: open, overdue, red; its
    # completion in January is not seen; the action made in 2026 is not there at all.
    assert (t.actions, t.open, t.awaiting, t.overdue, t.red, t.updates) == (1, 1, 0, 1, 1, 1)
    assert never.pk


def test_a_finished_quarter_is_worked_out_again_when_its_actions_change(
        action_world, chair, coordinator, wmp_officer):
    """Its counts are cached, but any action written since (here one brought in with a 2025
    creation date) is seen at once."""
    assert report_for(chair).headline.actions.actions == 6
    assert report_for(chair).headline.actions.actions == 6
    factories.ActionFactory(plan=action_world.plans["P1"], lead_agency=wmp_officer.agency,
                            lead_officer=wmp_officer, created_at=factories.at(D(2025, 10, 1)))
    assert report_for(chair).headline.actions.actions == 7


def test_the_dated_records_give_the_same_figures_as_the_history(
        action_world, chair, coordinator, wmp_officer, health_officer):
    """The two sources count by the same definitions: with every history version removed,
    the actions are read from their dated records alone, and the quarter comes out the same,
    before and after the later changes. (Only the lead agency cannot be read from dates: the
    dated records take today's, so the agency table is compared before the changes.)"""
    from actions.models import Action

    Action.objects.filter(pk=action_world.actions["a6"].pk).update(
        impact_recorded_at=factories.at(D(2025, 9, 15)))
    from_history = action_part(report_for(chair))
    Action.history.model.objects.all().delete()
    from_dates = action_part(report_for(chair))
    assert from_dates == from_history
    factories.change_everything_later(action_world, coordinator=coordinator,
                                      wmp_officer=wmp_officer, health_officer=health_officer)
    Action.history.model.objects.all().delete()
    later = action_part(report_for(chair))
    assert later["totals"] == from_history["totals"] and later["plans"] == from_history["plans"]


def test_only_partnership_wide_roles_read_the_figures(wmp_lead):
    with pytest.raises(PermissionDenied):
        report_for(wmp_lead)


def test_the_plan_and_agency_tables_add_up_to_the_totals(action_world, chair):
    report = report_for(chair)
    totals = report.headline.actions
    for name in ("actions", "open", "overdue", "overdue_3m", "completed", "impact", "red", "blue"):
        assert sum(getattr(a.figures, name) for a in report.agencies) == getattr(totals, name)
    hidden_actions = 1
    assert sum(p.figures.actions for p in report.plans) + hidden_actions == totals.actions


# --- Reviews and audits ----------------------------------------------------------------------------


def test_review_figures_as_counted_by_hand(review_world, chair):
    report = report_for(chair)
    h, f = report.headline, report.figures
    assert [r.reference for r in f.notified] == [review_world.cases["N1"].reference,
                                                 review_world.cases["N2"].reference]
    assert [r.working_days for r in f.notified] == [2, 9]
    assert (h.notifications, h.notified_within, h.notified_within_percent) == (2, 1, 50)
    assert [(r.reference, r.status, r.due) for r in f.waiting] == [
        (review_world.cases["N3"].reference, ClockStatus.DUE_SOON, D(2025, 12, 31))]
    assert (h.waiting_notifications, h.waiting_overdue) == (1, 0)

    assert [(r.meeting_day, r.status) for r in f.rapid_reviews] == [
        (9, ClockStatus.MET), (14, ClockStatus.OVERDUE)]
    assert (h.rapid_reviews, h.rapid_reviews_within, h.rapid_reviews_late) == (2, 1, 1)
    assert h.rapid_reviews_within_percent == 50

    assert (h.lcsprs_started, h.lcsprs_in_progress, h.lcsprs_ratified, h.lcsprs_published,
            h.lcsprs_awaiting_publication, h.lcsprs_embargoed) == (1, 0, 1, 0, 1, 0)
    assert (h.spotlight_completed, h.tabletop_completed, h.briefings_completed) == (1, 0, 0)
    r = h.referrals
    assert (r.received, r.no_further_action, r.spotlight, r.learning_briefing, r.awaiting) == (
        2, 0, 1, 0, 1)
    assert (h.audits_completed, h.rota_late) == (2, 1)
    assert sorted(a.reference for a in f.audits) == ["MACFA-2025-01", "SAA-2025-01"]


def test_review_figures_of_a_finished_quarter_ignore_later_events(review_world, chair,
                                                                   coordinator):
    before = report_for(chair).headline
    factories.review_world_later(review_world, coordinator=coordinator)
    after = report_for(chair).headline
    assert after == before
    assert after.lcsprs_awaiting_publication == 1 and after.lcsprs_published == 0
    later = report_for(chair, Quarter(2025, 4)).headline
    assert later.lcsprs_published == 1 and later.referrals.received == 0


def test_change_since_the_previous_quarter(review_world, chair):
    report = report_for(chair)
    rows = {c.key: c for c in report.changes}
    assert report.previous == Quarter(2025, 2)
    notifications = rows["notifications"]
    assert (notifications.now, notifications.before, notifications.change) == (2, 1, 1)
    assert notifications.change_words == "Up 1" and notifications.direction == ""
    within = rows["notified_within_percent"]
    assert (within.now, within.before, within.change) == (50, 100, -50)
    assert within.direction == "worse" and within.change_words == "Down 50 points"
    assert rows["audits_completed"].direction == "better"


def test_recurring_themes_count_reviews_and_audits(review_world, chair, coordinator):
    from reviews.models import PracticeReview
    from tests.factories import ThemeFactory

    neglect, bullying = ThemeFactory(name="Neglect"), ThemeFactory(name="Bullying")
    for review in PracticeReview.objects.all():
        review.themes.add(neglect)
    review_world.cases["N1"].themes.add(neglect, bullying)
    report = report_for(chair)
    themes = {t.name: t for t in report.themes}
    assert set(themes) == {"Neglect"}  # bullying is seen once: not recurring
    assert (themes["Neglect"].reviews_period, themes["Neglect"].rapid_reviews_period) == (2, 1)
    assert themes["Neglect"].in_years == 3


def test_the_method_is_stated(action_world, chair):
    report = report_for(chair)
    assert "31 December 2025" in report.method and "change history" in report.method
    live = report_for(chair, Quarter(2026, 3), today=D(2026, 11, 16))
    assert "has not ended" in live.method

