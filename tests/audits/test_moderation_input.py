"""A moderation POST changes only what it sends: a missing field means "unchanged", not
"clear". Only an explicit blank grade clears an agreed grade."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import AuditStatus, Grade, ModerationGrade
from tests.audits.factories import answer_all, make_macfa, return_of, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderated(coordinator, wmp, swbnhs, wmp_officer, health_officer):
    """A MACFA in moderation with an agreed grade for every case and question, an agreed
    grade and note for each return, and the meeting's date and notes."""
    today = timezone.localdate()
    audit = make_macfa(coordinator, [wmp, swbnhs], today=today)
    submit(wmp_officer, answer_all(wmp_officer, return_of(audit, wmp), Grade.GOOD))
    submit(health_officer, answer_all(health_officer, return_of(audit, swbnhs), Grade.GOOD))
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.MODERATION, today=today)
    cases, questions = list(audit.cases.all()), list(audit.questions.all())
    services.moderation_record(
        by=coordinator, audit=audit, meeting_date=today, notes="Fathers rarely seen.",
        today=today,
        case_grades={(c.pk, q.pk): Grade.INADEQUATE for c in cases for q in questions},
        return_grades={r.pk: Grade.REQUIRES_IMPROVEMENT for r in audit.returns.all()},
        return_notes={r.pk: "Agreed at the meeting." for r in audit.returns.all()},
    )
    return audit


def state(audit):
    audit.refresh_from_db()
    grades = sorted(ModerationGrade.objects.filter(case__audit=audit)
                    .values_list("case_id", "question_id", "grade"))
    returns = sorted(audit.returns.values_list("pk", "agreed_grade", "moderation_note"))
    return grades, returns, audit.moderation_date, audit.moderation_notes


def test_a_post_with_no_grade_fields_deletes_nothing(client_for, coordinator, moderated):
    before = state(moderated)
    assert len(before[0]) == 14 and {g for *_k, g in before[0]} == {Grade.INADEQUATE}
    url = reverse("audits:moderation_update", args=[moderated.pk])
    response = client_for(coordinator).post(url, {"notes": "Second meeting."})
    assert response.status_code == 302
    grades, returns, meeting_date, notes = state(moderated)
    assert (grades, returns, meeting_date) == before[:3]
    assert notes == "Second meeting."


def test_an_empty_post_changes_nothing(client_for, coordinator, moderated):
    before = state(moderated)
    url = reverse("audits:moderation_update", args=[moderated.pk])
    assert client_for(coordinator).post(url, {}).status_code == 302
    assert state(moderated) == before


def test_an_explicit_blank_still_clears_one_grade(client_for, coordinator, moderated, wmp):
    case = moderated.cases.order_by("reference").first()
    question = moderated.questions.get(number=2)
    ret = return_of(moderated, wmp)
    url = reverse("audits:moderation_update", args=[moderated.pk])
    response = client_for(coordinator).post(url, {f"c{case.pk}_q{question.pk}": "",
                                                  f"r{ret.pk}_grade": "",
                                                  f"r{ret.pk}_note": ""})
    assert response.status_code == 302
    grades, returns, _date, notes = state(moderated)
    assert len(grades) == 13 and (case.pk, question.pk) not in {(c, q) for c, q, _g in grades}
    assert (ret.pk, "", "") in returns
    assert notes == "Fathers rarely seen."
    assert {note for pk, _grade, note in returns if pk != ret.pk} == {"Agreed at the meeting."}


def test_the_service_keeps_what_it_is_not_given(coordinator, moderated):
    before = state(moderated)
    services.moderation_record(by=coordinator, audit=moderated, today=timezone.localdate())
    assert state(moderated) == before
