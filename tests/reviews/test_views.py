"""Review pages: forms through to services, scope on lists and exports, embargo handling,
escaping, the access log and the minutes PDF read back as text."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from reviews import services
from reviews.models import Case, CaseStatus, PracticeReview, Route
from scsp.models import AccessEvent
from tests.reviews import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def notification_post(*, agencies, **overrides):
    """A filled-in notification form, as the browser sends it."""
    data = {
        "incident_date": "2022-04-10", "became_aware_on": "2022-04-11",
        "notification_submitted_on": "2022-04-13", "referral_received_on": "2022-04-12",
        "late_notification_reason": "", "incident_type": "serious_harm",
        "harm_categories": ["physical"], "location": "in_area",
        "case_outline": "A young person was assaulted.", "police_investigation": "yes",
        "immediate_safeguarding_actions": "Safety plan.",
        "agencies_involved": [a.pk for a in agencies],
        "children-TOTAL_FORMS": "4", "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "0", "children-MAX_NUM_FORMS": "4",
        "children-0-pseudonym": "Child 4", "children-0-age_band": "16_17",
    }
    data.update(overrides)
    return data


# --- Logging and referring -------------------------------------------------------------------------


def test_the_coordinator_logs_a_notification(client_for, coordinator, wmp, swbnhs):
    client = client_for(coordinator)
    response = client.post(reverse("reviews:case_notify"),
                           notification_post(agencies=[wmp, swbnhs]))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.route == Route.NOTIFICATION and case.rapid_review.pk
    assert case.children.get().pseudonym == "Child 4"
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Due Friday 6 May 2022: 15 working days after the referral reaching the business" \
           " unit" in page


def test_form_errors_come_back_with_the_services_messages(client_for, coordinator, wmp):
    client = client_for(coordinator)
    response = client.post(reverse("reviews:case_notify"), notification_post(
        agencies=[wmp], became_aware_on="2022-04-09", notification_submitted_on="2022-04-13"))
    assert response.status_code == 200
    assert "cannot have become aware (9 April 2022) before the incident (10 April 2022)" in (
        response.content.decode())
    response = client.post(reverse("reviews:case_notify"), notification_post(
        agencies=[wmp], notification_submitted_on="2022-04-21"))
    assert "after its deadline of 20 April 2022" in response.content.decode()
    assert not Case.objects.exists()


def test_identifiers_in_free_text_must_be_removed_or_confirmed(client_for, coordinator, wmp):
    client = client_for(coordinator)
    data = notification_post(agencies=[wmp], case_outline="Lives at B70 6HX; NHS 450 557 7104.")
    response = client.post(reverse("reviews:case_notify"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "looks like it contains an NHS number and a postcode" in page
    assert 'type="checkbox" name="confirm_no_identifiers"' in page
    response = client.post(reverse("reviews:case_notify"), {**data,
                                                              "confirm_no_identifiers": "on"})
    assert response.status_code == 302


def test_an_agency_lead_refers_a_case(client_for, wmp_lead, wmp_officer, wmp, swbnhs):
    data = notification_post(agencies=[swbnhs], referral_reason="Learning about exploitation.")
    for key in ("became_aware_on", "notification_submitted_on", "referral_received_on"):
        data.pop(key)
    response = client_for(wmp_lead).post(reverse("reviews:case_refer"), data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.route == Route.REFERRAL and case.referring_agency == wmp
    assert case.referral_received_on == today()
    assert client_for(wmp_officer).post(reverse("reviews:case_refer"), data).status_code == 403
    # The lead sees what they referred.
    page = client_for(wmp_lead).get(case.get_absolute_url())
    assert page.status_code == 200
    assert case.reference in page.content.decode()
    assert "Learning about exploitation." in page.content.decode()


# --- Scope, summaries and the access log -----------------------------------------------------------


@pytest.fixture
def two_cases(coordinator, wmp, swbnhs):
    wmp_case = f.notification(by=coordinator, agencies=[wmp], pseudonyms=("Child 1",),
                              outline="WMP case outline.")
    health_case = f.referral(by=coordinator, agencies=[swbnhs], referring_agency=swbnhs,
                             pseudonyms=("Baby H",))
    services.case_set_children(by=coordinator, case=wmp_case, children=[
        {"id": wmp_case.children.get().pk, "pseudonym": "Child 1", "ethnicity": "black_caribbean",
         "sex": "male"}])
    return wmp_case, health_case


def test_agency_staff_see_their_cases_only(client_for, two_cases, wmp_lead, health_officer):
    wmp_case, health_case = two_cases
    page = client_for(wmp_lead).get(reverse("reviews:case_list")).content.decode()
    assert wmp_case.reference in page and health_case.reference not in page
    # Searching for an out-of-scope reference finds nothing (SECURITY.md check 23).
    page = client_for(wmp_lead).get(reverse("reviews:case_list"),
                                    {"q": health_case.reference}).content.decode()
    assert f">{health_case.reference}</a>" not in page and "No cases match" in page
    assert client_for(health_officer).get(wmp_case.get_absolute_url()).status_code == 404
    assert client_for(wmp_lead).get(health_case.get_absolute_url()).status_code == 404


CASE_HEADER = ["Reference", "Route", "Status", "Children", "Incident date", "Became aware",
               "Notification submitted", "Notification due", "Notification clock",
               "Referral received", "Rapid Review due", "Rapid Review day", "Rapid Review clock",
               "Rapid Review panel meeting", "Decision", "Agencies involved", "Learning themes"]


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_export_has_exactly_the_scoped_rows(client_for, two_cases, wmp_lead,
                                                    coordinator):
    # On 30 June 2022 the open Rapid Review is on working day 52 after the referral of 12 April
    # (bank holidays 15 and 18 April, 2 May, 2 and 3 June), so the clock's cells are fixed.
    with time_machine.travel(dt.datetime(2022, 6, 30, 12, tzinfo=ZoneInfo("Europe/London")),
                             tick=False):
        response = client_for(wmp_lead).get(reverse("reviews:case_export"))
        referrals = client_for(coordinator).get(reverse("reviews:case_export"),
                                                {"route": "referral"})
    assert response["Content-Type"].startswith("text/csv")
    assert csv_rows(response) == [CASE_HEADER, [
        "SLPR-2022-001", "Serious incident notification", "Rapid Review in progress", "Child 1",
        "2022-04-10", "2022-04-11", "2022-04-13", "2022-04-20", "Met", "2022-04-12",
        "2022-05-06", "52", "Overdue", "", "", "WMP", ""]]
    assert list(AccessEvent.objects.filter(kind="export").order_by("id")
                .values_list("user", "label")) == [(wmp_lead.pk, "1 cases"),
                                                   (coordinator.pk, "1 cases")]
    assert csv_rows(referrals) == [CASE_HEADER, [
        "SLPR-2022-002", "Referral by a partner", "Awaiting the subgroup's decision", "Baby H",
        "2022-05-20", "", "", "", "", "2022-06-01", "", "", "", "", "", "SWBNHS", ""]]


def test_csv_cells_cannot_run_as_formulas(client_for, coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp], pseudonyms=("=HYPERLINK(1)",))
    response = client_for(coordinator).get(reverse("reviews:case_export"))
    row = list(csv.reader(io.StringIO(response.content.decode())))[1]
    assert row[0] == case.reference and row[3] == "'=HYPERLINK(1)"


def test_agency_staff_get_a_summary_without_characteristics(client_for, two_cases, wmp_lead,
                                                            wmp_officer, coordinator):
    wmp_case, _ = two_cases
    page = client_for(wmp_lead).get(wmp_case.get_absolute_url()).content.decode()
    assert "You see a summary" in page and "Child 1" in page
    assert "Caribbean" not in page
    # WMP is a statutory partner: its lead reads the full Rapid Review (issue 18); its
    # officer does not, and the case page does not offer it to them.
    assert reverse("reviews:rr_detail", args=[wmp_case.rapid_review.pk]) in page
    assert client_for(wmp_lead).get(
        reverse("reviews:rr_detail", args=[wmp_case.rapid_review.pk])).status_code == 200
    page = client_for(wmp_officer).get(wmp_case.get_absolute_url()).content.decode()
    assert reverse("reviews:rr_detail", args=[wmp_case.rapid_review.pk]) not in page
    assert client_for(wmp_officer).get(
        reverse("reviews:rr_detail", args=[wmp_case.rapid_review.pk])).status_code == 403
    page = client_for(coordinator).get(wmp_case.get_absolute_url()).content.decode()
    assert "Caribbean" in page and "Open the Rapid Review" in page


def test_views_and_downloads_are_logged_without_content(client_for, two_cases, coordinator):
    wmp_case, _ = two_cases
    client = client_for(coordinator)
    client.get(wmp_case.get_absolute_url())
    client.get(reverse("reviews:rr_minutes_pdf", args=[wmp_case.rapid_review.pk]))
    events = list(AccessEvent.objects.exclude(kind="sign_in").order_by("seq").values_list(
        "kind", "object_type", "label", "case_reference"))
    assert events == [("view", "reviews.Case", wmp_case.reference, wmp_case.reference),
                      ("minutes_pdf", "reviews.RapidReview", f"{wmp_case.reference} RR",
                       wmp_case.reference)]


def test_case_text_is_escaped(client_for, coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp], pseudonyms=('"><img src=x>',),
                          outline="<script>alert(1)</script> {{7*7}}")
    services.rr_update(by=coordinator, rr=case.rapid_review, today=D(2022, 6, 30),
                       meeting_date=D(2022, 4, 28), good_practice="<b>bold</b>")
    client = client_for(coordinator)
    for url in (case.get_absolute_url(), reverse("reviews:case_list"),
                reverse("reviews:rr_detail", args=[case.rapid_review.pk]),
                reverse("reviews:rr_minutes", args=[case.rapid_review.pk])):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page and "<img src=x>" not in page, url
        assert "<b>bold</b>" not in page, url
    page = client.get(case.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{7*7}}" in page


# --- Embargo ----------------------------------------------------------------------------------------


@pytest.fixture
def embargoed(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp], pseudonyms=("Child 1",))
    review = f.decided(case, by=coordinator).practice_reviews.get()
    rows = [{"id": s.pk, "name": s.name, "planned_date": s.planned_date,
             "actual_date": D(2022, 12, 1) if s.key in ("", "held") else None, "not_needed": False}
            for s in review.stages.order_by("order")]
    next(r for r in rows if r["name"].startswith("Ratified"))["actual_date"] = D(2023, 2, 16)
    services.review_set_stages(by=coordinator, review=review, today=D(2023, 3, 1), stages=rows)
    services.review_record_outcome(
        by=coordinator, review=review, today=D(2023, 3, 1), outcome="embargoed",
        embargo_reason="SECRET-REASON trial pending.", embargo_proceeding="criminal",
        embargo_proceeding_detail="Crown Court", embargo_expected_end=D(2023, 10, 31),
        embargo_next_review=D(2023, 6, 30))
    return review


REVIEW_HEADER = ["Reference", "Kind", "Title", "Cases", "Decision to initiate", "Status",
                 "Target (6 months)", "Clock", "Ratified", "Published", "Completed", "Reviewer",
                 "Learning themes"]
#: The embargoed LCSPR: decided 28 April 2022, due six months on, ratified 16 February 2023.
EMBARGOED_ROW = ["LCSPR-2022-01", "LCSPR", "LCSPR: SLPR-2022-001 (Child 1)", "SLPR-2022-001",
                 "2022-04-28", "Ratified, embargoed", "2022-10-28", "Met late", "2023-02-16", "",
                 "", "", ""]


@pytest.mark.parametrize("persona", ["coordinator", "chair", "scrutineer"])
def test_embargo_details_for_partnership_roles(client_for, embargoed, personas, persona):
    client = client_for(personas[persona])
    page = client.get(embargoed.get_absolute_url()).content.decode()
    assert "SECRET-REASON" in page and "Ratified, embargoed" in page
    assert "Ratified, embargoed" in client.get(reverse("reviews:review_list")).content.decode()
    exported = csv_rows(client.get(reverse("reviews:review_export")))
    assert exported == [REVIEW_HEADER + ["Publication outcome", "Embargo: proceeding",
                                         "Embargo: expected end", "Embargo: next review"],
                        EMBARGOED_ROW + ["Embargoed", "Criminal proceedings", "2023-10-31",
                                         "2023-06-30"]]


@pytest.mark.parametrize("persona", ["wmp_lead", "wmp_officer"])
def test_agency_staff_never_see_embargo_detail(client_for, embargoed, personas, persona):
    client = client_for(personas[persona])
    case = embargoed.cases.get()
    pages = [client.get(url).content.decode() for url in (
        embargoed.get_absolute_url(), reverse("reviews:review_list"), case.get_absolute_url(),
        reverse("reviews:review_export"), reverse("reviews:case_list"))]
    for page in pages:
        assert "SECRET-REASON" not in page and "mbargo" not in page and "Crown Court" not in page
    assert "Ratified, awaiting publication" in pages[0]
    assert csv_rows(client.get(reverse("reviews:review_export"))) == [
        REVIEW_HEADER, [*EMBARGOED_ROW[:5], "Ratified, awaiting publication", *EMBARGOED_ROW[6:]]]
    # The outcome filter does not exist for them, so it cannot be used to find embargoes.
    page = client.get(reverse("reviews:review_list"), {"outcome": "published"}).content.decode()
    assert embargoed.reference in page and 'name="outcome"' not in page


# --- Rapid Review pages ---------------------------------------------------------------------------


def test_the_rapid_review_page_adds_actions_for_two_agencies(client_for, coordinator, wmp,
                                                             wmp_officer, swbnhs,
                                                             health_officer):
    rr = f.notification(by=coordinator, agencies=[wmp, swbnhs]).rapid_review
    client = client_for(coordinator)
    url = reverse("reviews:rr_action_create", args=[rr.pk])
    target = (today() + dt.timedelta(days=30)).isoformat()
    for agency, officer in ((wmp, wmp_officer), (swbnhs, health_officer)):
        response = client.post(url, {"description": f"Brief {agency.short_name} staff.",
                                     "title": f"{agency.short_name} briefing",
                                     "success_measure": "All staff briefed.",
                                     "lead_agency": agency.pk, "lead_officer": officer.pk,
                                     "target_date": target})
        assert response.status_code == 302
    assert sorted(Action.objects.filter(plan=rr.action_plan).values_list("title", flat=True)) == [
        "SWBNHS briefing", "WMP briefing"]
    page = client.get(rr.get_absolute_url()).content.decode()
    assert f'action="{url}"' in page  # the form on the Rapid Review page posts here
    assert "Brief WMP staff." in page and "Brief SWBNHS staff." in page
    response = client.post(url, {"description": "x", "success_measure": "y",
                                 "lead_agency": wmp.pk, "lead_officer": health_officer.pk,
                                 "target_date": target})
    assert response.status_code == 200
    assert "The lead officer must belong to the lead agency" in response.content.decode()


def test_a_rapid_review_action_with_a_date_of_birth_is_held_back(client_for, coordinator, wmp,
                                                                 wmp_officer):
    rr = f.notification(by=coordinator, agencies=[wmp]).rapid_review
    client = client_for(coordinator)
    url = reverse("reviews:rr_action_create", args=[rr.pk])
    data = {"description": "Check records for the child born 12/03/2015.", "title": "Records",
            "success_measure": "Records checked.", "lead_agency": wmp.pk,
            "lead_officer": wmp_officer.pk,
            "target_date": (today() + dt.timedelta(days=30)).isoformat()}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and "looks like it contains a date of birth" in page
    assert 'type="checkbox" name="confirm_no_identifiers"' in page
    assert not Action.objects.filter(plan=rr.action_plan).exists()
    assert client.post(url, {**data, "confirm_no_identifiers": "on"}).status_code == 302
    assert Action.objects.filter(plan=rr.action_plan).count() == 1


def test_the_decision_page_starts_the_lcspr(client_for, coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp])
    rr = case.rapid_review
    services.rr_update(by=coordinator, rr=rr, today=today(), meeting_date=D(2022, 4, 28))
    response = client_for(coordinator).post(reverse("reviews:rr_decide", args=[rr.pk]), {
        "decision": "lcspr", "decision_rationale": "Criteria met.", "decided_on": "2022-04-28"})
    assert response.status_code == 302
    review = PracticeReview.objects.get()
    assert review.kind == "lcspr" and review.rapid_review == rr
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW


def test_the_chair_signs_off_in_person(client_for, coordinator, chair, wmp):
    rr = f.decided(f.notification(by=coordinator, agencies=[wmp]), by=coordinator)
    client = client_for(chair)
    url = reverse("reviews:rr_sign_off", args=[rr.pk])
    assert "Sign off this Rapid Review" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 302
    sign_off = rr.sign_offs.get()
    assert sign_off.signed_by == chair and sign_off.signed_on == today()
    assert "You have signed off" in client.get(url).content.decode()


def test_attendees_formset(client_for, coordinator, wmp):
    rr = f.notification(by=coordinator, agencies=[wmp]).rapid_review
    url = reverse("reviews:rr_attendees", args=[rr.pk])
    data = {"people-TOTAL_FORMS": "2", "people-INITIAL_FORMS": "0", "people-MIN_NUM_FORMS": "0",
            "people-MAX_NUM_FORMS": "60",
            "people-0-name": "Gareth Price", "people-0-role": "DI", "people-0-agency": wmp.pk,
            "people-0-attendance": "attended",
            "people-1-name": "Helen Carter", "people-1-role": "", "people-1-agency": wmp.pk,
            "people-1-attendance": "apologies"}
    response = client_for(coordinator).post(url, data)
    assert response.status_code == 200 and "name, role and agency" in response.content.decode()
    data["people-1-role"] = "Safeguarding lead"
    assert client_for(coordinator).post(url, data).status_code == 302
    assert sorted(rr.attendees.values_list("name", "attendance")) == [
        ("Gareth Price", "attended"), ("Helen Carter", "apologies")]


def test_stage_skipping_is_refused_on_the_page(client_for, coordinator, wmp):
    review = f.decided(f.notification(by=coordinator, agencies=[wmp]),
                       by=coordinator).practice_reviews.get()
    stages = list(review.stages.order_by("order"))
    data = {"stages-TOTAL_FORMS": str(len(stages)), "stages-INITIAL_FORMS": str(len(stages)),
            "stages-MIN_NUM_FORMS": "0", "stages-MAX_NUM_FORMS": "40"}
    for i, stage in enumerate(stages):
        data.update({f"stages-{i}-id": stage.pk, f"stages-{i}-name": stage.name,
                     f"stages-{i}-planned_date": stage.planned_date.isoformat(),
                     f"stages-{i}-actual_date": "", f"stages-{i}-note": ""})
    data[f"stages-{len(stages) - 1}-actual_date"] = "2022-10-28"  # published, nothing else done
    response = client_for(coordinator).post(reverse("reviews:review_stages", args=[review.pk]),
                                            data)
    assert response.status_code == 200
    assert "“Published” cannot be done before" in response.content.decode()
    assert not review.stages.filter(actual_date__isnull=False).exists()


# --- The minutes ------------------------------------------------------------------------------------


@pytest.fixture
def minutes_rr(coordinator, chair, wmp, wmp_officer, swbnhs, health_officer, sct):
    case = f.notification(by=coordinator, agencies=[wmp, swbnhs, sct],
                          pseudonyms=("Child 1", "Child 1b"))
    rr = case.rapid_review
    services.rr_update(
        by=coordinator, rr=rr, today=D(2022, 6, 30), meeting_date=D(2022, 4, 28),
        facts_and_chronology="FACTS " + "Known to several agencies. " * 200,
        key_practice_episodes="EPISODES were missed.", good_practice="GOOD strategy meeting.",
        immediate_safeguarding_actions="SAFETY plan in place.",
        learning_single_agency="SINGLE agency learning.", learning_multi_agency="MULTI agency.",
        context="CONTEXT of race and inequality.")
    services.rr_set_attendees(by=coordinator, rr=rr, attendees=[
        {"name": "Gareth Price", "role": "Detective Inspector", "agency": wmp},
        {"name": "Rachel Adeyemi", "role": "Named nurse", "agency": swbnhs},
        {"name": "Helen Carter", "role": "Safeguarding lead", "agency": sct,
         "attendance": "apologies"}])
    services.rr_decide(by=coordinator, rr=rr, today=D(2022, 6, 30), decision="lcspr",
                       rationale="RATIONALE: criteria met.", decided_on=D(2022, 4, 28))
    services.rr_record_sign_off(by=coordinator, rr=rr, today=D(2022, 6, 30), agency=wmp,
                                name="Gareth Price", role="Detective Superintendent",
                                signed_on=D(2022, 5, 3))
    services.rr_add_action(by=coordinator, rr=rr, today=D(2022, 4, 28),
                           description="Brief neighbourhood teams.", success_measure="All.",
                           lead_agency=wmp, lead_officer=wmp_officer, target_date=D(2022, 6, 30))
    services.rr_add_action(by=coordinator, rr=rr, today=D(2022, 4, 28),
                           description="Audit midwifery records.", success_measure="20 audited.",
                           lead_agency=swbnhs, lead_officer=health_officer,
                           target_date=D(2022, 7, 29))
    services.rr_record_panel(by=coordinator, rr=rr, today=D(2022, 6, 30),
                             sent_to_panel_on=D(2022, 5, 5))
    return rr


def pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def test_the_minutes_pdf_reads_back(client_for, minutes_rr, coordinator):
    response = client_for(coordinator).get(reverse("reviews:rr_minutes_pdf",
                                                   args=[minutes_rr.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store, private"
    pages = pdf_text(response.content)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in text
        assert f"Page {number} of {len(pages)}" in text
    text = " ".join(" ".join(pages).split())
    case = minutes_rr.case
    for expected in (
        f"Rapid Review minutes: {case.reference}", "Child 1", "Child 1b",
        "Gareth Price", "Detective Inspector", "Rachel Adeyemi", "Apologies", "Helen Carter",
        "FACTS", "EPISODES", "GOOD strategy", "SAFETY plan", "SINGLE agency", "MULTI agency",
        "CONTEXT of race", "Local Child Safeguarding Practice Review (LCSPR)",
        "RATIONALE: criteria met.", "Brief neighbourhood teams.", "Audit midwifery records.",
        "West Midlands Police", "Sandwell and West Birmingham NHS Trust", "30 Jun 2022",
        "29 Jul 2022", "Detective Superintendent", "3 May 2022", "Awaiting sign-off",
        "Thursday 28 April 2022 (day 10 of 15)", "Friday 6 May 2022",
        "sent to the National Panel 5 May 2022, day 14 of 15",
    ):
        assert expected in text, expected


def test_the_minutes_as_a_web_page(client_for, minutes_rr, coordinator):
    response = client_for(coordinator).get(reverse("reviews:rr_minutes", args=[minutes_rr.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "OFFICIAL-SENSITIVE" in page and "Download as PDF" in page
    assert "RATIONALE: criteria met." in page and "Brief neighbourhood teams." in page
    assert AccessEvent.objects.filter(kind="view_minutes", object_type="reviews.RapidReview").exists()


@pytest.mark.usefixtures("file_store")  # also on S3 (moto)
def test_briefing_downloads_are_attachments_in_a_sandbox(client_for, coordinator, wmp_lead,
                                                         health_officer, swbnhs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = f.referral(by=coordinator, agencies=[swbnhs], referring_agency=swbnhs)
    services.referral_decide(by=coordinator, case=case, today=D(2022, 6, 30),
                             decision="learning_briefing", rationale="x",
                             decided_on=D(2022, 6, 20))
    review = case.practice_reviews.get()
    pdf = b"%PDF-1.4\n%%EOF\n"
    record = services.review_upload_briefing(
        by=coordinator, review=review,
        upload=SimpleUploadedFile("Briefing: “young carers”.pdf", pdf))
    url = reverse("reviews:review_briefing_download", args=[review.pk, record.pk])
    response = client_for(health_officer).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert AccessEvent.objects.get(kind="file").label == review.reference
    assert client_for(wmp_lead).get(url).status_code == 404
    # A file of one review cannot be fetched through another review's address.
    other = services.review_create(by=coordinator, kind="tabletop", title="Other",
                                   decision_date=D(2022, 6, 1), cases=[case], today=D(2022, 6, 30))
    wrong = reverse("reviews:review_briefing_download", args=[other.pk, record.pk])
    assert client_for(coordinator).get(wrong).status_code == 404


def test_editing_a_notification_keeps_what_the_form_does_not_show(client_for, coordinator,
                                                                   wmp, swbnhs):
    case = f.referral(by=coordinator, agencies=[swbnhs], referring_agency=swbnhs,
                      referral_reason="Kept reason.")
    services.case_update(
        by=coordinator, case=case, today=D(2022, 6, 30), route=Route.NOTIFICATION,
        referral_received_on=case.referral_received_on, incident_date=case.incident_date,
        became_aware_on=D(2022, 6, 1), notification_submitted_on=D(2022, 6, 2),
        incident_type=case.incident_type, case_outline=case.case_outline,
        agencies_involved=[swbnhs], referring_agency=swbnhs, referral_reason="Kept reason.")
    data = notification_post(agencies=[swbnhs, wmp], incident_date="2022-05-20",
                             became_aware_on="2022-06-01", notification_submitted_on="2022-06-02",
                             referral_received_on="2022-06-01", case_outline="Edited outline.")
    response = client_for(coordinator).post(reverse("reviews:case_update", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.case_outline == "Edited outline."
    assert case.referring_agency == swbnhs and case.referral_reason == "Kept reason."
    assert set(case.agencies_involved.all()) == {swbnhs, wmp}


def test_extra_fields_in_a_referral_are_ignored(client_for, wmp_lead, wmp, swbnhs):
    """SECURITY.md check 22: a referrer cannot set the route, the referring agency, the
    received date or the notification dates by adding fields to the form."""
    data = notification_post(agencies=[swbnhs], referral_reason="Learning.",
                             route="notification", referring_agency=swbnhs.pk,
                             referral_received_on="2020-01-01", status="closed",
                             reference="SLPR-2020-999")
    assert client_for(wmp_lead).post(reverse("reviews:case_refer"), data).status_code == 302
    case = Case.objects.get()
    assert case.route == Route.REFERRAL and case.referring_agency == wmp
    assert case.referral_received_on == today() and case.became_aware_on is None
    assert case.notification_submitted_on is None
    assert case.status == CaseStatus.AWAITING_DECISION
    assert case.reference == f"SLPR-{today().year}-001"


@pytest.mark.parametrize("query", ["year=abc", "clock=bogus", "agency=999999", "theme=x",
                                   "page=999", "q=%27%22%3C", "route=notification&page=-1"])
@pytest.mark.parametrize("name", ["reviews:case_list", "reviews:review_list",
                                  "reviews:case_export", "reviews:review_export"])
def test_odd_filter_input_never_breaks_a_list(client_for, two_cases, coordinator, name, query):
    response = client_for(coordinator).get(reverse(name) + "?" + query)
    assert response.status_code == 200
    shown = {"reviews:case_list": '<h1 class="mb-0">Cases</h1>',
             "reviews:review_list": '<h1 class="mb-0">Practice reviews</h1>',
             "reviews:case_export": ",".join(CASE_HEADER),
             "reviews:review_export": ",".join(REVIEW_HEADER)}[name]
    assert shown in response.content.decode()
