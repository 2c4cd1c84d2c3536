"""Audit pages through the test client: permissions beyond the URL matrix, forms and their
messages, escaping, query counts, the report and its PDF."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from actions.models import Action
from audits import services
from audits.models import AgencyReturn, Answer, Audit, AuditKind, AuditStatus, Finding, Grade
from scsp.models import AccessEvent
from tests.audits.factories import (
    AuditFactory,
    RotaSlotFactory,
    answer_all,
    make_macfa,
    return_of,
    submit,
)
from tests.factories import AgencyFactory, UserFactory
from tests.reviews.factories import notification

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def text(response) -> str:
    """The page's visible text, tags stripped and whitespace squeezed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def live_macfa(coordinator, wmp, swbnhs):
    return make_macfa(coordinator, [wmp, swbnhs], today=today())


@pytest.fixture
def in_moderation(coordinator, live_macfa, wmp, swbnhs, wmp_officer, health_officer):
    submit(wmp_officer, answer_all(wmp_officer, return_of(live_macfa, wmp), Grade.GOOD,
                                   narrative="Referral screened the same day."))
    submit(health_officer, answer_all(health_officer, return_of(live_macfa, swbnhs),
                                      Grade.REQUIRES_IMPROVEMENT,
                                      narrative="Health visitor not told."))
    return services.audit_transition(by=coordinator, audit=live_macfa,
                                     to_status=AuditStatus.MODERATION, today=today())


# --- planning --------------------------------------------------------------------------------

def test_the_coordinator_plans_a_macfa_with_agencies_and_cases(client_for, coordinator, wmp,
                                                               swbnhs):
    client = client_for(coordinator)
    url = reverse("audits:audit_create", args=["macfa"])
    assert "Plan a multi-agency case file audit" in text(client.get(url))
    response = client.post(url, {
        "title": "Responses to referrals from non-professionals",
        "lead": coordinator.pk, "planned_start": "2026-12-01", "planned_end": "2027-02-26",
        "agencies": [wmp.pk, swbnhs.pk], "case_references": "MACFA-NP-01\r\nMACFA-NP-02\r\n",
    })
    audit = Audit.objects.get()
    assert response.status_code == 302 and response["Location"] == audit.get_absolute_url()
    assert audit.returns.count() == 2 and audit.cases.count() == 2
    page = text(client.get(audit.get_absolute_url()))
    assert "MACFA-NP-01" in page and "Start the audit" in page


def test_bad_input_comes_back_with_a_clear_message(client_for, coordinator):
    client = client_for(coordinator)
    response = client.post(reverse("audits:audit_create", args=["macfa"]), {
        "title": "T", "lead": coordinator.pk, "planned_start": "2026-12-05",
        "planned_end": "2026-12-01", "case_references": "Baby M's file!",
    })
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "The planned finish must be on or after the planned start." in page
    assert not Audit.objects.exists()
    response = client.post(reverse("audits:audit_create", args=["macfa"]), {
        "title": "T", "lead": coordinator.pk, "case_references": "Baby M's file!"})
    assert "never a child's name" in text(response)


def test_unknown_kind_is_404(client_for, coordinator):
    assert client_for(coordinator).get("/audits/new/ofsted/").status_code == 404


def test_extra_posted_fields_are_ignored(client_for, coordinator, live_macfa, wmp_lead):
    client = client_for(coordinator)
    client.post(reverse("audits:audit_update", args=[live_macfa.pk]), {
        "title": "Renamed", "lead": coordinator.pk, "status": "closed", "reference": "HACKED",
        "created_by": wmp_lead.pk, "action_plan": "1", "kind": "section_11",
    })
    live_macfa.refresh_from_db()
    assert live_macfa.title == "Renamed"
    assert (live_macfa.status, live_macfa.kind) == (AuditStatus.IN_PROGRESS, AuditKind.MACFA)
    assert live_macfa.reference.startswith("MACFA-") and live_macfa.created_by == coordinator


