"""The personal calendar feed, parsed with a real iCalendar parser."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from actions import services
from actions.models import ActionStatus
from tests.actions.factories import ActionFactory, PlanFactory

pytestmark = pytest.mark.django_db
SECRET = "Child K disclosed abuse to her teacher"


def feed(client, user):
    return client.get(reverse("actions:calendar_feed", args=[user.calendar_token]))


@pytest.fixture
def deadlines(coordinator, wmp_officer, wmp_lead, health_officer):
    plan = PlanFactory(reference="AP-2026-009", title=f"Rapid Review: {SECRET}",
                       owner=coordinator)
    agency = wmp_officer.agency
    return {
        "mine": ActionFactory(plan=plan, number=1, lead_agency=agency, lead_officer=wmp_officer,
                              title="Refresh the fathers briefing", description=SECRET,
                              success_measure=SECRET, completion_evidence=SECRET),
        "colleague": ActionFactory(plan=plan, number=2, lead_agency=agency,
                                   lead_officer=wmp_lead),
        "done": ActionFactory(plan=plan, number=3, lead_agency=agency, lead_officer=wmp_officer,
                              status=ActionStatus.SIGNED_OFF),
        "health": ActionFactory(plan=plan, number=4, lead_agency=health_officer.agency,
                                lead_officer=health_officer),
    }


def test_feed_is_valid_icalendar_that_outlook_accepts(client, wmp_officer, deadlines):
    response = feed(client, wmp_officer)  # no sign-in: calendar apps cannot sign in
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded, RFC 5545 3.1
    cal = Calendar.from_ical(body)
    assert cal["VERSION"] == "2.0"
    assert "SCSP Reviews" in str(cal["PRODID"])
    assert cal["METHOD"] == "PUBLISH"
    events = cal.walk("VEVENT")
    action = deadlines["mine"]
    host = urlsplit(settings.SITE_URL).hostname
    assert [str(e["UID"]) for e in events] == [f"action-{action.pk}@{host}"]
    event = events[0]
    assert event.decoded("DTSTART") == action.target_date
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert b"DTSTART;VALUE=DATE:" in body
    assert event.decoded("DTEND") == action.target_date + dt.timedelta(days=1)
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["SUMMARY"]) == f"Due: {action.reference}: {action.title} (WMP)"
    assert str(event["URL"]).endswith(f"/actions/{action.pk}/")


def test_feed_carries_no_case_narrative(client, wmp_officer, deadlines):
    body = feed(client, wmp_officer).content.decode()
    assert SECRET not in body.replace("\r\n ", "")
    assert "Child K" not in body.replace("\r\n ", "")


def test_an_agency_lead_gets_the_agencys_deadlines(client, wmp_lead, deadlines):
    cal = Calendar.from_ical(feed(client, wmp_lead).content)
    uids = {str(e["UID"]).split("@")[0] for e in cal.walk("VEVENT")}
    assert uids == {f"action-{deadlines[k].pk}" for k in ("mine", "colleague")}


def test_a_moved_date_moves_the_same_event(client, coordinator, wmp_officer, deadlines):
    action = deadlines["mine"]
    before = Calendar.from_ical(feed(client, wmp_officer).content).walk("VEVENT")[0]
    new_date = action.target_date + dt.timedelta(days=14)
    change = services.action_request_date_change(by=wmp_officer, action=action,
                                                 new_date=new_date, reason="x",
                                                 today=action.target_date)
    services.action_decide_date_change(by=coordinator, change=change, agree=True,
                                       today=action.target_date)
    after = Calendar.from_ical(feed(client, wmp_officer).content).walk("VEVENT")[0]
    assert after["UID"] == before["UID"]
    assert after.decoded("DTSTART") == new_date
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


def test_unknown_revoked_or_inactive_tokens_get_nothing(client, client_for, wmp_officer,
                                                        deadlines):
    old = wmp_officer.calendar_token
    assert client.get(reverse("actions:calendar_feed", args=["x" * 43])).status_code == 404
    signed_in = client_for(wmp_officer)
    # Without the confirmation nothing changes, and the page says why.
    response = signed_in.post(reverse("actions:calendar"))
    assert response.status_code == 200 and "stop working" in response.content.decode()
    wmp_officer.refresh_from_db()
    assert wmp_officer.calendar_token == old
    response = signed_in.post(reverse("actions:calendar"), {"confirm": "on"})
    assert response.status_code == 302
    wmp_officer.refresh_from_db()
    assert wmp_officer.calendar_token != old
    signed_in.logout()
    assert client.get(reverse("actions:calendar_feed", args=[old])).status_code == 404
    assert feed(client, wmp_officer).status_code == 200
    wmp_officer.is_active = False
    wmp_officer.save()
    assert feed(client, wmp_officer).status_code == 404


def test_calendar_page_reveals_the_address(client_for, wmp_officer, deadlines):
    html = client_for(wmp_officer).get(reverse("actions:calendar")).content.decode()
    assert f"/actions/calendar/{wmp_officer.calendar_token}.ics" in html
    assert "Make a new address" in html
    assert deadlines["mine"].reference in html


@pytest.mark.parametrize("token,status", [
    ("%00" + "a" * 50, 400),            # NUL: refused before anything reaches the database
    ("a" * 10_000, 404),
    ("%27%20OR%201%3D1--" + "a" * 30, 404),
    ("%ff%fe" + "a" * 40, 404),
    ("a" * 31, 404),
])
def test_malformed_tokens_are_refused_without_a_query(client, token, status):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/actions/calendar/{token}.ics")
    assert response.status_code == status
    assert not [q for q in queries.captured_queries if "calendar_token" in q["sql"]]


def test_the_feed_refresh_interval_is_a_proper_duration(client, wmp_officer, deadlines):
    """RFC 7986 REFRESH-INTERVAL;VALUE=DURATION with an RFC 5545 duration (PT6H)."""
    text = feed(client, wmp_officer).content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in text
    assert "6:00:00" not in text
