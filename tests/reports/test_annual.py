"""The annual report's SLPR figures, small-number suppression, and the demo's 2022-23."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports import annual
from reports.annual import Cell, suppress
from reports.quarters import FinancialYear, Quarter
from reports.selectors import quarterly_report
from reviews.models import AgeBand, ReviewKind, Sex, YesNoUnknown
from scsp.models import User
from scsp.workdays import WorkingCalendar, calendar
from tests.demo_data import demo_loaded
from tests.reports import factories
from tests.reviews.factories import notification, referral

pytestmark = pytest.mark.django_db
D = dt.date


def figures(user, year, **kw):
    return annual.annual_figures(user, year, today=kw.get("today", D(2026, 11, 16)),
                                 now=timezone.now(), cal=kw.get("cal", WorkingCalendar()))


# --- Suppression ----------------------------------------------------------------------------------


def grid(rows, totals):
    cells = [[Cell(v) for v in row] for row in rows]
    fixed = [Cell(v, fixed=True) for v in totals]
    suppress(cells, fixed)
    return [[c.shown for c in row] for row in cells], [c.shown for c in fixed]


def test_counts_of_one_or_two_are_hidden_and_others_shown():
    shown, totals = grid([[5, 7, 12], [3, 4, 7]], [8, 11, 19])
    assert shown == [["5", "7", "12"], ["3", "4", "7"]] and totals == ["8", "11", "19"]
    shown, _ = grid([[1, 3, 4], [2, 4, 6], [5, 6, 11]], [8, 13, 21])
    assert shown[0][0] == "[c]" and shown[1][0] == "[c]"


def test_a_lone_hidden_count_is_protected_by_hiding_another():
    # Row: 1 notification and 5 referrals make 6: hiding the 1 alone would let anyone work
    # it out as 6 - 5, so the next smallest count in the row goes too.
    shown, totals = grid([[1, 5, 6], [9, 9, 18]], [10, 14, 24])
    assert shown[0].count("[c]") >= 2
    # ... and down the column, against its published total.
    for column in range(3):
        hidden = [row[column] for row in shown].count("[c]")
        assert hidden != 1, (column, shown)
    assert totals == ["10", "14", "24"]  # published totals are never hidden


def test_nothing_can_be_worked_out_from_any_line():
    rows = [[2, 0, 2], [0, 3, 3], [4, 1, 5], [0, 0, 0]]
    shown, totals = grid(rows, [6, 4, 10])
    lines = [list(r) for r in shown] + [[r[c] for r in shown] + [totals[c]] for c in range(3)]
    for line in lines:
        assert line.count("[c]") != 1, shown


# --- Annual figures ---------------------------------------------------------------------------------


def test_annual_figures_from_a_hand_counted_year(review_world, chair):
    year = figures(chair, FinancialYear(2025)).as_dict()
    # 2025-26 as at 31 March 2026: N0 (September), N1 and N2 notified, N3 not; R1 and R2
    # referred; the panels of N1 (sent in time) and N2 (never sent) met.
    assert year["notifications"] == 3
    assert year["notifications_within"] == 2  # N0 and N1; N2 took 9 working days
    assert year["referrals"] == 2
    assert (year["rapid_reviews"], year["rapid_reviews_within"]) == (2, 1)
    assert (year["lcsprs_initiated"], year["lcsprs_ratified"], year["lcsprs_awaiting"]) == (1, 1, 1)
    assert (year["spotlight_completed"], year["referral_spotlight"],
            year["referral_awaiting"]) == (1, 1, 1)  # R2 still undecided at 31 March 2026


def test_the_disproportionality_table_counts_children_once_per_case(coordinator, wmp, chair):
    with factories.travel(D(2025, 6, 2)):
        case = notification(by=coordinator, agencies=[wmp], aware=D(2025, 5, 30),
                            received=D(2025, 6, 2), notified=D(2025, 6, 2),
                            incident=D(2025, 5, 29), today=D(2025, 6, 2),
                            pseudonyms=("Child 1", "Child 2", "Child 3"))
        for child, sex in zip(case.children.order_by("position"),
                              [Sex.FEMALE, Sex.FEMALE, Sex.FEMALE], strict=True):
            child.sex, child.age_band, child.disability = sex, AgeBand.AGE_1_5, YesNoUnknown.NO
            child.ethnicity = "white_british"
            child.save()
        referral(by=coordinator, agencies=[wmp], referring_agency=wmp, received=D(2025, 6, 3),
                 incident=D(2025, 6, 1), today=D(2025, 6, 3), pseudonyms=("Child R",))
    year = FinancialYear(2025)
    asat = figures(chair, year).asat
    tables = {b.key: b for b in annual.disproportionality(chair, year, asat)}
    sex = {r.label: [c.shown for c in r.cells] for r in tables["sex"].rows}
    assert [c.shown for c in tables["sex"].totals] == ["3", "1", "4"]
    assert sex["Female"][0] == "3"  # three girls notified: shown
    # The one referred child has no sex recorded: a count of 1, hidden; and since the
    # referrals column adds up to a published 1, a zero beside it is hidden too, so the
    # reader cannot tell which row the child is in.
    assert sex["Not recorded"][1] == "[c]"
    referrals = [row[1] for row in sex.values()]
    assert referrals.count("[c]") >= 2
    assert sex["Male"] == ["0", "0", "0"]
    ethnicity = {r.label: [c.shown for c in r.cells] for r in tables["ethnicity"].rows}
    assert ethnicity["White"][0] == "3"


# --- The demo: the annual report's own figures -------------------------------------------------


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo partnership, loaded once for the class that uses it."""
    with demo_loaded(django_db_blocker, tmp_path_factory.mktemp("media")):
        yield


