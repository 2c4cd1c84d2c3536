"""Report pages: who sees what, the commentary, the background downloads from request to file
(progress, failure and retry), and the annual page."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import QuarterCommentary, ReportExport
from reports.quarters import Quarter
from scsp.models import AccessEvent
from tests.reports.factories import QUARTER

pytestmark = pytest.mark.django_db


def quarter_url(quarter=QUARTER, name="reports:quarterly", **extra):
    return reverse(name, kwargs={**quarter.url_kwargs(), **extra})


# --- The report page ------------------------------------------------------------------------------


def test_the_index_opens_the_current_quarter_or_the_one_picked(client_for, scrutineer):
    client = client_for(scrutineer)
    current = Quarter.containing(timezone.localdate())
    assert client.get(reverse("reports:index"))["Location"] == quarter_url(current)
    picked = client.get(reverse("reports:index"), {"quarter": "2022-23-q4"})
    assert picked["Location"] == "/reports/quarterly/2022-23/q4/"
    bad = client.get(reverse("reports:index"), {"quarter": "2022-23-q9"}, follow=True)
    assert "Choose a quarter from the list." in bad.content.decode()


def test_the_scrutineer_reads_but_cannot_download_or_comment(action_world, client_for,
                                                             scrutineer):
    page = client_for(scrutineer).get(quarter_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "Quarterly progress report: Q3 2025-26" in html
    assert "Make the PDF" not in html and "Write the commentary" not in html
    assert html.count("<h1") == 1
    assert 'aria-labelledby="chart-rag-title chart-rag-desc"' in html


def test_agency_staff_may_not_read_the_partnership_reports(client_for, wmp_lead, health_officer):
    for user in (wmp_lead, health_officer):
        client = client_for(user)
        assert client.get(quarter_url()).status_code == 403
        assert client.get(reverse("reports:annual", kwargs={"year": 2025})).status_code == 403


@pytest.mark.parametrize("path", ["/reports/quarterly/2025-26/q5/", "/reports/quarterly/2025-27/q1/",
                                  "/reports/quarterly/1999-00/q1/"])
def test_quarters_that_do_not_exist_are_not_found(client_for, chair, path):
    assert client_for(chair).get(path).status_code == 404


def test_a_quarter_that_has_not_started_is_not_found(client_for, chair):
    future = Quarter.containing(timezone.localdate()).next()
    assert client_for(chair).get(quarter_url(future)).status_code == 404


def test_the_page_links_to_neighbouring_quarters_and_offers_downloads(client_for, chair):
    html = client_for(chair).get(quarter_url()).content.decode()
    assert 'href="/reports/quarterly/2025-26/q2/"' in html
    assert 'href="/reports/quarterly/2025-26/q4/"' in html
    assert "Make the PDF" in html and "Make the Excel workbook" in html
    assert "/reports/quarterly/2025-26/q3/plans.csv" in html


# --- The chair's commentary ---------------------------------------------------------------------


def test_the_chair_writes_the_commentary_and_it_is_kept_with_the_quarter(client_for, chair):
    client = client_for(chair)
    url = quarter_url(name="reports:commentary")
    form = client.get(url)
    assert form.status_code == 200 and "Commentary for the partnership board" in \
        form.content.decode()
    response = client.post(url, {"text": "Overdue actions fell. The board is asked to note."})
    assert response["Location"] == quarter_url() + "#commentary"
    commentary = QuarterCommentary.objects.get(year=2025, quarter=3)
    assert commentary.updated_by == chair
    page = client.get(quarter_url()).content.decode()
    assert "Overdue actions fell." in page and "By Charles Chair" in page
    client.post(url, {"text": "Second thoughts."})
    commentary.refresh_from_db()
    assert commentary.text == "Second thoughts."
    assert [h.text for h in commentary.history.order_by("history_id")] == [
        "Overdue actions fell. The board is asked to note.", "Second thoughts."]
    assert commentary.history.first().history_user == chair
    # Another quarter has its own.
    assert "Second thoughts." not in client.get(quarter_url(QUARTER.next())).content.decode()


def test_an_empty_commentary_is_refused_with_the_reason(client_for, chair):
    response = client_for(chair).post(quarter_url(name="reports:commentary"), {"text": "  "})
    assert response.status_code == 200
    assert "Write the commentary" in response.content.decode()
    assert not QuarterCommentary.objects.exists()


def test_only_the_chair_writes_the_commentary(client_for, coordinator, scrutineer):
    for user in (coordinator, scrutineer):
        assert client_for(user).post(quarter_url(name="reports:commentary"),
                                     {"text": "x"}).status_code == 403
    assert not QuarterCommentary.objects.exists()


# --- Background downloads -------------------------------------------------------------------------


def ask(client, fmt="pdf", quarter=QUARTER):
    return client.post(quarter_url(quarter, name="reports:export_create", format=fmt))


def test_asking_for_a_pdf_queues_it_and_the_page_shows_progress(client_for, chair):
    client = client_for(chair)
    response = ask(client)  # the test's transaction never commits: the task does not run
    export = ReportExport.objects.get()
    assert response["Location"] == export.get_absolute_url()
    assert (export.status, export.format, export.requested_by) == ("queued", "pdf", chair)
    page = client.get(export.get_absolute_url()).content.decode()
    assert 'id="export-progress"' in page and "Refresh" in page
    assert 'src="/static/js/reports.js"' in page and "<script>" not in page
    status = json.loads(client.get(reverse("reports:export_status", args=[export.pk])).content)
    assert status == {"status": "queued", "status_label": "Waiting to start", "progress": 0,
                      "step": "in the queue", "finished": False,
                      "stale": False, "download_url": None}
    not_ready = client.get(reverse("reports:export_download", args=[export.pk]))
    assert not_ready["Location"] == export.get_absolute_url()


@pytest.mark.usefixtures("file_store")  # also on S3 (moto)
def test_once_committed_the_file_is_made_and_downloaded_with_an_access_record(
        action_world, client_for, chair, django_capture_on_commit_callbacks):
    client = client_for(chair)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client)
    export = ReportExport.objects.get()
    assert (export.status, export.progress, export.attempts) == ("done", 100, 1)
    page = client.get(export.get_absolute_url()).content.decode()
    assert "Download the PDF" in page
    status = json.loads(client.get(reverse("reports:export_status", args=[export.pk])).content)
    assert status["finished"] and status["download_url"].endswith("/file/")
    download = client.get(reverse("reports:export_download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="scsp-quarterly-report-2025-26-q3.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    event = AccessEvent.objects.get(kind="report", detail__startswith="downloaded")
    assert (event.user, event.object_type, event.label) == (
        chair, "reports.ReportExport", "Quarterly report Q3 2025-26 (pdf)")


def test_a_download_is_only_for_the_person_who_asked(action_world, client_for, chair,
                                                     coordinator,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client_for(chair), "xlsx")
    export = ReportExport.objects.get()
    client = client_for(coordinator)
    for name in ("reports:export_detail", "reports:export_status", "reports:export_download"):
        assert client.get(reverse(name, args=[export.pk])).status_code == 404


def test_a_chair_who_has_lost_the_role_can_no_longer_download(
        action_world, client_for, chair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client_for(chair))
    export = ReportExport.objects.get()
    chair.role = "agency_officer"
    chair.save()
    response = client_for(chair).get(reverse("reports:export_download", args=[export.pk]))
    assert response.status_code == 403
    assert not AccessEvent.objects.filter(kind="report", detail__startswith="downloaded").exists()


def test_a_failure_is_shown_and_can_be_tried_again(client_for, chair, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    client = client_for(chair)

    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint fell over")

    monkeypatch.setattr("scsp.pdf.render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client)
    export = ReportExport.objects.get()
    assert export.status == "failed" and "RuntimeError" in export.error
    page = client.get(export.get_absolute_url()).content.decode()
    assert "The file could not be made" in page and "Try again" in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:export_retry", args=[export.pk]))
    assert response["Location"] == export.get_absolute_url()
    export.refresh_from_db()
    assert (export.status, export.attempts, export.error) == ("done", 2, "")


def test_a_download_lost_by_its_worker_can_be_started_again(client_for, chair):
    client = client_for(chair)
    ask(client)
    export = ReportExport.objects.get()
    assert "Try again" not in client.get(export.get_absolute_url()).content.decode()
    ReportExport.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=20))
    page = client.get(export.get_absolute_url()).content.decode()
    assert "taking much longer than it should" in page and "Try again" in page
    assert json.loads(client.get(reverse("reports:export_status",
                                         args=[export.pk])).content)["stale"]


def test_a_download_cannot_be_retried_while_it_runs(client_for, chair):
    client = client_for(chair)
    ask(client)
    export = ReportExport.objects.get()
    response = client.post(reverse("reports:export_retry", args=[export.pk]), follow=True)
    assert "ready or still being made" in response.content.decode()


def test_asking_for_an_unknown_format_is_refused(client_for, chair):
    response = client_for(chair).post(quarter_url(name="reports:export_create", format="docx"),
                                      follow=True)
    assert "Choose PDF or Excel." in response.content.decode()
    assert not ReportExport.objects.exists()


def test_the_list_of_your_downloads(client_for, chair, coordinator):
    ask(client_for(coordinator))
    ask(client_for(chair), "xlsx")
    html = client_for(chair).get(reverse("reports:export_list")).content.decode()
    assert "Excel workbook" in html and html.count("Q3 2025-26") == 1


# --- Annual figures ---------------------------------------------------------------------------------


def test_the_annual_page_shows_the_figures_and_the_suppressed_table(review_world, client_for,
                                                                    chair):
    client = client_for(chair)
    assert client.get(reverse("reports:annual_index"), {"year": "2025-26"})["Location"] == \
        "/reports/annual/2025-26/"
    html = client.get(reverse("reports:annual", kwargs={"year": 2025})).content.decode()
    assert "Annual figures: 2025-26" in html
    assert "Notifications made to the National Panel" in html
    assert "[c]" in html and "could identify a child" in html
    assert "/reports/annual/2025-26/children-by-age-band.csv" in html


def test_commentary_with_a_date_of_birth_is_held_back_until_confirmed(client_for, chair):
    client = client_for(chair)
    url = quarter_url(name="reports:commentary")
    data = {"text": "Case SLPR-2025-004: the child, DOB 12/03/2015, is safe."}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and "looks like it contains a date of birth" in page
    assert 'type="checkbox" name="confirm_no_identifiers"' in page
    assert not QuarterCommentary.objects.exists()
    assert client.post(url, {**data, "confirm_no_identifiers": "on"}).status_code == 302
    assert QuarterCommentary.objects.get().text.startswith("Case SLPR-2025-004")
