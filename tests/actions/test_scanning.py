"""Virus scanning of uploads with a real ClamAV daemon (SECURITY.md check 30).

A real clamd (``clamav_socket``: CI's from .ci/services.sh, or a throwaway one; both load
only the EICAR test signature) refuses EICAR and passes a clean file. When the scanner is down
or too slow, an upload is held as "waiting for scan": the page says so, downloads are refused,
and the rescan (beat task / management command) marks it clean or removes it once clamd is
back."""

from __future__ import annotations

import io
import logging
import os
import socket
import tempfile
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions import clamav, services
from actions.models import Evidence, ScanStatus
from actions.tasks import rescan_waiting_files_task
from actions.uploads import ScannerUnavailable, check_upload
from reviews import services as review_services
from reviews.models import BriefingFile
from tests.actions import files
from tests.reviews import factories as review_factories

pytestmark = pytest.mark.django_db

CLAMAV = "actions.clamav.scan"


@pytest.fixture
def clamd(settings, clamav_socket):
    """Uploads go through the real clamd."""
    settings.EVIDENCE_SCANNER = CLAMAV
    settings.CLAMAV_SOCKET = clamav_socket
    settings.CLAMAV_TIMEOUT_SECONDS = 10
    return clamav_socket


@pytest.fixture
def clamd_down(settings, tmp_path):
    """The ClamAV scanner is configured, but nothing listens on its socket."""
    settings.EVIDENCE_SCANNER = CLAMAV
    settings.CLAMAV_SOCKET = str(tmp_path / "no-clamd.sock")
    settings.CLAMAV_TIMEOUT_SECONDS = 1


def progress(client, action, *uploads):
    return client.post(reverse("actions:action_progress", args=[action.pk]),
                       {"note": "Attached.", "status": "", "version": action.version,
                        "files": list(uploads)})


def download(client, evidence):
    return client.get(reverse("actions:evidence_download", args=[evidence.pk]))


# --- the client against a real clamd -------------------------------------------------------------


def test_the_client_talks_instream_to_a_real_clamd(clamav_socket):
    assert clamav.ping(clamav_socket)
    assert clamav.instream([files.EICAR], path=clamav_socket, timeout=10).startswith(
        "Eicar-Test-Signature")
    # Anywhere in the stream, across chunk boundaries.
    big = b"x" * (clamav.CHUNK - 10) + files.EICAR + b"y" * 1000
    assert clamav.instream([big[:70_000], big[70_000:]], path=clamav_socket, timeout=10)
    assert clamav.instream([files.pdf()], path=clamav_socket, timeout=10) is None


def test_eicar_is_refused_at_once_by_clamd(clamd, client_for, wmp_officer, wmp_action):
    with pytest.raises(ValidationError) as exc:
        check_upload(files.upload("eicar.txt", files.EICAR))
    assert exc.value.code == "virus"
    response = progress(client_for(wmp_officer), wmp_action,
                        files.upload("notes.txt", files.EICAR))
    page = response.content.decode()
    assert response.status_code == 200
    assert "“notes.txt” was refused by the virus check" in page
    assert not Evidence.objects.exists() and not wmp_action.updates.exists()


def test_a_clean_file_is_accepted_and_downloadable(clamd, client_for, wmp_officer, wmp_action):
    assert check_upload(files.upload("log.pdf", files.pdf())).scan_status == "clean"
    client = client_for(wmp_officer)
    assert progress(client, wmp_action, files.upload("log.pdf", files.pdf())).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.scan_status == ScanStatus.CLEAN and evidence.scanned_at is not None
    response = download(client, evidence)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.pdf()


# --- scanner down: held, then rescanned ------------------------------------------------------------


@pytest.mark.usefixtures("file_store")  # also on S3 (moto)
def test_scanner_down_holds_the_file_then_the_rescan_passes_it(
        clamd_down, settings, clamav_socket, client_for, wmp_officer, wmp_action, caplog):
    client = client_for(wmp_officer)
    with caplog.at_level(logging.WARNING, logger="actions.uploads"):
        response = progress(client, wmp_action, files.upload("log.pdf", files.pdf()))
    assert response.status_code == 302  # the update is saved; the file is held
    evidence = Evidence.objects.get()
    assert evidence.scan_status == ScanStatus.WAITING and evidence.scanned_at is None
    assert "held for a later scan" in caplog.text
    page = client.get(wmp_action.get_absolute_url()).content.decode()
    assert "waiting for scan" in page
    assert reverse("actions:evidence_download", args=[evidence.pk]) not in page
    refused = download(client, evidence)
    assert refused.status_code == 409
    assert "This file is waiting for its virus scan" in refused.content.decode()
    # The rescan while clamd is still down changes nothing.
    result = services.files_rescan_waiting(now=timezone.now())
    assert result.scanner_unavailable and result.still_waiting == 1
    assert Evidence.objects.get().scan_status == ScanStatus.WAITING
    # clamd is back: the beat task passes it, and it downloads.
    settings.CLAMAV_SOCKET = clamav_socket
    settings.CLAMAV_TIMEOUT_SECONDS = 10
    assert rescan_waiting_files_task() == {"clean": 1, "infected": 0, "still_waiting": 0,
                                           "scanner_unavailable": False}
    evidence.refresh_from_db()
    assert evidence.scan_status == ScanStatus.CLEAN and evidence.scanned_at is not None
    response = download(client, evidence)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.pdf()
    assert "waiting for scan" not in client.get(wmp_action.get_absolute_url()).content.decode()


