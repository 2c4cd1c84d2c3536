"""S3-compatible object storage (``STORAGE_BACKEND=s3``, ``scsp.storage.PrivateS3Storage``)
against moto's S3 server: private objects, no URL of the bucket ever reaches a page, an
unreachable store is an honest 503, and ``check_files`` works on a bucket.

The storage users themselves (evidence upload and download, held uploads, report exports,
briefings, the rescan, retention) run on both stores through the ``file_store`` fixture
(tests/conftest.py); the backup drill (test_backup_drill.py) restores into an empty bucket."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from actions.models import Evidence, ProgressUpdate
from scsp import files as file_check
from scsp.service_settings import default_storage, mapping_env
from scsp.storage import PrivateS3Storage, StorageUnavailable, walk
from tests.actions import files
from tests.actions.factories import EvidenceFactory
from tests.services import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.s3]


def progress(client, action, upload):
    return client.post(reverse("actions:action_progress", args=[action.pk]), {
        "note": "Attached the audit.", "status": "", "version": action.version, "files": upload})


def test_the_setting_chooses_a_private_bucket_and_says_what_is_missing():
    env = mapping_env({"STORAGE_BACKEND": "s3", "S3_BUCKET": "scsp-evidence",
                       "S3_ENDPOINT_URL": "https://objects.example", "S3_PREFIX": "live"})
    built = default_storage(env, base_dir=None)
    assert built["BACKEND"] == "scsp.storage.PrivateS3Storage"
    options = built["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("scsp-evidence", "live")
    assert options["client_config"].s3 == {"addressing_style": "path"}
    storage = PrivateS3Storage(**options)
    assert (storage.default_acl, storage.querystring_auth, storage.file_overwrite) == (
        "private", False, False)
    with pytest.raises(ImproperlyConfigured, match="S3_BUCKET"):
        default_storage(mapping_env({"STORAGE_BACKEND": "s3"}), base_dir=None)
    with pytest.raises(ImproperlyConfigured, match="filesystem or s3"):
        default_storage(mapping_env({"STORAGE_BACKEND": "ftp"}), base_dir=None)


def test_uploads_are_private_objects_and_no_page_names_the_bucket(
        object_store, moto_s3, client_for, wmp_officer, wmp_action):
    client = client_for(wmp_officer)
    assert progress(client, wmp_action, files.upload("Audit.pdf", files.pdf())).status_code == 302
    evidence = Evidence.objects.get()
    s3 = moto_s3.client()
    head = s3.head_object(Bucket=object_store, Key=evidence.file.name)
    assert head["ContentLength"] == len(files.pdf())
    grants = s3.get_object_acl(Bucket=object_store, Key=evidence.file.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner only
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)

    with pytest.raises(NotImplementedError, match="permission-checked view"):
        storages["default"].url(evidence.file.name)
    page = client.get(wmp_action.get_absolute_url()).content.decode()
    download_url = reverse("actions:evidence_download", args=[evidence.pk])
    assert download_url in page
    for leak in (object_store, moto_s3.endpoint, "X-Amz-", "Signature=", evidence.file.name):
        assert leak not in page
    download = client.get(download_url)
    assert download.status_code == 200 and "Location" not in download  # streamed, not redirected
    assert b"".join(download.streaming_content) == files.pdf()


def test_check_files_on_a_bucket(object_store, wmp_officer, wmp_action, capsys):
    storage = storages["default"]
    kept = EvidenceFactory(action=wmp_action, file__data=files.pdf())
    lost = EvidenceFactory(action=wmp_action, file__data=b"%PDF-1.4 lost")
    storage.delete(lost.file.name)
    orphan = storage.save("evidence/orphan.pdf", ContentFile(b"left by a crash"))
    assert set(walk(storage)) == {kept.file.name, orphan}

    with pytest.raises(CommandError):
        call_command("check_files")
    out = capsys.readouterr().out
    assert f"missing file: actions.Evidence {lost.pk} names {lost.file.name}" in out
    assert f"orphan file: {orphan}" in out and f"orphan file: {kept.file.name}" not in out
    report = file_check.check(delete_orphans=True)  # the orphan is new: kept
    assert report.deleted == [] and storage.exists(orphan)
    later = timezone.now() + dt.timedelta(days=1, hours=1)
    report = file_check.check(delete_orphans=True, now=later)
    assert report.deleted == [orphan] and not storage.exists(orphan)
    assert storage.exists(kept.file.name)
    storage.save(lost.file.name, ContentFile(b"%PDF-1.4 found again"))
    call_command("check_files")
    assert "Clean" in capsys.readouterr().out


@pytest.fixture
def unreachable_store(object_store, moto_s3, settings):
    """Switch to the same bucket behind an address nobody answers on."""

    def switch():
        env = {**moto_s3.environment(object_store),
               "S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
        settings.STORAGES = {**settings.STORAGES,
                             "default": default_storage(mapping_env(env), base_dir=None)}

    return switch


def test_an_unreachable_store_refuses_the_upload_and_saves_nothing(
        unreachable_store, client_for, wmp_officer, wmp_action):
    unreachable_store()
    client = client_for(wmp_officer)
    client.raise_request_exception = False
    started = timezone.now()
    response = progress(client, wmp_action, files.upload("Audit.pdf", files.pdf()))
    assert (timezone.now() - started).total_seconds() < 10
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "The file could not be stored" in page and "nothing you submitted was saved" in page
    wmp_action.refresh_from_db()
    assert wmp_action.version == 1
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    health = client.get("/healthz")
    assert health.status_code == 503 and "storage: down" in health.content.decode()


def test_an_unreachable_store_is_a_503_for_a_download_not_a_missing_file(
        unreachable_store, client_for, wmp_officer, wmp_action):
    client = client_for(wmp_officer)
    assert progress(client, wmp_action, files.upload("Audit.pdf", files.pdf())).status_code == 302
    evidence = Evidence.objects.get()
    unreachable_store()
    client.raise_request_exception = False
    response = client.get(reverse("actions:evidence_download", args=[evidence.pk]))
    assert response.status_code == 503
    page = response.content.decode()
    assert "The file cannot be fetched at the moment" in page and "file and its record are kept" in page
    with pytest.raises(StorageUnavailable):
        storages["default"].open(evidence.file.name)