def test_transition_errors_are_shown_and_nothing_moves(client_for, coordinator, live_macfa):
    client = client_for(coordinator)
    response = client.post(reverse("audits:audit_transition", args=[live_macfa.pk]),
                           {"to": "moderation"}, follow=True)
    assert "No agency has submitted its return yet." in text(response)
    response = client.post(reverse("audits:audit_transition", args=[live_macfa.pk]),
                           {"to": "closed"}, follow=True)
    assert "cannot move to “Closed”" in text(response)
    live_macfa.refresh_from_db()
    assert live_macfa.status == AuditStatus.IN_PROGRESS


# --- returns ---------------------------------------------------------------------------------

def test_an_officer_completes_and_submits_their_return_in_the_browser_forms(
        client_for, live_macfa, wmp, wmp_officer):
    client = client_for(wmp_officer)
    r = return_of(live_macfa, wmp)
    detail = text(client.get(r.get_absolute_url()))
    assert "West Midlands Police's return" in detail and "needs an answer" in detail
    cases = list(live_macfa.cases.order_by("reference"))
    questions = list(live_macfa.questions.order_by("number"))
    url = reverse("audits:return_case_update", args=[live_macfa.pk, r.pk, cases[0].pk])
    page = client.get(url)
    assert "Answer to question 1" in text(page) and "Grade for question 7" in text(page)
    bad = {f"q{questions[0].pk}_answer": "na", f"q{questions[0].pk}_grade": "good"}
    response = client.post(url, bad)
    assert response.status_code == 200
    assert "You answered “Not applicable” to question 1, so leave its grade blank." in text(response)
    assert not Answer.objects.exists()
    for case in cases:
        data = {}
        for q in questions:
            data.update({f"q{q.pk}_answer": "partly", f"q{q.pk}_grade": "requires_improvement",
                         f"q{q.pk}_narrative": f"Case {case.reference}: father not seen."})
        response = client.post(
            reverse("audits:return_case_update", args=[live_macfa.pk, r.pk, case.pk]), data)
        assert response.status_code == 302
    # after the first case the form goes on to the next; after the last, back to the return
    assert response["Location"] == r.get_absolute_url()
    response = client.post(reverse("audits:return_submit", args=[live_macfa.pk, r.pk]),
                           follow=True)
    assert "West Midlands Police" not in text(response) or "submitted" in text(response)
    r.refresh_from_db()
    assert r.status == AgencyReturn.Status.SUBMITTED and r.submitted_by == wmp_officer
    # a submitted return's form sends you back to the read-only page
    response = client.get(url, follow=True)
    assert "has been submitted, so it can no longer change" in text(response)


def test_submitting_an_incomplete_return_lists_what_is_missing(client_for, live_macfa, wmp,
                                                               wmp_officer):
    client = client_for(wmp_officer)
    r = return_of(live_macfa, wmp)
    response = client.post(reverse("audits:return_submit", args=[live_macfa.pk, r.pk]),
                           follow=True)
    page = text(response)
    assert "The return is not complete yet" in page
    assert "MACFA-T-01: question 1, 2, 3, 4, 5, 6, 7 needs an answer." in page
    r.refresh_from_db()
    assert r.status == AgencyReturn.Status.NOT_STARTED