@pytest.mark.usefixtures("file_store")  # also on S3 (moto)
def test_an_infected_held_file_is_removed_by_the_rescan_and_its_row_kept(
        clamd_down, settings, clamav_socket, client_for, wmp_officer, wmp_action, caplog):
    client = client_for(wmp_officer)
    assert progress(client, wmp_action, files.upload("notes.txt", files.EICAR)).status_code == 302
    evidence = Evidence.objects.get()
    storage, stored = evidence.file.storage, evidence.file.name
    assert evidence.scan_status == ScanStatus.WAITING and storage.exists(stored)
    settings.CLAMAV_SOCKET = clamav_socket
    out, err = io.StringIO(), io.StringIO()
    with caplog.at_level(logging.WARNING, logger="scsp.security"):
        call_command("scan_waiting_files", stdout=out, stderr=err)
    assert "0 clean, 1 removed (virus found), 0 still waiting" in out.getvalue()
    evidence.refresh_from_db()
    assert evidence.scan_status == ScanStatus.INFECTED
    assert evidence.scan_signature.startswith("Eicar-Test-Signature")
    assert evidence.file.name == "" and not storage.exists(stored)
    assert evidence.original_name == "notes.txt"  # the row says what was removed
    assert "the file was removed, the row kept" in caplog.text
    refused = download(client, evidence)
    assert refused.status_code == 410 and "This file was removed" in refused.content.decode()
    assert "removed: virus found" in client.get(wmp_action.get_absolute_url()).content.decode()


class SilentClamd:
    """A socket that accepts connections and never answers: a hung clamd."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="scsp-hung-clamd-")
        self.path = os.path.join(self.dir, "clamd.sock")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(5)
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.accepted.append(conn)  # read nothing, answer nothing

    def close(self):
        self.server.close()
        for conn in self.accepted:
            conn.close()


def test_a_hung_scanner_times_out_and_the_file_is_held(settings, wmp_officer, wmp_action):
    hung = SilentClamd()
    try:
        settings.EVIDENCE_SCANNER = CLAMAV
        settings.CLAMAV_SOCKET = hung.path
        settings.CLAMAV_TIMEOUT_SECONDS = 1
        started = time.monotonic()
        with pytest.raises(ScannerUnavailable):
            clamav.scan(files.upload("big.pdf", files.pdf() + b"0" * 3_000_000))
        assert time.monotonic() - started < 10
        update = services.action_record_progress(
            by=wmp_officer, action=wmp_action, note="x", today=wmp_action.target_date,
            files=[files.upload("log.pdf", files.pdf())])
        assert update.evidence.get().scan_status == ScanStatus.WAITING
    finally:
        hung.close()


def test_a_briefing_uploaded_while_the_scanner_is_down_cannot_be_downloaded(
        clamd_down, settings, clamav_socket, client_for, coordinator, wmp):
    case = review_factories.notification(by=coordinator, agencies=[wmp])
    review = review_factories.decided(case, by=coordinator).practice_reviews.get()
    briefing = review_services.review_upload_briefing(
        by=coordinator, review=review, upload=files.upload("briefing.pdf", files.pdf()))
    assert briefing.scan_status == ScanStatus.WAITING
    client = client_for(coordinator)
    url = reverse("reviews:review_briefing_download", args=[review.pk, briefing.pk])
    page = client.get(review.get_absolute_url()).content.decode()
    assert "waiting for scan" in page and url not in page
    refused = client.get(url)
    assert refused.status_code == 409 and "waiting for its virus scan" in refused.content.decode()
    settings.CLAMAV_SOCKET = clamav_socket
    assert services.files_rescan_waiting(now=timezone.now()).clean == 1
    assert BriefingFile.objects.get().scan_status == ScanStatus.CLEAN
    assert client.get(url).status_code == 200


def test_without_clamd_configured_production_still_holds_files(settings):
    settings.EVIDENCE_SCANNER = CLAMAV
    settings.CLAMAV_SOCKET = None
    assert check_upload(files.upload("log.pdf", files.pdf())).scan_status == "waiting"
