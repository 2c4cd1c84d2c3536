"""Evidence uploads: checked by content, capped in size, stored under random names outside
static/, downloaded only through the permission-checked view, each download logged."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from actions import services
from actions.models import ActionStatus, Evidence, ProgressUpdate
from actions.uploads import DOCX, ODT, PDF, PNG, XLSX, check_upload, clean_filename
from scsp.models import AccessEvent
from tests.actions import files
from tests.actions.factories import EvidenceFactory
from tests.mfa import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "make", "content_type"), [
    ("Briefing log.pdf", files.pdf, PDF),
    ("Minutes.DOCX", files.docx, DOCX),
    ("Audit results.xlsx", files.xlsx, XLSX),
    ("Report.odt", files.odt, ODT),
    ("Poster.png", files.png, PNG),
    ("Photo of the display.jpg", files.jpeg, "image/jpeg"),
    ("Photo.jpeg", files.jpeg, "image/jpeg"),
    ("notes.txt", lambda: "Thirty staff briefed – café £5".encode(), "text/plain"),
    ("register.csv", lambda: b"team,briefed\r\nA,12\r\n", "text/csv"),
    ("excel.csv", lambda: "caf\xe9,12\r\n".encode("cp1252"), "text/csv"),
])
def test_accepted_types(name, make, content_type):
    checked = check_upload(files.upload(name, make(), content_type="text/html"))
    assert checked.content_type == content_type  # ours, never the browser's claim
    assert checked.original_name == name
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(("name", "data", "code"), [
    ("evidence.png", files.pdf(), "content_mismatch"),          # a PDF renamed .png
    ("evidence.pdf", files.HTML, "content_mismatch"),           # a web page renamed .pdf
    ("evidence.pdf", files.SVG, "content_mismatch"),
    ("evidence.txt", files.HTML, "content_mismatch"),           # markup is not plain text
    ("evidence.csv", b"a,b\x00c", "content_mismatch"),
    ("evidence.docx", files.xlsx(), "content_mismatch"),        # the wrong Office format
    ("evidence.xlsx", b"PK\x03\x04 not really a zip", "bad_content"),
    ("evidence.jpg", files.png(), "content_mismatch"),
    ("evidence.html", files.HTML, "type_not_allowed"),
    ("evidence.svg", files.SVG, "type_not_allowed"),
    ("evidence.exe", files.pdf(), "type_not_allowed"),
    ("evidence", files.pdf(), "type_not_allowed"),
    ("evidence.pdf.exe", files.pdf(), "type_not_allowed"),
    ("evidence.pdf", b"", "empty"),
    ("evidence.docx", files.docx(macros=True), "macros"),
    ("evidence.docx", files.zip_bomb(), "zip_bomb"),
    ("evidence.docx", files.many_entries(), "zip_bomb"),
    ("eicar.txt", files.EICAR, "virus"),
])
def test_refused(name, data, code):
    with pytest.raises(ValidationError) as exc:
        check_upload(files.upload(name, data))
    assert exc.value.code == code
    assert exc.value.messages[0]  # a sentence the person can act on


def test_size_limit(settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    check_upload(files.upload("ok.txt", b"x" * 1000))
    with pytest.raises(ValidationError, match="at most 1000") as exc:
        check_upload(files.upload("big.txt", b"x" * 1001))
    assert exc.value.code == "too_big"


@pytest.mark.parametrize(("given", "shown"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\me\\Desktop\\log.pdf", "log.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ("tab\tand\nnewline.pdf", "tab and newline.pdf"),
    ("", "evidence"),
    ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
])
def test_clean_filename(given, shown):
    assert clean_filename(given) == shown


def test_right_to_left_override_cannot_disguise_the_type():
    with pytest.raises(ValidationError) as exc:
        check_upload(files.upload("report\u202efdp.exe", files.pdf()))
    assert exc.value.code == "type_not_allowed"


# --- through the services and pages ----------------------------------------------------------


def stored_files():
    root = Path(default_storage.location)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_service_stores_under_a_random_name_outside_static(wmp_officer, wmp_action):
    update = services.action_record_progress(
        by=wmp_officer, action=wmp_action, note="Log attached.", today=wmp_action.target_date,
        files=[files.upload("../../Briefing log.pdf", files.pdf())])
    evidence = update.evidence.get()
    assert evidence.original_name == "Briefing log.pdf"
    assert evidence.uploaded_by == wmp_officer and evidence.action == wmp_action
    assert evidence.file.name.startswith("evidence/") and evidence.file.name.endswith(".pdf")
    assert "Briefing" not in evidence.file.name
    path = Path(evidence.file.path).resolve()
    assert Path(settings.STORAGES["default"]["OPTIONS"]["location"]).resolve() in path.parents
    assert Path(settings.BASE_DIR, "static").resolve() not in path.parents
    assert path.read_bytes() == files.pdf()


def test_one_bad_file_refuses_the_whole_update(wmp_officer, wmp_action):
    with pytest.raises(ValidationError) as exc:
        services.action_record_progress(
            by=wmp_officer, action=wmp_action, note="x", today=wmp_action.target_date,
            files=[files.upload("good.pdf", files.pdf()), files.upload("bad.pdf", files.HTML)])
    assert "files" in exc.value.message_dict
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    assert stored_files() == []


def progress_url(action):
    return reverse("actions:action_progress", args=[action.pk])


def post_progress(client, action, upload, **extra):
    data = {"note": "Attached.", "status": "", "version": action.version, "files": upload}
    data.update(extra)
    return client.post(progress_url(action), data)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("evidence.png", files.pdf(), "is not really a PNG image"),
    ("evidence.pdf", files.HTML, "is not really a PDF"),
    ("empty.pdf", b"", "empty"),
    ("evidence.html", files.HTML, "is not a type we accept"),
])
def test_bad_file_on_the_form(client_for, wmp_officer, wmp_action, name, data, message):
    response = post_progress(client_for(wmp_officer), wmp_action, files.upload(name, data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    wmp_action.refresh_from_db()
    assert wmp_action.version == 1 and not wmp_action.updates.exists()
    assert stored_files() == []


def test_oversized_file_is_dropped_while_it_streams_in(client_for, wmp_officer, wmp_action):
    big = files.upload("big.pdf", b"%PDF-1.4\n" + b"0" * settings.EVIDENCE_MAX_BYTES)
    response = post_progress(client_for(wmp_officer), wmp_action, big)
    assert response.status_code == 200
    page = response.content.decode().replace("\xa0", " ")
    assert "“big.pdf” is too big: files can be at most 10.0 MB" in page
    assert not wmp_action.updates.exists() and stored_files() == []


def test_upload_pages_still_check_csrf(wmp_officer, wmp_action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(wmp_officer)
    response = post_progress(client, wmp_action, files.upload("a.pdf", files.pdf()))
    assert response.status_code == 403
    assert not wmp_action.updates.exists()
    impact = client.post(reverse("actions:action_impact", args=[wmp_action.pk]),
                         {"impact_evidence": "x", "version": 1})
    assert impact.status_code == 403


@pytest.mark.usefixtures("file_store")  # also on S3 (moto)
def test_good_file_through_the_form(client_for, wmp_officer, wmp_action):
    response = post_progress(client_for(wmp_officer), wmp_action,
                             [files.upload("Log.pdf", files.pdf()),
                              files.upload("Register.xlsx", files.xlsx())])
    assert response.status_code == 302
    assert sorted(e.original_name for e in wmp_action.evidence.all()) == ["Log.pdf",
                                                                           "Register.xlsx"]


@pytest.mark.usefixtures("file_store")  # also on S3 (moto)
class TestDownload:
    @pytest.fixture
    def evidence(self, wmp_action):
        return EvidenceFactory(action=wmp_action, original_name="Café log – “final”.pdf",
                               file__data=files.pdf(), size=len(files.pdf()))

    def test_attachment_headers_and_access_log(self, client_for, wmp_officer, evidence):
        response = client_for(wmp_officer).get(
            reverse("actions:evidence_download", args=[evidence.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == files.pdf()
        assert response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; ")
        assert 'filename="Caf_ log _ _final_.pdf"' in disposition
        assert ("filename*=UTF-8''Caf%C3%A9%20log%20%E2%80%93%20%E2%80%9Cfinal%E2%80%9D.pdf"
                in disposition)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
        assert "no-store" in response["Cache-Control"]
        event = AccessEvent.objects.get(kind="file")
        assert (event.user, event.object_type, event.object_id) == (
            wmp_officer, "actions.Evidence", str(evidence.pk))
        assert evidence.action.reference in event.label

    def test_other_agency_in_the_shared_plan_may_read_it(self, client_for, health_officer,
                                                         health_action, evidence):
        url = reverse("actions:evidence_download", args=[evidence.pk])
        response = client_for(health_officer).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == files.pdf()
        event = AccessEvent.objects.get(kind="file")
        assert (event.user, event.object_id) == (health_officer, str(evidence.pk))

    def test_out_of_scope_and_anonymous(self, client_for, sct_officer, evidence):
        url = reverse("actions:evidence_download", args=[evidence.pk])
        assert client_for(sct_officer).get(url).status_code == 404
        anonymous = client_for(None).get(url)
        assert anonymous.status_code == 302 and "/accounts/sign-in/" in anonymous["Location"]
        missing = client_for(sct_officer).get(reverse("actions:evidence_download",
                                                      args=[evidence.pk + 999]))
        assert missing.status_code == 404
        assert not AccessEvent.objects.filter(kind="file").exists()

    def test_no_public_url(self, client_for, wmp_officer, evidence):
        client = client_for(wmp_officer)
        for url in ("/" + evidence.file.name, "/private-media/" + evidence.file.name,
                    "/static/" + evidence.file.name, "/media/" + evidence.file.name):
            assert client.get(url).status_code == 404, url


def test_completion_evidence_reaches_sign_off_page(client_for, coordinator, wmp_officer,
                                                   wmp_action):
    services.action_record_progress(
        by=wmp_officer, action=wmp_action, note="Done", status=ActionStatus.AWAITING_SIGN_OFF,
        completion_evidence="Register attached.", today=wmp_action.target_date,
        files=[files.upload("Register.pdf", files.pdf())])
    page = client_for(coordinator).get(reverse("actions:action_sign_off",
                                               args=[wmp_action.pk]))
    assert "Register attached." in page.content.decode()
    assert "Register.pdf" in page.content.decode()
