"""The import pages: upload, the row-by-row check with errors by row and column, Import, and
the imported state; nothing saved before Import."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.models import Action, ActionPlan, PlanImport
from tests.actions.import_files import messy_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client_for, coordinator, wmp_officer, health_officer):
    return client_for(coordinator)


def _upload(client, content, name="tracker.xlsx"):
    return client.post("/actions/plans/import/", {"file": SimpleUploadedFile(name, content)})


def test_upload_shows_every_problem_and_saves_nothing(client):
    response = _upload(client, messy_workbook())
    batch = PlanImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/actions/plans/import/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "4 problems to correct before anything can be imported" in page
    assert ('<a class="alert-link" href="#row-8">Row 8, Target date (column K)</a>: '
            "“31/02/2023” is not a real date.") in page
    assert '<tr id="row-6" class="table-danger">' in page
    assert 'role="region" aria-labelledby="rows-caption" tabindex="0"' in page
    assert "These columns are not imported: RAG." in page
    assert 'name="checked"' not in page  # no Import button while there are problems
    assert ActionPlan.objects.count() == 0


def test_a_clean_file_is_imported_by_the_button_and_the_page_then_says_so(client):
    _upload(client, messy_workbook(fixed=True))
    batch = PlanImport.objects.get()
    page = client.get(f"/actions/plans/import/{batch.pk}/").content.decode()
    assert "5 actions to add (in 2 new plans)" in page
    checked = re.search(r'name="checked" value="([0-9a-f]{64})"', page).group(1)
    assert ActionPlan.objects.count() == 0
    response = client.post(f"/actions/plans/import/{batch.pk}/", {"checked": checked},
                           follow=True)
    page = response.content.decode()
    assert "Imported from tracker.xlsx: 5 actions added, in 2 new plans." in page
    assert "5 rows already imported: nothing changes" in page
    assert Action.objects.count() == 5
    # Pressing Import again (the back button, a double click) changes nothing.
    again = client.post(f"/actions/plans/import/{batch.pk}/", {"checked": checked})
    assert "importing it again would change nothing" in again.content.decode()
    assert Action.objects.count() == 5
    plans = client.get("/actions/plans/").content.decode()
    assert "AP-2022-001" in plans and "Rapid Review: Child H" in plans


def test_a_stale_check_is_refused_and_the_fresh_one_shown(client):
    _upload(client, messy_workbook(fixed=True))
    _upload(client, messy_workbook(fixed=True), "copy.xlsx")
    first, second = PlanImport.objects.order_by("pk")
    page = client.get(f"/actions/plans/import/{first.pk}/").content.decode()
    checked = re.search(r'name="checked" value="([0-9a-f]{64})"', page).group(1)
    page2 = client.get(f"/actions/plans/import/{second.pk}/").content.decode()
    client.post(f"/actions/plans/import/{second.pk}/",
                {"checked": re.search(r'name="checked" value="([0-9a-f]{64})"',
                                      page2).group(1)})
    response = client.post(f"/actions/plans/import/{first.pk}/", {"checked": checked})
    page = response.content.decode()
    assert response.status_code == 200
    assert "the records changed after this file was checked" in page
    assert "Nothing to import: every row is already in SCSP Reviews." in page
    assert Action.objects.count() == 5


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_form(client):
    response = _upload(client, b"%PDF-1.4 not really", "tracker.pdf")
    assert response.status_code == 200
    assert "is not a spreadsheet we import" in response.content.decode()
    assert PlanImport.objects.count() == 0


def test_the_link_is_on_the_plans_page_for_the_business_unit_only(client, client_for, chair):
    assert "/actions/plans/import/" in client.get("/actions/plans/").content.decode()
    chair_client = client_for(chair)
    assert "/actions/plans/import/" not in chair_client.get("/actions/plans/").content.decode()
    assert chair_client.get("/actions/plans/import/").status_code == 403


def test_a_kept_file_that_changed_is_said_not_imported(client):
    _upload(client, messy_workbook(fixed=True))
    batch = PlanImport.objects.get()
    PlanImport.objects.filter(pk=batch.pk).update(content=b"something else")
    page = client.get(f"/actions/plans/import/{batch.pk}/").content.decode()
    assert "The kept file no longer matches the one uploaded. Upload it again." in page
    assert 'name="checked"' not in page


def test_the_check_page_does_not_query_per_row(client):
    import csv
    import io

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.actions.import_files import HEADINGS, messy_rows

    def page_queries(n, name):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADINGS)
        row = messy_rows(fixed=True)[5]
        for i in range(n):
            writer.writerow([f"P-{i % 3}", f"Plan {i % 3}", "Other", "", "", str(i),
                             *row[6:10], "30/06/2027", "", "", "", ""])
        _upload(client, out.getvalue().encode(), name)
        batch = PlanImport.objects.get(original_name=name)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/actions/plans/import/{batch.pk}/")
        assert f"{n} actions to add" in response.content.decode()
        return len(ctx.captured_queries)

    assert page_queries(2, "two.csv") == page_queries(40, "forty.csv")