@pytest.mark.usefixtures("demo")
class TestTheDemo:
    """These tests read the demo; what one writes is rolled back before the next."""

    def test_the_demo_gives_the_annual_reports_2022_23_figures(self):
        """Sandwell's 2022-23 annual report: 3 notifications to the National Panel, 2 LCSPRs,
        1 Tabletop Review, 1 Spotlight Review completed, and 4 referrals, of which 1 no further
        action and 3 learning briefings."""
        chair = User.objects.get(email="chair@scsp.example")
        year = figures(chair, FinancialYear(2022), cal=calendar(),
                       today=timezone.localdate()).as_dict()
        assert year["notifications"] == 3
        assert year["lcsprs_initiated"] == 2
        assert year["tabletop_completed"] == 1
        assert year["spotlight_completed"] == 1
        assert year["referrals"] == 4
        assert (year["referral_nfa"], year["referral_briefing"], year["referral_spotlight"],
                year["referral_awaiting"]) == (1, 3, 0, 0)
        assert year["briefings_started"] == 3
        # The rest of the section: every notification on time, the panels within 15 working
        # days, Child 1's LCSPR ratified in February 2023 and embargoed, Child 3's in progress.
        assert (year["notifications_within"], year["rapid_reviews"],
                year["rapid_reviews_within"]) == (3, 3, 3)
        assert (year["lcsprs_ratified"], year["lcsprs_awaiting"], year["lcsprs_embargoed"],
                year["lcsprs_in_progress"], year["lcsprs_published"]) == (1, 1, 1, 1, 0)



    def test_the_demos_2022_23_local_reviews_by_kind(self):
        """The annual report's local reviews of 2022-23 by kind: 1 Tabletop Review and no
        Spotlight Review decided in the year, 3 learning briefings started."""
        chair = User.objects.get(email="chair@scsp.example")
        year = figures(chair, FinancialYear(2022), cal=calendar(), today=timezone.localdate())
        started = {row["kind"]: row["started"] for row in year.figures.local_summary()}
        assert started == {ReviewKind.TABLETOP: 1, ReviewKind.SPOTLIGHT: 0,
                           ReviewKind.LEARNING_BRIEFING: 3}

    def test_the_demos_quarters_add_up_to_its_year(self):
        chair = User.objects.get(email="chair@scsp.example")
        today, cal = timezone.localdate(), calendar()
        quarters = [quarterly_report(chair, q, today=today, now=timezone.now(), cal=cal).headline
                    for q in Quarter.of_year(2022)]
        assert sum(h.notifications for h in quarters) == 3
        assert sum(h.rapid_reviews for h in quarters) == 3
        assert sum(h.lcsprs_started for h in quarters) == 2
        assert sum(h.referrals.received for h in quarters) == 4
        assert sum(h.tabletop_completed for h in quarters) == 1
        assert sum(h.spotlight_completed for h in quarters) == 1
        # Q4: Child 1's LCSPR ratified (February 2023) and embargoed; Child 3's in progress.
        assert (quarters[3].lcsprs_ratified, quarters[3].lcsprs_embargoed,
                quarters[3].lcsprs_in_progress) == (1, 1, 1)


    def test_the_demo_has_the_chairs_commentary_on_q4_2022_23(self, client_for):
        chair = User.objects.get(email="chair@scsp.example")
        html = client_for(chair).get("/reports/quarterly/2022-23/q4/").content.decode()
        assert "stays embargoed while the criminal trial runs" in html
        call_command("seed_demo", stdout=StringIO())  # twice: still one commentary
        from reports.models import QuarterCommentary

        assert QuarterCommentary.objects.count() == 1
