"""Agency summaries due or late go into the daily digests (issue 18): the asked agency's lead,
the officer writing it and the co-ordinators, escalating as actions do."""

import datetime as dt

import pytest

from actions.reminders import build_digests, run_sweep
from reviews import services
from reviews.summary_reminders import summary_sections
from scsp.models import Reminder
from scsp.workdays import WorkingCalendar
from tests.reviews.factories import notification

pytestmark = pytest.mark.django_db
CAL = WorkingCalendar()
D = dt.date
ASKED = D(2026, 11, 3)  # Tuesday; summaries due Wednesday 11 November


def asked_case(coordinator, *agencies):
    case = notification(by=coordinator, agencies=list(agencies), aware=D(2026, 10, 30),
                        received=D(2026, 11, 2), notified=D(2026, 11, 3),
                        incident=D(2026, 10, 29), today=ASKED)
    services.summaries_ask(by=coordinator, rr=case.rapid_review, today=ASKED,
                           agencies=agencies, due_on=D(2026, 11, 11))
    return case


def digest_for(user, today):
    return [d for d in build_digests(today=today, cal=CAL)
            if d.recipient == user and d.kind == Reminder.Kind.DAILY_DIGEST]


def test_due_then_late_in_the_leads_and_coordinators_digest(coordinator, wmp, wmp_lead,
                                                            wmp_officer, health_officer):
    case = asked_case(coordinator, wmp)
    assert digest_for(wmp_lead, D(2026, 11, 4)) == []  # 5 working days left: not yet
    (due,) = digest_for(wmp_lead, D(2026, 11, 9))
    assert "Agency summaries due or late" in due.text_body
    assert f"{case.reference} RR" in due.text_body and "due in 2 working days" in due.text_body
    (late,) = digest_for(wmp_lead, D(2026, 11, 12))  # the next day
    assert "1 working day late" in late.text_body
    (coord,) = digest_for(coordinator, D(2026, 11, 12))
    assert "Agency summary: WMP" in coord.text_body
    assert digest_for(wmp_officer, D(2026, 11, 12)) == []  # not asked to write it
    assert digest_for(health_officer, D(2026, 11, 12)) == []
    assert "assault" not in late.text_body  # no case narrative


def test_delegated_officer_gets_it_and_lead_sees_escalation(coordinator, wmp, wmp_lead,
                                                            wmp_officer, settings):
    settings.ESCALATE_TO_LEAD_AFTER_WORKING_DAYS = 2
    case = asked_case(coordinator, wmp)
    summary = case.rapid_review.agency_summaries.get()
    services.summary_delegate(by=wmp_lead, summary=summary, writer=wmp_officer)
    sections, _users = summary_sections(D(2026, 11, 12), CAL)
    assert [i.escalated for i in sections[wmp_officer.pk][0].items] == [False]
    assert [i.escalated for i in sections[wmp_lead.pk][0].items] == [False]
    sections, _users = summary_sections(D(2026, 11, 13), CAL)  # 2 working days late
    assert [i.escalated for i in sections[wmp_lead.pk][0].items] == [True]


def test_submitted_summaries_drop_out_and_sweep_sends_once(coordinator, wmp, swbnhs, wmp_lead,
                                                           mailoutbox):
    case = asked_case(coordinator, wmp, swbnhs)
    summary = case.rapid_review.agency_summaries.get(agency=wmp)
    summary.status = "submitted"
    summary.submitted_at = dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC)
    summary.save()
    sections, _users = summary_sections(D(2026, 11, 12), CAL)
    assert wmp_lead.pk not in sections
    assert [i.title for i in sections[coordinator.pk][0].items] == ["Agency summary: SWBNHS"]
    run_sweep(today=D(2026, 11, 12), cal=CAL)
    run_sweep(today=D(2026, 11, 12), cal=CAL)
    assert [m.to for m in mailoutbox] == [[coordinator.email]]


def test_queries_do_not_grow_with_summaries(coordinator, wmp, swbnhs, sct,
                                            django_assert_max_num_queries):
    for i in range(4):
        case = notification(by=coordinator, agencies=[wmp, swbnhs, sct],
                            pseudonyms=(f"Child {i}",), aware=D(2026, 10, 30),
                            received=D(2026, 11, 2), notified=D(2026, 11, 3),
                            incident=D(2026, 10, 29), today=ASKED)
        services.summaries_ask(by=coordinator, rr=case.rapid_review, today=ASKED,
                               agencies=[wmp, swbnhs, sct], due_on=D(2026, 11, 11))
    with django_assert_max_num_queries(3):
        sections, _users = summary_sections(D(2026, 11, 12), CAL)
    assert len(sections[coordinator.pk][0].items) == 12