def test_agencies_cannot_read_each_other_until_moderation(client_for, coordinator, live_macfa,
                                                          wmp, swbnhs, wmp_officer,
                                                          health_officer):
    submit(wmp_officer, answer_all(wmp_officer, return_of(live_macfa, wmp), Grade.GOOD,
                                   narrative="Secret narrative"))
    submit(health_officer, answer_all(health_officer, return_of(live_macfa, swbnhs), Grade.GOOD))
    wmp_return = return_of(live_macfa, wmp)
    client = client_for(health_officer)
    assert client.get(wmp_return.get_absolute_url()).status_code == 403
    assert client.get(reverse("audits:results", args=[live_macfa.pk])).status_code == 403
    detail = text(client.get(live_macfa.get_absolute_url()))
    assert "Secret narrative" not in detail
    assert "cannot see each other's returns until the moderation meeting" in detail
    services.audit_transition(by=coordinator, audit=live_macfa,
                              to_status=AuditStatus.MODERATION, today=today())
    page = client.get(wmp_return.get_absolute_url())
    assert page.status_code == 200 and "Secret narrative" in text(page)
    edit = reverse("audits:return_case_update",
                   args=[live_macfa.pk, wmp_return.pk, live_macfa.cases.first().pk])
    assert client.get(edit).status_code == 403
    assert client_for(health_officer).get(
        reverse("audits:results", args=[live_macfa.pk])).status_code == 200


def test_an_outsider_gets_404_everywhere(client_for, in_moderation, wmp, sct_officer):
    client = client_for(sct_officer)
    r = return_of(in_moderation, wmp)
    for url in [in_moderation.get_absolute_url(), r.get_absolute_url(),
                reverse("audits:results", args=[in_moderation.pk]),
                reverse("audits:report", args=[in_moderation.pk]),
                reverse("audits:report_pdf", args=[in_moderation.pk])]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("audits:return_submit", args=[in_moderation.pk, r.pk])
                       ).status_code == 404


def test_a_return_from_another_audit_is_404(client_for, coordinator, live_macfa, wmp,
                                            wmp_officer):
    other = make_macfa(coordinator, [wmp], title="Other", today=today())
    url = reverse("audits:return_detail", args=[live_macfa.pk, return_of(other, wmp).pk])
    assert client_for(wmp_officer).get(url).status_code == 404


def test_the_scrutineer_reads_but_cannot_write(client_for, scrutineer, in_moderation, wmp):
    client = client_for(scrutineer)
    assert client.get(reverse("audits:results", args=[in_moderation.pk])).status_code == 200
    assert client.get(return_of(in_moderation, wmp).get_absolute_url()).status_code == 200
    response = client.post(reverse("audits:audit_transition", args=[in_moderation.pk]),
                           {"to": "in_progress"})
    assert response.status_code == 403
    in_moderation.refresh_from_db()
    assert in_moderation.status == AuditStatus.MODERATION


@pytest.mark.template_context
def test_lists_stay_in_scope(client_for, coordinator, live_macfa, wmp, sct, wmp_officer):
    make_macfa(coordinator, [sct], title="Only the Trust", today=today())
    RotaSlotFactory(agency=sct, title="Trust slot", lead=coordinator)
    RotaSlotFactory(agency=wmp, title="Police slot", lead=coordinator)
    client = client_for(wmp_officer)
    page = text(client.get(reverse("audits:audit_list")))
    assert live_macfa.title in page and "Only the Trust" not in page
    assert list(client.get(reverse("audits:audit_list"), {"q": "Trust"}).context["audits"]) == []
    rota = text(client.get(reverse("audits:rota")))
    assert "Police slot" in rota and "Trust slot" not in rota


# --- moderation, results, findings -----------------------------------------------------------

def test_results_page_shows_both_agencies_in_the_matrix(client_for, coordinator, in_moderation):
    page = text(client_for(coordinator).get(reverse("audits:results", args=[in_moderation.pk])))
    assert "Sandwell and West Birmingham NHS Trust" in page and "West Midlands Police" in page
    # 2 cases: each WMP cell is "Good 2", each SWBNHS cell "Requires improvement 2", and each
    # question's total over both agencies "Good 2, Requires improvement 2"
    assert page.count("Good 2") == 14 and page.count("Requires improvement 2") == 14
    assert "Good 14" in page and "Requires improvement 14" in page  # the agencies' totals
    assert "Good 14, Requires improvement 14" in page  # every agency, every question
    assert "Grades by question (rows) and agency (columns)" in page
    assert "Case MACFA-T-01" in page


