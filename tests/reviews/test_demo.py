"""The demo reproduces the annual report's 2022-23 figures and runs twice without duplicates."""

import datetime as dt
import io

import pytest
from django.core.management.base import OutputWrapper

from demo import core as scsp_demo
from demo import reviews as reviews_demo
from reviews import clocks
from reviews.models import (
    Case,
    PracticeReview,
    PublicationOutcome,
    RapidReview,
    ReferralDecision,
    ReviewKind,
    ReviewStatus,
    Route,
    SpotlightReferral,
)
from scsp import workdays
from scsp.workdays import calendar
from tests.demo_data import demo_loaded

D = dt.date
FY_START, FY_END = workdays.financial_year_bounds(2022)
pytestmark = pytest.mark.django_db


class Command:
    def __init__(self):
        self.stdout = OutputWrapper(io.StringIO())


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The partnership and the demo reviews, loaded once for this module (the tests read it;
    the one that seeds again does so in its own savepoint)."""
    command = Command()

    def seed():
        scsp_demo.seed(command)
        reviews_demo.seed(command)

    with demo_loaded(django_db_blocker, tmp_path_factory.mktemp("media"), seed):
        yield command


def in_fy(**lookup):
    field, = lookup
    return {f"{field}__range": (FY_START, FY_END)}


def test_the_2022_23_figures(seeded):
    notifications = Case.objects.filter(route=Route.NOTIFICATION,
                                        **in_fy(notification_submitted_on=None))
    assert sorted(c.pseudonyms() for c in notifications) == ["Child 1", "Child 2", "Child 3"]
    referrals = Case.objects.filter(route=Route.REFERRAL, **in_fy(referral_received_on=None))
    assert referrals.count() == 4
    decisions = SpotlightReferral.objects.filter(case__in=referrals)
    assert sorted(d.decision for d in decisions) == sorted(
        [ReferralDecision.NO_FURTHER_ACTION] + [ReferralDecision.LEARNING_BRIEFING] * 3)
    lcsprs = PracticeReview.objects.filter(kind=ReviewKind.LCSPR, **in_fy(decision_date=None))
    assert lcsprs.count() == 2
    assert PracticeReview.objects.filter(kind=ReviewKind.TABLETOP,
                                         **in_fy(decision_date=None)).count() == 1
    spotlights = [r for r in PracticeReview.objects.filter(kind=ReviewKind.SPOTLIGHT)
                  .prefetch_related("stages") if r.completed_on and FY_START <= r.completed_on
                  <= FY_END]
    assert len(spotlights) == 1
    briefings = PracticeReview.objects.filter(kind=ReviewKind.LEARNING_BRIEFING,
                                              referral__case__in=referrals)
    assert briefings.count() == 3


def test_the_report_s_stories(seeded):
    cal = calendar()
    day = {}
    for rr in RapidReview.objects.select_related("case").filter(
            case__reference__in=["SLPR-2022-002", "SLPR-2022-004", "SLPR-2022-006"]):
        pseudonym = rr.case.pseudonyms()
        day[pseudonym] = clocks.rapid_review_day(rr.case, rr.meeting_date, cal)
        clock = clocks.rapid_review_clock(rr.case, rr, cal)
        assert clock.status(D(2023, 3, 31)) == clocks.ClockStatus.MET, pseudonym
        assert not clocks.notification_is_late(rr.case.became_aware_on,
                                               rr.case.notification_submitted_on, cal)
    assert day["Child 1"] == 10 and day["Child 3"] == 9

    child_1 = PracticeReview.objects.prefetch_related("stages").get(
        cases__reference="SLPR-2022-002")
    assert child_1.outcome == PublicationOutcome.EMBARGOED
    assert child_1.status == ReviewStatus.AWAITING_PUBLICATION
    assert child_1.ratified_on.strftime("%B %Y") == "February 2023"
    assert child_1.embargo_proceeding == "criminal"

    child_3 = PracticeReview.objects.prefetch_related("stages").get(
        cases__reference="SLPR-2022-006")
    assert child_3.is_thematic and child_3.cases.count() == 2
    on_31_march = [s for s in child_3.stages.all() if s.actual_date
                   and s.actual_date <= FY_END]
    assert child_3.ratified_on > FY_END and on_31_march  # in progress at 31 March 2023

    tabletop = PracticeReview.objects.prefetch_related("stages").get(kind=ReviewKind.TABLETOP)
    assert tabletop.held_on.strftime("%B %Y") == "January 2023"
    assert tabletop.cases.get().pseudonyms() == "Child 2"


def test_live_cases_have_running_clocks(seeded):
    from django.utils import timezone

    today = timezone.localdate()
    cal = calendar()
    statuses = {}
    for rr in RapidReview.objects.select_related("case").filter(case__reference_number__gt=100):
        statuses[rr.case.pseudonyms()] = clocks.rapid_review_clock(rr.case, rr, cal).status(
            today)
    assert statuses["Child A"] == clocks.ClockStatus.ON_TIME
    assert statuses["Baby B, Child B2"] == clocks.ClockStatus.DUE_SOON
    assert statuses["Child C"] == clocks.ClockStatus.OVERDUE


def test_current_rapid_review_has_summaries_in_each_state(seeded):
    from django.utils import timezone

    today = timezone.localdate()
    near = RapidReview.objects.get(case__reference__endswith="-102", meeting_date__gt=today)
    states = {s.agency.short_name: (s.status, s.is_late(today))
              for s in near.agency_summaries.select_related("agency")}
    assert states == {"SWBNHS": ("submitted", False), "SCT": ("returned", True),
                      "WMP": ("draft", True), "ICB": ("asked", True),
                      "WMAS": ("received", False)}
    submitted = near.agency_summaries.get(agency__short_name="SWBNHS")
    assert submitted.chronology.count() == 3
    assert submitted.proposed_actions.get().action.lead_agency == submitted.agency
    just_in = RapidReview.objects.get(case__reference__endswith="-101")
    assert {(s.status, s.is_late(today)) for s in just_in.agency_summaries.all()} == {
        ("asked", False)}


def test_seeding_twice_adds_nothing(seeded):
    counts = (Case.objects.count(), PracticeReview.objects.count(),
              RapidReview.objects.count())
    reviews_demo.seed(Command())
    assert (Case.objects.count(), PracticeReview.objects.count(),
            RapidReview.objects.count()) == counts
