"""Audit services: every write, its rules and its messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action, ActionPlan, Recommendation
from audits import services
from audits.models import (
    AgencyReturn,
    Answer,
    Audit,
    AuditKind,
    AuditStatus,
    Finding,
    Grade,
    ModerationGrade,
    Question,
    RagRating,
)
from tests.audits.factories import TODAY, answer_all, make_macfa, return_of, submit
from tests.factories import AgencyFactory, ThemeFactory

pytestmark = pytest.mark.django_db
MACFA = AuditKind.MACFA


def messages_of(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- creating and editing --------------------------------------------------------------------

def test_macfa_starts_with_the_default_questions_returns_and_sample(coordinator, wmp, swbnhs):
    neglect = ThemeFactory(name="Neglect")
    audit = services.audit_create(
        by=coordinator, kind=MACFA, title="  Responses to referrals  from non-professionals ",
        lead=coordinator, today=TODAY, planned_start=dt.date(2026, 12, 1),
        agencies=[wmp, swbnhs], case_references=["slpr-2026-004", " MACFA-NP-02 ", ""],
        themes=[neglect],
    )
    assert audit.reference == "MACFA-2026-01"
    assert audit.title == "Responses to referrals from non-professionals"
    assert audit.status == AuditStatus.PLANNED
    labels = list(audit.questions.order_by("number").values_list("short_label", flat=True))
    assert labels == ["Child's voice", "Fathers and male carers", "Information sharing",
                      "Thresholds", "Assessment and plan", "Management oversight",
                      "Ethnicity and disproportionality"]
    assert sorted(audit.returns.values_list("agency__short_name", flat=True)) == ["SWBNHS", "WMP"]
    assert list(audit.cases.values_list("reference", flat=True)) == ["MACFA-NP-02",
                                                                      "SLPR-2026-004"]
    assert list(audit.themes.all()) == [neglect]
    second = services.audit_create(by=coordinator, kind=MACFA, title="Second", lead=coordinator,
                                   today=TODAY, planned_start=dt.date(2026, 12, 1))
    assert second.reference == "MACFA-2026-02"


@pytest.mark.parametrize(("kind", "prefix", "count"), [
    (AuditKind.SECTION_11, "S11-2026-01", 10),
    (AuditKind.SECTION_175, "S175-2026-01", 10),
])
def test_section_11_and_175_start_with_their_standards(coordinator, wmp, kind, prefix, count):
    audit = services.audit_create(by=coordinator, kind=kind, title="Round", lead=coordinator,
                                  today=TODAY, agencies=[wmp])
    assert audit.reference == prefix
    assert audit.standards.count() == count
    assert not audit.questions.exists()


def test_rota_slot_needs_agency_and_month_and_keeps_the_first_month(coordinator, wmp):
    with pytest.raises(ValidationError) as exc:
        services.audit_create(by=coordinator, kind=AuditKind.SINGLE_AGENCY, title="Missing",
                              lead=coordinator, today=TODAY)
    assert set(exc.value.message_dict) == {"agency", "month_due"}
    slot = services.audit_create(by=coordinator, kind=AuditKind.SINGLE_AGENCY,
                                 title="Missing children", lead=coordinator, today=TODAY,
                                 agency=wmp, month_due=dt.date(2026, 3, 17))
    assert slot.reference == "SAA-2026-01"
    assert slot.month_due == slot.original_month_due == dt.date(2026, 3, 1)
    assert not slot.returns.exists() and not slot.questions.exists()


@pytest.mark.parametrize(("bad", "field", "words"), [
    ({"title": "  "}, "title", "title"),
    ({"case_references": ["Baby M's file!"]}, "case_references", "never a child's name"),
    ({"case_references": ["A-1", "a-1"]}, "case_references", "listed twice"),
    ({"planned_start": dt.date(2026, 12, 2), "planned_end": dt.date(2026, 12, 1)},
     "planned_end", "on or after"),
])
def test_bad_input_to_audit_create_gets_clear_messages(coordinator, bad, field, words):
    kwargs = {"by": coordinator, "kind": MACFA, "title": "T", "lead": coordinator,
              "today": TODAY, **bad}
    with pytest.raises(ValidationError) as exc:
        services.audit_create(**kwargs)
    assert words in " ".join(exc.value.message_dict[field])
    assert not Audit.objects.exists()


def test_the_business_unit_cannot_take_part(coordinator, business_unit):
    with pytest.raises(ValidationError) as exc:
        services.audit_create(by=coordinator, kind=MACFA, title="T", lead=coordinator,
                              today=TODAY, agencies=[business_unit])
    assert "runs audits" in exc.value.message_dict["agencies"][0]


@pytest.mark.parametrize("persona", ["chair", "scrutineer", "wmp_lead", "wmp_officer"])
def test_only_the_coordinator_manages_audits(request, persona, coordinator):
    """The chair signs off reviews and exports reports; audits are the business unit's
    (README, "Who sees what")."""
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.audit_create(by=user, kind=MACFA, title="T", lead=user, today=TODAY)
    assert services.audit_create(by=coordinator, kind=MACFA, title="T", lead=coordinator,
                                 today=TODAY)


def test_moving_a_rota_slot_needs_a_reason_and_keeps_the_original(coordinator, wmp):
    slot = services.audit_create(by=coordinator, kind=AuditKind.SINGLE_AGENCY, title="Topic",
                                 lead=coordinator, today=TODAY, agency=wmp,
                                 month_due=dt.date(2026, 3, 1))
    kwargs = {"by": coordinator, "audit": slot, "title": "Topic", "lead": coordinator,
              "month_due": dt.date(2026, 5, 1)}
    with pytest.raises(ValidationError) as exc:
        services.audit_update(**kwargs)
    assert "Say why" in exc.value.message_dict["reschedule_reason"][0]
    services.audit_update(**kwargs, reschedule_reason="Agreed at QPPA in February")
    slot.refresh_from_db()
    assert (slot.month_due, slot.original_month_due) == (dt.date(2026, 5, 1),
                                                         dt.date(2026, 3, 1))
    assert slot.reschedule_reason == "Agreed at QPPA in February"


# --- status ----------------------------------------------------------------------------------

def test_transitions_follow_the_order_and_set_the_dates(coordinator, wmp, swbnhs, wmp_officer):
    audit = make_macfa(coordinator, [wmp, swbnhs], start=False)
    with pytest.raises(ValidationError) as exc:
        services.audit_transition(by=coordinator, audit=audit, to_status=AuditStatus.CLOSED,
                                  today=TODAY)
    assert "cannot move" in messages_of(exc)
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.IN_PROGRESS, today=TODAY)
    assert audit.actual_start == TODAY
    with pytest.raises(ValidationError) as exc:
        services.audit_transition(by=coordinator, audit=audit,
                                  to_status=AuditStatus.MODERATION, today=TODAY)
    assert "No agency has submitted its return yet" in messages_of(exc)
    submit(wmp_officer, answer_all(wmp_officer, return_of(audit, wmp), Grade.GOOD))
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.MODERATION, today=TODAY)
    # back to in progress to correct a return, and forward again
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.IN_PROGRESS, today=TODAY)
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.MODERATION, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.audit_transition(by=coordinator, audit=audit,
                                  to_status=AuditStatus.FINDINGS_AGREED, today=TODAY)
    assert "at least one finding" in messages_of(exc)
    services.finding_add(by=coordinator, audit=audit, kind=Finding.Kind.STRENGTH,
                         text="Referrals from relatives were triaged within a day.")
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.FINDINGS_AGREED, today=TODAY)
    audit = services.audit_transition(by=coordinator, audit=audit, to_status=AuditStatus.CLOSED,
                                      today=TODAY + dt.timedelta(days=30))
    assert audit.actual_end == TODAY + dt.timedelta(days=30)
    assert list(audit.history.values_list("status", flat=True)[:2]) == ["closed",
                                                                        "findings_agreed"]


def test_starting_needs_agencies_cases_and_questions(coordinator):
    audit = services.audit_create(by=coordinator, kind=MACFA, title="Empty", lead=coordinator,
                                  today=TODAY)
    audit.questions.all().delete()
    with pytest.raises(ValidationError) as exc:
        services.audit_transition(by=coordinator, audit=audit,
                                  to_status=AuditStatus.IN_PROGRESS, today=TODAY)
    text = messages_of(exc)
    assert "participating agency" in text and "case to the sample" in text
    assert "no questions" in text
    audit.refresh_from_db()
    assert audit.status == AuditStatus.PLANNED


def test_unknown_status_is_refused(coordinator, macfa):
    with pytest.raises(ValidationError):
        services.audit_transition(by=coordinator, audit=macfa, to_status="done", today=TODAY)


# --- participants, sample and tool -----------------------------------------------------------

def test_participants_can_change_until_an_agency_starts(coordinator, macfa, wmp, swbnhs, sct,
                                                       wmp_officer):
    services.participants_set(by=coordinator, audit=macfa, agencies=[wmp, swbnhs, sct])
    assert macfa.returns.count() == 3
    services.participants_set(by=coordinator, audit=macfa, agencies=[wmp, swbnhs])
    assert macfa.returns.count() == 2
    answer_all(wmp_officer, return_of(macfa, wmp), Grade.GOOD)
    with pytest.raises(ValidationError) as exc:
        services.participants_set(by=coordinator, audit=macfa, agencies=[swbnhs])
    assert "WMP already started their return" in exc.value.message_dict["agencies"][0]


def test_sample_and_tool_lock_once_a_return_is_submitted(coordinator, macfa, wmp, wmp_officer):
    case = services.case_add(by=coordinator, audit=macfa, reference="slpr-2026-009",
                             summary="Referral  from a neighbour")
    assert (case.reference, case.summary) == ("SLPR-2026-009", "Referral from a neighbour")
    with pytest.raises(ValidationError) as exc:
        services.case_add(by=coordinator, audit=macfa, reference="SLPR-2026-009")
    assert "already in the sample" in messages_of(exc)
    services.case_remove(by=coordinator, case=case)
    item = services.tool_item_add(by=coordinator, audit=macfa,
                                  text="Was the referrer told the outcome?",
                                  short_label="Feedback to referrer")
    assert item.number == 8
    services.tool_item_update(by=coordinator, item=item, text="Was the referrer told?",
                              short_label="Feedback")
    first = macfa.questions.get(number=1)
    services.tool_item_remove(by=coordinator, item=first)
    assert list(macfa.questions.order_by("number").values_list("number", flat=True)) == [
        1, 2, 3, 4, 5, 6, 7]
    submit(wmp_officer, answer_all(wmp_officer, return_of(macfa, wmp), Grade.GOOD))
    with pytest.raises(ValidationError) as exc:
        services.tool_item_add(by=coordinator, audit=macfa, text="Late addition")
    assert "every agency must answer the same question set" in messages_of(exc)
    with pytest.raises(ValidationError):
        services.case_add(by=coordinator, audit=macfa, reference="SLPR-2026-010")


def test_an_answered_question_cannot_be_removed(coordinator, macfa, wmp, wmp_officer):
    q = macfa.questions.get(number=2)
    services.return_save_case(by=wmp_officer, agency_return=return_of(macfa, wmp),
                              case=macfa.cases.first(),
                              answers={q.pk: {"answer": "yes", "grade": "", "narrative": ""}})
    with pytest.raises(ValidationError) as exc:
        services.tool_item_remove(by=coordinator, item=q)
    assert "Reword it instead" in messages_of(exc)
    assert Question.objects.filter(pk=q.pk).exists()


# --- returns ---------------------------------------------------------------------------------

def test_an_agency_saves_drafts_and_submits_a_complete_return(macfa, wmp, wmp_officer):
    r = return_of(macfa, wmp)
    case = macfa.cases.order_by("reference").first()
    q1, q2 = macfa.questions.order_by("number")[:2]
    services.return_save_case(by=wmp_officer, agency_return=r, case=case, answers={
        q1.pk: {"answer": "yes", "grade": "good", "narrative": "  Seen alone twice. "},
        q2.pk: {"answer": "na", "grade": "", "narrative": ""},
    })
    r.refresh_from_db()
    assert r.status == AgencyReturn.Status.DRAFT
    assert r.updated_by == wmp_officer
    assert Answer.objects.get(question=q1).narrative == "Seen alone twice."
    with pytest.raises(ValidationError) as exc:
        services.return_submit(by=wmp_officer, agency_return=r)
    text = messages_of(exc)
    assert "MACFA-T-01: question 3, 4, 5, 6, 7 needs an answer." in text
    assert "MACFA-T-02: question 1, 2, 3, 4, 5, 6, 7 needs an answer." in text
    answer_all(wmp_officer, r, Grade.GOOD)
    submitted = services.return_submit(by=wmp_officer, agency_return=r)
    assert submitted.is_submitted and submitted.submitted_by == wmp_officer
    with pytest.raises(ValidationError) as exc:
        services.return_save_case(by=wmp_officer, agency_return=r, case=case, answers={})
    assert "Ask the co-ordinator to reopen it" in messages_of(exc)


def test_graded_answers_need_a_grade_and_a_narrative_to_submit(macfa, wmp, wmp_officer):
    r = return_of(macfa, wmp)
    answer_all(wmp_officer, r, Grade.GOOD, narrative="   ")
    with pytest.raises(ValidationError) as exc:
        services.return_submit(by=wmp_officer, agency_return=r)
    assert "question 1, 2, 3, 4, 5, 6, 7 needs a narrative" in messages_of(exc)


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"answer": "na", "grade": "good"}, "grade", "so leave its grade blank"),
    ({"answer": "", "grade": "good"}, "answer", "as well as a grade"),
    ({"answer": "maybe"}, "answer", "Choose Yes, Partly, No"),
    ({"answer": "yes", "grade": "excellent"}, "grade", "Choose Outstanding"),
])
def test_bad_answers_are_refused_with_the_field_named(macfa, wmp, wmp_officer, data, field,
                                                     words):
    q = macfa.questions.get(number=1)
    with pytest.raises(ValidationError) as exc:
        services.return_save_case(by=wmp_officer, agency_return=return_of(macfa, wmp),
                                  case=macfa.cases.first(), answers={q.pk: data})
    assert words in exc.value.message_dict[f"q{q.pk}_{field}"][0]
    assert not Answer.objects.exists()


def test_agencies_complete_only_their_own_return(macfa, wmp, swbnhs, health_officer,
                                                 coordinator, scrutineer):
    for user in (health_officer, coordinator, scrutineer):
        with pytest.raises(PermissionDenied):
            services.return_save_case(by=user, agency_return=return_of(macfa, wmp),
                                      case=macfa.cases.first(), answers={})


def test_a_case_or_question_from_another_audit_is_refused(coordinator, macfa, wmp, wmp_officer,
                                                          swbnhs):
    other = make_macfa(coordinator, [wmp], cases=["OTHER-1"])
    with pytest.raises(ValidationError):
        services.return_save_case(by=wmp_officer, agency_return=return_of(macfa, wmp),
                                  case=other.cases.get(), answers={})
    with pytest.raises(ValidationError):
        services.return_save_case(
            by=wmp_officer, agency_return=return_of(macfa, wmp), case=macfa.cases.first(),
            answers={other.questions.first().pk: {"answer": "yes"}})


def test_returns_open_only_while_in_progress(coordinator, wmp, swbnhs, wmp_officer):
    audit = make_macfa(coordinator, [wmp, swbnhs], start=False)
    with pytest.raises(ValidationError) as exc:
        services.return_save_case(by=wmp_officer, agency_return=return_of(audit, wmp),
                                  case=audit.cases.first(), answers={})
    assert "only while the audit is in progress" in messages_of(exc)


def test_the_coordinator_reopens_a_submitted_return(coordinator, macfa, wmp, wmp_officer):
    r = submit(wmp_officer, answer_all(wmp_officer, return_of(macfa, wmp), Grade.GOOD))
    with pytest.raises(PermissionDenied):
        services.return_reopen(by=wmp_officer, agency_return=r)
    r = services.return_reopen(by=coordinator, agency_return=r)
    assert r.status == AgencyReturn.Status.DRAFT and r.submitted_at is None
    with pytest.raises(ValidationError) as exc:
        services.return_reopen(by=coordinator, agency_return=r)
    assert "already open" in messages_of(exc)


def test_self_assessment_needs_evidence_and_improvement_when_not_green(coordinator, wmp,
                                                                       wmp_officer):
    audit = services.audit_create(by=coordinator, kind=AuditKind.SECTION_11, title="S11 2026",
                                  lead=coordinator, today=TODAY, agencies=[wmp])
    services.audit_transition(by=coordinator, audit=audit, to_status=AuditStatus.IN_PROGRESS,
                              today=TODAY)
    r = return_of(audit, wmp)
    standards = list(audit.standards.order_by("number"))
    ratings = {s.pk: {"rag": RagRating.GREEN, "evidence": "Policy reviewed 2026."}
               for s in standards}
    ratings[standards[8].pk] = {"rag": RagRating.AMBER, "evidence": "Supervision is patchy."}
    ratings[standards[9].pk] = {"rag": RagRating.RED, "evidence": ""}
    services.return_save_ratings(by=wmp_officer, agency_return=r, ratings=ratings)
    with pytest.raises(ValidationError) as exc:
        services.return_submit(by=wmp_officer, agency_return=r)
    assert exc.value.messages == [
        "Standard 9 is rated Amber: say what you will do to meet it.",
        "Standard 10 needs evidence.",
    ]
    ratings[standards[8].pk]["improvement"] = "Supervision training for managers by March."
    ratings[standards[9].pk] = {"rag": RagRating.GREEN, "evidence": "Checked."}
    services.return_save_ratings(by=wmp_officer, agency_return=r, ratings=ratings)
    assert services.return_submit(by=wmp_officer, agency_return=r).is_submitted
    with pytest.raises(ValidationError) as exc:
        services.return_save_ratings(by=wmp_officer, agency_return=r,
                                     ratings={standards[0].pk: {"rag": "purple"}})
    assert "submitted" in messages_of(exc)


def test_unknown_rag_is_refused(coordinator, wmp, wmp_officer):
    audit = services.audit_create(by=coordinator, kind=AuditKind.SECTION_11, title="S11",
                                  lead=coordinator, today=TODAY, agencies=[wmp])
    services.audit_transition(by=coordinator, audit=audit, to_status=AuditStatus.IN_PROGRESS,
                              today=TODAY)
    s = audit.standards.first()
    with pytest.raises(ValidationError) as exc:
        services.return_save_ratings(by=wmp_officer, agency_return=return_of(audit, wmp),
                                     ratings={s.pk: {"rag": "purple"}})
    assert exc.value.message_dict[f"s{s.pk}_rag"] == ["Choose green, amber or red."]
    other = services.audit_create(by=coordinator, kind=AuditKind.SECTION_175, title="S175",
                                  lead=coordinator, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.return_save_ratings(by=wmp_officer, agency_return=return_of(audit, wmp),
                                     ratings={other.standards.first().pk: {"rag": "red"}})
    assert "not in this self-assessment" in messages_of(exc)


# --- moderation, findings and actions --------------------------------------------------------

@pytest.fixture
def moderated(coordinator, macfa, wmp, swbnhs, wmp_officer, health_officer):
    submit(wmp_officer, answer_all(wmp_officer, return_of(macfa, wmp), Grade.GOOD))
    submit(health_officer, answer_all(health_officer, return_of(macfa, swbnhs),
                                      Grade.REQUIRES_IMPROVEMENT))
    return services.audit_transition(by=coordinator, audit=macfa,
                                     to_status=AuditStatus.MODERATION, today=TODAY)


def test_moderation_records_notes_and_agreed_grades(coordinator, moderated, wmp):
    case = moderated.cases.first()
    q = moderated.questions.get(number=2)
    r = return_of(moderated, wmp)
    services.moderation_record(
        by=coordinator, audit=moderated, meeting_date=TODAY, notes="Fathers rarely seen.",
        today=TODAY, case_grades={(case.pk, q.pk): Grade.REQUIRES_IMPROVEMENT},
        return_grades={r.pk: Grade.GOOD}, return_notes={r.pk: "Strong triage."},
    )
    moderated.refresh_from_db()
    r.refresh_from_db()
    assert moderated.moderation_notes == "Fathers rarely seen."
    assert ModerationGrade.objects.get().grade == Grade.REQUIRES_IMPROVEMENT
    assert (r.agreed_grade, r.moderation_note) == (Grade.GOOD, "Strong triage.")
    services.moderation_record(by=coordinator, audit=moderated, meeting_date=TODAY, notes="",
                               today=TODAY, case_grades={(case.pk, q.pk): ""})
    assert not ModerationGrade.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.moderation_record(by=coordinator, audit=moderated, notes="", today=TODAY,
                                   meeting_date=TODAY + dt.timedelta(days=1))
    assert "future" in exc.value.message_dict["meeting_date"][0]


def test_moderation_waits_for_the_moderation_stage(coordinator, macfa):
    with pytest.raises(ValidationError) as exc:
        services.moderation_record(by=coordinator, audit=macfa, meeting_date=None, notes="x",
                                   today=TODAY)
    assert "reaches moderation" in messages_of(exc)


def test_a_finding_becomes_a_recommendation_in_the_audits_own_plan(coordinator, moderated,
                                                                    wmp):
    theme = ThemeFactory(name="Fathers and male carers")
    retired = ThemeFactory(name="Old theme", active=False)
    moderated.themes.set([theme, retired])
    first = services.finding_add(by=coordinator, audit=moderated, kind=Finding.Kind.IMPROVEMENT,
                                 text="Fathers were not contacted.", agency=wmp)
    second = services.finding_add(by=coordinator, audit=moderated, kind=Finding.Kind.STRENGTH,
                                  text="Referrers got feedback.")
    moderated.refresh_from_db()
    plan = moderated.action_plan
    assert plan.origin_kind == "macfa" and plan.origin_reference == moderated.reference
    assert plan.owner == moderated.lead
    assert ActionPlan.objects.count() == 1
    assert [r.text for r in plan.recommendations.order_by("number")] == [
        "Area for improvement: Fathers were not contacted.",
        "Strength: Referrers got feedback.",
    ]
    assert first.recommendation.number == 1 and second.recommendation.number == 2
    assert list(first.recommendation.themes.all()) == [theme]


def test_findings_are_the_coordinators(chair, moderated):
    with pytest.raises(PermissionDenied):
        services.finding_add(by=chair, audit=moderated, kind="strength", text="x")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"kind": "maybe", "text": "x"}, "kind"),
    ({"kind": "strength", "text": "  "}, "text"),
])
def test_bad_findings_are_refused(coordinator, moderated, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.finding_add(by=coordinator, audit=moderated, **kwargs)
    assert field in exc.value.message_dict
    assert not Recommendation.objects.exists() and not ActionPlan.objects.exists()


def test_a_finding_about_an_agency_not_in_the_audit_is_refused(coordinator, moderated):
    outsider = AgencyFactory(short_name="OUT", name="Outsiders")
    with pytest.raises(ValidationError) as exc:
        services.finding_add(by=coordinator, audit=moderated, kind="strength", text="x",
                             agency=outsider)
    assert "did not take part" in exc.value.message_dict["agency"][0]


def test_findings_wait_for_moderation(coordinator, macfa):
    with pytest.raises(ValidationError) as exc:
        services.finding_add(by=coordinator, audit=macfa, kind="strength", text="x")
    assert "not while the audit is “In progress”" in messages_of(exc)


def test_an_action_on_a_finding_lands_in_the_lead_agencys_actions(
        coordinator, moderated, wmp, wmp_officer, wmp_lead, health_officer):
    finding = services.finding_add(by=coordinator, audit=moderated,
                                   kind=Finding.Kind.IMPROVEMENT,
                                   text="Fathers were not contacted.", agency=wmp)
    action = services.finding_action_create(
        by=coordinator, finding=finding, description="Brief response officers on fathers.",
        success_measure="Dip sample of 20 referrals shows fathers contacted in 80%.",
        lead_agency=wmp, lead_officer=wmp_lead, target_date=TODAY + dt.timedelta(days=90),
        today=TODAY,
    )
    moderated.refresh_from_db()
    assert action.plan == moderated.action_plan
    assert action.recommendation == finding.recommendation
    wmp_actions = Action.objects.visible_to(wmp_officer).filter(lead_agency=wmp)
    assert list(wmp_actions) == [action]
    assert not Action.objects.visible_to(health_officer).exists()


def test_action_errors_come_back_keyed_by_field(coordinator, moderated, wmp, health_officer):
    finding = services.finding_add(by=coordinator, audit=moderated, kind="improvement",
                                   text="x", agency=wmp)
    with pytest.raises(ValidationError) as exc:
        services.finding_action_create(
            by=coordinator, finding=finding, description="", success_measure="",
            lead_agency=wmp, lead_officer=health_officer,
            target_date=TODAY - dt.timedelta(days=1), today=TODAY)
    assert {"description", "success_measure", "lead_officer", "target_date"} <= set(
        exc.value.message_dict)
    assert not Action.objects.exists()


def test_rota_presentation_moves_the_slot_to_moderation(coordinator, wmp):
    slot = services.audit_create(by=coordinator, kind=AuditKind.SINGLE_AGENCY,
                                 title="Missing children", lead=coordinator, today=TODAY,
                                 agency=wmp, month_due=dt.date(2026, 10, 1))
    with pytest.raises(ValidationError) as exc:
        services.rota_record_presented(by=coordinator, audit=slot,
                                       date_presented=TODAY + dt.timedelta(days=1), today=TODAY)
    assert "future" in exc.value.message_dict["date_presented"][0]
    with pytest.raises(ValidationError) as exc:
        services.audit_transition(by=coordinator, audit=slot, to_status=AuditStatus.IN_PROGRESS,
                                  today=TODAY)
        services.audit_transition(by=coordinator, audit=slot, to_status=AuditStatus.MODERATION,
                                  today=TODAY)
    assert "Record the date the agency presented" in messages_of(exc)
    slot = services.rota_record_presented(by=coordinator, audit=slot,
                                          date_presented=dt.date(2026, 11, 10), today=TODAY)
    assert slot.status == AuditStatus.MODERATION
    assert slot.rota_state(TODAY) == "presented"
    finding = services.finding_add(by=coordinator, audit=slot, kind="improvement",
                                   text="Return interviews late.", agency=wmp)
    assert finding.recommendation.plan.origin_kind == "single_agency_audit"