def test_moderation_form_saves_agreed_grades(client_for, coordinator, in_moderation, wmp):
    client = client_for(coordinator)
    url = reverse("audits:moderation_update", args=[in_moderation.pk])
    page = text(client.get(url))
    assert "Health visitor not told." in page  # the narratives are there to moderate
    case = in_moderation.cases.order_by("reference").first()
    q = in_moderation.questions.get(number=2)
    r = return_of(in_moderation, wmp)
    response = client.post(url, {"meeting_date": today().isoformat(),
                                 "notes": "Fathers were rarely seen.",
                                 f"c{case.pk}_q{q.pk}": "inadequate",
                                 f"r{r.pk}_grade": "good", f"r{r.pk}_note": "Prompt."})
    assert response.status_code == 302
    results = text(client.get(reverse("audits:results", args=[in_moderation.pk])))
    assert "Inadequate" in results
    assert return_of(in_moderation, wmp).agreed_grade == Grade.GOOD
    response = client.post(url, {"meeting_date": (today() + dt.timedelta(days=3)).isoformat()})
    assert "cannot be in the future" in text(response)


def test_a_finding_and_its_action_through_the_pages(client_for, coordinator, in_moderation,
                                                     wmp, wmp_officer, wmp_lead):
    client = client_for(coordinator)
    response = client.post(reverse("audits:finding_create", args=[in_moderation.pk]), {
        "kind": "improvement", "text": "Fathers were not contacted after referrals.",
        "agency": wmp.pk, "question": in_moderation.questions.get(number=2).pk,
    })
    finding = Finding.objects.get()
    assert response.status_code == 302 and f"#finding-{finding.pk}" in response["Location"]
    url = reverse("audits:finding_action_create", args=[in_moderation.pk, finding.pk])
    response = client.post(url, {"description": "Brief officers", "success_measure": "Audit",
                                 "lead_agency": wmp.pk, "lead_officer": coordinator.pk,
                                 "target_date": (today() + dt.timedelta(days=60)).isoformat()})
    assert "Choose someone from the lead agency" in text(response)
    response = client.post(url, {"description": "Brief response officers on fathers.",
                                 "success_measure": "Dip sample: fathers contacted in 80%.",
                                 "lead_agency": wmp.pk, "lead_officer": wmp_lead.pk,
                                 "target_date": "2001-01-01"})
    assert "The target date cannot be in the past." in text(response)
    response = client.post(url, {"description": "Brief response officers on fathers.",
                                 "success_measure": "Dip sample: fathers contacted in 80%.",
                                 "lead_agency": wmp.pk, "lead_officer": wmp_lead.pk,
                                 "target_date": (today() + dt.timedelta(days=60)).isoformat()},
                           follow=True)
    action = Action.objects.get()
    assert f"Action {action.reference} added; it is now in WMP's action list." in text(response)
    assert Action.objects.visible_to(wmp_officer).filter(lead_agency=wmp).get() == action
    detail = text(client_for(wmp_officer).get(in_moderation.get_absolute_url()))
    assert "Brief response officers on fathers." in detail


def test_the_chair_reads_audits_but_does_not_manage_them(client_for, chair, in_moderation,
                                                         wmp):
    """README, "Who sees what": the chair signs off reviews and exports reports; audits are
    the co-ordinator's to manage (Ability.MANAGE_AUDITS)."""
    client = client_for(chair)
    for url in (in_moderation.get_absolute_url(),
                reverse("audits:results", args=[in_moderation.pk]),
                reverse("audits:report", args=[in_moderation.pk]),
                return_of(in_moderation, wmp).get_absolute_url()):
        assert client.get(url).status_code == 200, url
    detail = text(client.get(in_moderation.get_absolute_url()))
    assert "Edit details" not in detail
    moderation = reverse("audits:moderation_update", args=[in_moderation.pk])
    assert client.get(moderation).status_code == 403
    assert client.post(moderation, {"notes": "x"}).status_code == 403
    response = client.post(reverse("audits:audit_transition", args=[in_moderation.pk]),
                           {"to": "findings_agreed"})
    assert response.status_code == 403
    in_moderation.refresh_from_db()
    assert in_moderation.status == AuditStatus.MODERATION
    assert in_moderation.moderation_notes == ""


