"""The evidence store full or read-only: the person is told the file could not be stored,
nothing is saved, no partial file is left; ``check_files`` finds what disagrees."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from actions.models import Evidence, ProgressUpdate
from scsp.storage import PARTIAL_PREFIX, StorageUnavailable
from tests.actions import files

pytestmark = pytest.mark.django_db


def post_progress(client, action, upload):
    return client.post(reverse("actions:action_progress", args=[action.pk]), {
        "note": "Attached the audit.", "status": "", "version": action.version, "files": upload})


@pytest.mark.parametrize("fault", ["full", "read_only"])
def test_a_full_or_read_only_store_refuses_the_update_and_says_so(
        fault, small_disk, client_for, wmp_officer, wmp_action):
    getattr(small_disk, "fill" if fault == "full" else "read_only")()
    before = small_disk.names()
    version = wmp_action.version
    client = client_for(wmp_officer)
    client.raise_request_exception = False
    response = post_progress(client, wmp_action, files.upload("audit.pdf", files.pdf()))
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "The file could not be stored" in page
    assert "nothing you submitted was saved" in page
    assert response["X-Request-ID"] in page
    assert not ProgressUpdate.objects.filter(action=wmp_action).exists()
    assert not Evidence.objects.exists()
    wmp_action.refresh_from_db()
    assert wmp_action.version == version
    assert small_disk.names() == before  # no partial file, under any name


def test_the_store_writes_under_a_temporary_name_then_links(tmp_path, settings):
    storage = storages["default"]
    name = storage.save("evidence/2026/a.pdf", ContentFile(b"%PDF-1.4 whole"))
    assert storage.open(name).read() == b"%PDF-1.4 whole"
    again = storage.save("evidence/2026/a.pdf", ContentFile(b"second"))
    assert again != name and storage.open(again).read() == b"second"
    leftovers = [n for n in os.listdir(os.path.dirname(storage.path(name)))
                 if n.startswith(PARTIAL_PREFIX)]
    assert leftovers == []


def test_a_write_that_fails_midway_leaves_nothing(small_disk):
    storage = storages["default"]
    with pytest.raises(StorageUnavailable):
        storage.save("evidence/big.bin", ContentFile(b"x" * 200_000))  # bigger than the disk
    assert small_disk.names() == []


def make_evidence(action, by, content=b"%PDF-1.4 evidence"):
    record = Evidence(action=action, original_name="e.pdf", content_type="application/pdf",
                      size=len(content), sha256="0" * 64, uploaded_by=by,
                      uploaded_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC), scan_status="clean")
    record.file.save("e.pdf", ContentFile(content), save=False)
    record.save()
    return record


def age(name: str, days: float) -> None:
    path = storages["default"].path(name)
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_check_files_reports_orphans_and_missing_files_and_deletes_old_orphans(
        wmp_officer, wmp_action, capsys):
    storage = storages["default"]
    kept = make_evidence(wmp_action, wmp_officer)
    lost = make_evidence(wmp_action, wmp_officer)
    storage.delete(lost.file.name)
    old_orphan = storage.save("evidence/old-orphan.pdf", ContentFile(b"left by a crash"))
    age(old_orphan, 2)
    new_orphan = storage.save("evidence/new-orphan.pdf", ContentFile(b"an upload in progress"))
    with pytest.raises(CommandError):
        call_command("check_files")
    out = capsys.readouterr().out
    assert f"missing file: actions.Evidence {lost.pk} names {lost.file.name}" in out
    assert f"orphan file: {old_orphan}" in out and f"orphan file: {new_orphan}" in out
    assert kept.file.name not in out
    assert storage.exists(old_orphan)  # reporting deletes nothing

    with open(storage.path(lost.file.name), "wb") as handle:  # the lost file is found again
        handle.write(b"%PDF-1.4 evidence")
    with pytest.raises(CommandError):  # the new orphan is kept, so still not clean
        call_command("check_files", "--delete-orphans")
    out = capsys.readouterr().out
    assert not storage.exists(old_orphan) and storage.exists(new_orphan)
    assert storage.exists(kept.file.name)
    assert "2 orphans (1 deleted)" in out

    age(new_orphan, 1.5)
    call_command("check_files", "--delete-orphans")
    assert "Clean" in capsys.readouterr().out
    assert not storage.exists(new_orphan) and storage.exists(kept.file.name)


def test_check_files_is_clean_when_everything_agrees(wmp_officer, wmp_action, capsys):
    make_evidence(wmp_action, wmp_officer)
    call_command("check_files")
    assert "1 stored files, 0 orphans (0 deleted), 0 rows with a missing file." in \
        capsys.readouterr().out
