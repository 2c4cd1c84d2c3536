"""The impact register download: rows written out by hand, scoped like every list, and a
page whose query count does not grow."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actions import services
from actions.models import ActionStatus, Rating
from tests.actions.factories import ActionFactory, PlanFactory
from tests.factories import ThemeFactory
from tests.querycount import assert_flat, page_rows

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
SIGNED = dt.datetime(2026, 5, 20, 11, 0, tzinfo=LONDON)


def signed_off(plan, officer, coordinator, number, themes=(), title="Embed the learning"):
    action = ActionFactory(plan=plan, number=number, lead_agency=officer.agency,
                           lead_officer=officer, status=ActionStatus.AWAITING_SIGN_OFF,
                           themes=list(themes), title=title)
    services.action_sign_off(by=coordinator, action=action, now=SIGNED)
    return action


@pytest.fixture
def register(coordinator, chair, wmp_officer, sct_officer):
    plan = PlanFactory(reference="AP-2026-070", owner=coordinator)
    neglect, early = ThemeFactory(name="Neglect"), ThemeFactory(name="Early Help")
    a = signed_off(plan, wmp_officer, coordinator, 1, [neglect, early], "=HYPERLINK(1)")
    review = a.impact_reviews.get()
    services.impact_evidence_add(by=wmp_officer, review=review, kind="data_trend",
                                 summary="Faster.", measure="% in 1 day", before="61%",
                                 after="88%")
    services.impact_evidence_add(by=wmp_officer, review=review, kind="survey",
                                 summary="Staff say so.")
    services.impact_rate(by=chair, review=review, rating=Rating.PARTLY,
                         rationale="Data good; survey small.", meeting_date=dt.date(2026, 11, 25),
                         today=dt.date(2026, 11, 26))
    other = PlanFactory(reference="AP-2026-071", owner=coordinator)
    signed_off(other, sct_officer, coordinator, 1, title="SCT's own")
    return a


WMP_ROW = ["AP-2026-070-01", "'=HYPERLINK(1)", "Early Help; Neglect", "WMP",
           "2026-05-20 11:00", "1", "2026-11-20", "Rated",
           "Data trend (before and after); Practitioner survey", "Impact partly evident",
           "Data good; survey small.", "2026-11-25", ""]
SCT_ROW = ["AP-2026-071-01", "SCT's own", "", "SCT", "2026-05-20 11:00", "1", "2026-11-20",
           "Due", "", "", "", "", ""]


def download(client, fmt):
    return client.get(reverse("actions:impact_register"), {"export": fmt})


def csv_of(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_for_the_scrutineer_has_every_row(register, client_for, scrutineer):
    rows = csv_of(download(client_for(scrutineer), "csv"))
    assert rows[0][:3] == ["Action", "Title", "Learning themes"]
    assert rows[1:] == [WMP_ROW, SCT_ROW]


def test_csv_for_an_agency_is_scoped(register, client_for, wmp_officer, health_officer):
    assert csv_of(download(client_for(wmp_officer), "csv"))[1:] == [WMP_ROW]
    assert csv_of(download(client_for(health_officer), "csv"))[1:] == []


def test_xlsx(register, client_for, coordinator):
    book = load_workbook(io.BytesIO(download(client_for(coordinator), "xlsx").content))
    rows = list(book["Impact register"].iter_rows(values_only=True))
    assert rows[1] == ("AP-2026-070-01", "'=HYPERLINK(1)", "Early Help; Neglect", "WMP",
                       dt.datetime(2026, 5, 20, 11, 0), 1,  # noqa: DTZ001 - Excel has no zone
                       dt.datetime(2026, 11, 20), "Rated",  # noqa: DTZ001
                       "Data trend (before and after); Practitioner survey",
                       "Impact partly evident", "Data good; survey small.",
                       dt.datetime(2026, 11, 25), None)  # noqa: DTZ001
    assert len(rows) == 3


@pytest.mark.template_context
def test_the_page_stays_flat(client_for, coordinator, wmp_officer):
    plan = PlanFactory(reference="AP-2026-072", owner=coordinator)
    theme = ThemeFactory(name="Exploitation")
    made = iter(range(1, 100))

    def grow(n):
        for _ in range(n):
            action = signed_off(plan, wmp_officer, coordinator, next(made), [theme])
            services.impact_evidence_add(by=wmp_officer, review=action.impact_reviews.get(),
                                         kind="voice", summary="Families say so.")

    assert_flat(client_for(coordinator), reverse("actions:impact_register"), grow,
                expect_rows=page_rows, most=15)