def test_the_chair_cannot_write_to_the_plan(client_for, chair, in_moderation):
    assert client_for(chair).post(reverse("audits:finding_create", args=[in_moderation.pk]),
                                  {"kind": "strength", "text": "x"}).status_code == 403
    assert not Finding.objects.exists()


# --- escaping --------------------------------------------------------------------------------

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{% debug %}{{ 7|add:7 }}'


def test_wording_written_by_people_is_never_html_or_template_code(
        client_for, coordinator, wmp, wmp_officer, chair):
    audit = make_macfa(coordinator, [wmp], start=False, title=PAYLOAD, today=today())
    services.tool_item_add(by=coordinator, audit=audit, text=PAYLOAD, short_label="<b>x</b>")
    services.case_add(by=coordinator, audit=audit, reference="CASE-X", summary=PAYLOAD)
    services.audit_transition(by=coordinator, audit=audit, to_status=AuditStatus.IN_PROGRESS,
                              today=today())
    r = return_of(audit, wmp)
    answer_all(wmp_officer, r, Grade.GOOD, narrative=PAYLOAD)
    submit(wmp_officer, r)
    services.audit_transition(by=coordinator, audit=audit, to_status=AuditStatus.MODERATION,
                              today=today())
    services.finding_add(by=coordinator, audit=audit, kind="strength", text=PAYLOAD)
    case = audit.cases.get(reference="CASE-X")

    def check(user, url):
        response = client_for(user).get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert(1)" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        assert "{{ 7|add:7 }}" in html and "sql_queries" not in html, url
        assert "<b>x</b>" not in html, url

    for url in [audit.get_absolute_url(), r.get_absolute_url(),
                reverse("audits:results", args=[audit.pk]),
                reverse("audits:report", args=[audit.pk])]:
        check(wmp_officer, url)
    for url in [reverse("audits:moderation_update", args=[audit.pk]),
                reverse("audits:audit_list")]:
        check(coordinator, url)
    # and in the forms where the wording is a fieldset legend or a list
    services.audit_transition(by=coordinator, audit=audit, to_status=AuditStatus.IN_PROGRESS,
                              today=today())
    services.return_reopen(by=coordinator, agency_return=r)
    check(wmp_officer, reverse("audits:return_case_update", args=[audit.pk, r.pk, case.pk]))
    check(coordinator, reverse("audits:tool_list", args=[audit.pk]))
    check(coordinator, reverse("audits:case_list", args=[audit.pk]))


# --- rota ------------------------------------------------------------------------------------

@pytest.mark.template_context
def test_late_slots_say_so_in_words(client_for, coordinator, wmp, sct):
    now = today()
    last_year = now.replace(day=1) - dt.timedelta(days=70)
    RotaSlotFactory(agency=wmp, title="Missing children", lead=coordinator,
                    month_due=last_year.replace(day=1))
    RotaSlotFactory(agency=sct, title="Neglect", lead=coordinator,
                    month_due=last_year.replace(day=1), date_presented=last_year)
    page = text(client_for(coordinator).get(reverse("audits:rota")))
    assert "1 slot is late" in page
    assert re.search(r"Late Not presented: \d months? overdue", page)
    late = client_for(coordinator).get(reverse("audits:rota"), {"state": "late"})
    assert [row["audit"].title for row in late.context["rows"]] == ["Missing children"]
    html = late.content.decode()
    assert 'class="rota-late"' in html


def test_recording_a_presentation(client_for, coordinator, wmp):
    slot = RotaSlotFactory(agency=wmp, title="Missing children", lead=coordinator,
                           month_due=today().replace(day=1))
    url = reverse("audits:rota_presented", args=[slot.pk])
    response = client_for(coordinator).post(
        url, {"date_presented": (today() + dt.timedelta(days=2)).isoformat()})
    assert "cannot be in the future" in text(response)
    client_for(coordinator).post(url, {"date_presented": today().isoformat()})
    slot.refresh_from_db()
    assert slot.date_presented == today() and slot.status == AuditStatus.MODERATION


def test_moving_a_slot_through_the_form_needs_a_reason(client_for, coordinator, wmp):
    slot = services.audit_create(by=coordinator, kind=AuditKind.SINGLE_AGENCY, title="Topic",
                                 lead=coordinator, today=today(), agency=wmp,
                                 month_due=dt.date(2026, 3, 1))
    url = reverse("audits:audit_update", args=[slot.pk])
    response = client_for(coordinator).post(url, {"title": "Topic", "lead": coordinator.pk,
                                                  "month_due": "2026-05"})
    assert "Say why the slot is moving" in text(response)
    client_for(coordinator).post(url, {"title": "Topic", "lead": coordinator.pk,
                                       "month_due": "2026-05", "reschedule_reason": "Agreed"})
    slot.refresh_from_db()
    assert slot.month_due == dt.date(2026, 5, 1)
    page = text(client_for(coordinator).get(slot.get_absolute_url()))
    assert "moved from March 2026: Agreed" in page


# --- query counts ----------------------------------------------------------------------------

def count_queries(client, url, *, shows: list[str] | None = None, rows: int | None = None) -> int:
    """Queries for one GET of ``url``, after a first GET that warms the session. The page must
    show every text in ``shows`` and, for a paginated list, exactly ``rows`` rows (a page that
    lost its rows would keep its count flat too)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in shows or ():
        assert text in html, (url, text)
    if rows is not None:
        assert len(response.context["page_obj"].object_list) == rows, url
    return len(ctx.captured_queries)


@pytest.mark.template_context
def test_audit_list_queries_do_not_grow(client_for, coordinator, wmp, wmp_officer):
    lead = coordinator
    first = AuditFactory(lead=lead, created_by=lead)
    AgencyReturn.objects.create(audit=first, agency=wmp)
    for user in (coordinator, wmp_officer):
        client = client_for(user)
        one = count_queries(client, reverse("audits:audit_list"), rows=1)
        for _ in range(24):
            audit = AuditFactory(lead=lead, created_by=lead)
            AgencyReturn.objects.create(audit=audit, agency=wmp)
        many = count_queries(client, reverse("audits:audit_list"), rows=25)
        assert many == one, user
        Audit.objects.exclude(pk=first.pk).delete()
    assert one <= 9  # one of them is the second factor's device (django-otp)


def test_rota_queries_do_not_grow(client_for, coordinator, django_assert_max_num_queries):
    client = client_for(coordinator)
    RotaSlotFactory(lead=coordinator, agency=AgencyFactory(name="Rota agency first"))
    one = count_queries(client, reverse("audits:rota"), shows=["Rota agency first"])
    for i in range(24):
        RotaSlotFactory(lead=coordinator, agency=AgencyFactory(name=f"Rota agency {i}"))
    assert count_queries(client, reverse("audits:rota"), shows=[
        "Rota agency first", *(f"Rota agency {i}<" for i in range(24))]) == one
    with django_assert_max_num_queries(8):
        client.get(reverse("audits:rota"))


def _grow_macfa(coordinator, n_cases, n_agencies, tag):
    agencies = [AgencyFactory(short_name=f"{tag}{i}", name=f"{tag} agency {i}")
                for i in range(n_agencies)]
    audit = make_macfa(coordinator, agencies, cases=[f"{tag}-{i:02d}" for i in range(n_cases)],
                       title=tag, today=today())
    for agency in agencies:
        officer = UserFactory(agency=agency)
        submit(officer, answer_all(officer, return_of(audit, agency), Grade.GOOD))
    audit = services.audit_transition(by=coordinator, audit=audit,
                                      to_status=AuditStatus.MODERATION, today=today())
    for i in range(n_cases):
        finding = services.finding_add(by=coordinator, audit=audit, kind="improvement",
                                       text=f"Finding {i}", agency=agencies[0])
        services.finding_action_create(
            by=coordinator, finding=finding, description=f"Action {i}", success_measure="m",
            lead_agency=agencies[0], lead_officer=UserFactory(agency=agencies[0]),
            target_date=today() + dt.timedelta(days=30), today=today())
    return audit


@pytest.mark.parametrize("url_name", ["audits:audit_detail", "audits:results", "audits:report",
                                      "audits:moderation_update"])
def test_audit_pages_take_the_same_queries_for_1_or_25_rows(client_for, coordinator, url_name):
    client = client_for(coordinator)
    small = _grow_macfa(coordinator, 1, 1, "S")
    big = _grow_macfa(coordinator, 25, 3, "B")
    one = count_queries(client, reverse(url_name, args=[small.pk]), shows=["S-00"])
    many = count_queries(client, reverse(url_name, args=[big.pk]),
                         shows=[f"B-{i:02d}" for i in range(25)])
    assert many == one, (one, many)
    assert one <= 25


def test_return_pages_take_the_same_queries_for_1_or_25_cases(client_for, coordinator, wmp,
                                                              wmp_officer):
    client = client_for(wmp_officer)
    small = make_macfa(coordinator, [wmp], cases=["ONE"], title="small", today=today())
    big = make_macfa(coordinator, [wmp], cases=[f"C-{i:02d}" for i in range(25)], title="big",
                     today=today())
    for audit in (small, big):
        answer_all(wmp_officer, return_of(audit, wmp), Grade.GOOD)
    one = count_queries(client, return_of(small, wmp).get_absolute_url(), shows=["ONE"])
    many = count_queries(client, return_of(big, wmp).get_absolute_url(),
                         shows=[f"C-{i:02d}" for i in range(25)])
    assert many == one


# --- report ----------------------------------------------------------------------------------

def test_report_pdf_has_the_summary_matrix_findings_and_actions(
        client_for, coordinator, in_moderation, wmp, wmp_lead, wmp_officer):
    finding = services.finding_add(by=coordinator, audit=in_moderation, kind="improvement",
                                   text="Fathers were not contacted.", agency=wmp)
    services.finding_add(by=coordinator, audit=in_moderation, kind="strength",
                         text="Referrers were told the outcome.")
    action = services.finding_action_create(
        by=coordinator, finding=finding, description="Brief response officers on fathers.",
        success_measure="Dip sample shows fathers contacted.", lead_agency=wmp,
        lead_officer=wmp_lead, target_date=today() + dt.timedelta(days=60), today=today())
    response = client_for(wmp_officer).get(reverse("audits:report_pdf", args=[in_moderation.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store, private"
    reader = PdfReader(io.BytesIO(response.content))
    pdf_text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    pdf_text = pdf_text.replace("- ", "-")  # words broken across lines
    for expected in ["OFFICIAL-SENSITIVE", f"Page 1 of {len(reader.pages)}",
                     "Audit report: Responses to referrals from non-professionals",
                     in_moderation.reference, "Summary", "By agency and question",
                     "West Midlands Police", "Sandwell and West Birmingham NHS Trust",
                     "Good 2", "Requires improvement 2", "MACFA-T-01", "MACFA-T-02",
                     "Strengths", "Referrers were told the outcome.",
                     "Areas for improvement", "Fathers were not contacted.",
                     action.reference, "Brief response officers on fathers."]:
        assert expected in pdf_text, expected
    event = AccessEvent.objects.get(kind="report")
    assert event.user == wmp_officer and event.label == in_moderation.reference


def test_report_web_page_is_the_same_template_and_logged(client_for, scrutineer, in_moderation):
    response = client_for(scrutineer).get(reverse("audits:report", args=[in_moderation.pk]))
    page = text(response)
    assert response.status_code == 200
    assert "Download this report as a PDF" in page and "By agency and question" in page
    assert AccessEvent.objects.filter(kind="view", object_type="audits.Audit").count() == 1


# --- links to review cases -------------------------------------------------------------------

def test_sampled_references_link_to_review_cases_the_reader_may_see(
        client_for, coordinator, wmp, swbnhs, sct, wmp_officer, health_officer):
    """A MACFA stores only the pseudonymised reference; where a review case has it, the page
    links to it, and only for people who may see that case (WMP is involved, SWBNHS is not)."""
    case = notification(by=coordinator, agencies=[wmp, sct])
    audit = make_macfa(coordinator, [wmp, swbnhs], cases=[case.reference, "MACFA-X-01"],
                       today=today())
    link = f'href="{case.get_absolute_url()}"'
    assert link in client_for(coordinator).get(audit.get_absolute_url()).content.decode()
    assert link in client_for(wmp_officer).get(audit.get_absolute_url()).content.decode()
    page = client_for(health_officer).get(audit.get_absolute_url()).content.decode()
    assert case.reference in page and link not in page
    assert "MACFA-X-01" in page


def test_reading_a_return_is_in_the_access_log_without_its_content(client_for, live_macfa, wmp,
                                                                   wmp_officer):
    r = answer_all(wmp_officer, return_of(live_macfa, wmp), Grade.GOOD, narrative="Private")
    client_for(wmp_officer).get(r.get_absolute_url())
    event = AccessEvent.objects.get(kind="view", object_type="audits.AgencyReturn")
    assert event.user == wmp_officer and event.object_id == str(r.pk)
    assert event.label == f"{live_macfa.reference} WMP"
    assert "Private" not in event.label


# --- identifiers in free text (scsp.privacy) ----------------------------------------------------


def test_findings_and_return_narratives_are_held_back_until_confirmed(
        client_for, coordinator, in_moderation, live_macfa, wmp, wmp_officer):
    client = client_for(coordinator)
    finding_url = reverse("audits:finding_create", args=[in_moderation.pk])
    data = {"kind": "improvement", "text": "Father (date of birth: 1 May 1990) not seen.",
            "agency": wmp.pk}
    response = client.post(finding_url, data)
    assert "looks like it contains a date of birth" in text(response)
    assert 'type="checkbox" name="confirm_no_identifiers"' in response.content.decode()
    assert not Finding.objects.exists()
    response = client.post(finding_url, {**data, "confirm_no_identifiers": "on"})
    assert response.status_code == 302 and Finding.objects.count() == 1


def test_a_return_narrative_is_guarded(client_for, live_macfa, wmp, wmp_officer):
    r = return_of(live_macfa, wmp)
    case = live_macfa.cases.order_by("reference").first()
    url = reverse("audits:return_case_update", args=[live_macfa.pk, r.pk, case.pk])
    data = {}
    for q in live_macfa.questions.all():
        data.update({f"q{q.pk}_answer": "partly", f"q{q.pk}_grade": "requires_improvement",
                     f"q{q.pk}_narrative": "Father not seen."})
    first = live_macfa.questions.order_by("number").first()
    data[f"q{first.pk}_narrative"] = "Home visit at B70 6HX."
    client = client_for(wmp_officer)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "looks like it contains a postcode" in text(response)
    assert 'type="checkbox" name="confirm_no_identifiers"' in response.content.decode()
    assert not Answer.objects.exists()
    response = client.post(url, {**data, "confirm_no_identifiers": "on"})
    assert response.status_code == 302 and Answer.objects.exists()
