"""The reports app's services: the commentary, and exports made once, with their progress,
surviving a dead broker and a lost worker."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from reports import services, tasks
from reports.models import ReportExport
from reports.quarters import Quarter
from tests.reports.factories import QUARTER

pytestmark = pytest.mark.django_db


def request(user, fmt="pdf"):
    return services.export_request(by=user, quarter=QUARTER, format=fmt,
                                   today=timezone.localdate())


def test_commentary_is_the_chairs(chair, coordinator):
    with pytest.raises(PermissionDenied):
        services.commentary_save(by=coordinator, quarter=QUARTER, text="x")
    with pytest.raises(ValidationError) as caught:
        services.commentary_save(by=chair, quarter=QUARTER, text="x" * 10_001)
    assert "text" in caught.value.message_dict
    saved = services.commentary_save(by=chair, quarter=QUARTER, text="  Good quarter.  ")
    assert saved.text == "Good quarter." and saved.period == QUARTER


def test_only_the_chair_and_coordinator_export(scrutineer, wmp_lead):
    for user in (scrutineer, wmp_lead):
        with pytest.raises(PermissionDenied):
            request(user)


def test_a_quarter_that_has_not_started_cannot_be_exported(chair):
    future = Quarter.containing(timezone.localdate()).next()
    with pytest.raises(ValidationError):
        services.export_request(by=chair, quarter=future, format="pdf",
                                today=timezone.localdate())


def test_the_task_is_queued_after_commit_and_survives_a_dead_broker(
        chair, monkeypatch, django_capture_on_commit_callbacks, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.export_generate_task, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        export = request(chair)
    assert len(callbacks) == 1
    export.refresh_from_db()
    assert export.status == ReportExport.Status.QUEUED  # waits; the page offers a retry later
    assert "could not enqueue" in caplog.text


def test_a_second_run_of_the_same_export_does_nothing(action_world, chair):
    export = request(chair, "xlsx")
    done = services.export_generate(export_id=export.pk)
    assert done.status == "done" and done.size > 0
    assert services.export_generate(export_id=export.pk) is None
    assert tasks.export_generate_task(export.pk) == "skipped"


def test_a_run_does_not_take_an_export_another_worker_is_making(chair):
    export = request(chair)
    ReportExport.objects.filter(pk=export.pk).update(status="running",
                                                     started_at=timezone.now())
    assert services.export_generate(export_id=export.pk) is None


def test_a_run_takes_over_an_export_whose_worker_died(chair):
    export = request(chair)
    ReportExport.objects.filter(pk=export.pk).update(
        status="running", started_at=timezone.now() - dt.timedelta(minutes=30))
    done = services.export_generate(export_id=export.pk)
    assert done.status == "done" and done.attempts == 1


def test_progress_is_recorded_as_the_file_is_made(chair, monkeypatch):
    export = request(chair, "xlsx")
    seen = []
    real = services._progress

    def spy(export_id, percent, step):
        real(export_id, percent, step)
        row = ReportExport.objects.get(pk=export_id)
        seen.append((row.status, row.progress, row.step))

    monkeypatch.setattr(services, "_progress", spy)
    services.export_generate(export_id=export.pk)
    assert [s[0] for s in seen] == ["running"] * len(seen)
    progress = [s[1] for s in seen]
    assert progress == sorted(progress) and progress[0] == 15 and progress[-1] == 95
    assert "Working out the figures" in [s[2] for s in seen]


def test_an_exporter_who_lost_the_role_gets_a_failure_not_a_file(chair):
    export = request(chair)
    chair.role = "scrutineer"
    chair.save()
    failed = services.export_generate(export_id=export.pk)
    assert failed.status == "failed" and "may no longer download" in failed.error
    assert not failed.file


def test_retry_is_for_your_own_failed_export(chair, coordinator):
    export = request(chair)
    ReportExport.objects.filter(pk=export.pk).update(status="failed", error="x")
    export.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.export_retry(by=coordinator, export=export)
    again = services.export_retry(by=chair, export=export)
    assert (again.status, again.error, again.progress) == ("queued", "", 0)


@pytest.mark.usefixtures("file_store")  # also on S3 (moto)
def test_old_exports_are_purged_with_their_files(action_world, chair, settings, client):
    now = timezone.now()
    old = services.export_generate(export_id=request(chair, "xlsx").pk)
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    failed = request(chair)
    ReportExport.objects.filter(pk=failed.pk).update(status="failed", error="x")
    running = request(chair)
    ReportExport.objects.filter(pk=running.pk).update(status="running", started_at=now)
    stale = request(chair)  # queued long ago, never picked up
    recent = services.export_generate(export_id=request(chair, "xlsx").pk)
    ten_days_ago = now - dt.timedelta(days=10)
    ReportExport.objects.filter(pk__in=[old.pk, failed.pk, running.pk, stale.pk]).update(
        created_at=ten_days_ago)
    settings.REPORT_EXPORT_KEEP_DAYS = 7

    from scsp.tasks import retention_task  # the nightly retention job purges them

    assert retention_task()["report exports"] == 3
    assert set(ReportExport.objects.values_list("pk", flat=True)) == {running.pk, recent.pk}
    assert not storage.exists(name)  # the file went with its row
    assert recent.file.storage.exists(recent.file.name)
    assert services.exports_purge(now=now) == 0  # nothing left to purge
    # A purged export's pages are a plain 404; the list says nothing of it.
    client.force_login(chair)
    assert client.get(reverse("reports:export_download", args=[old.pk])).status_code == 404
    listing = client.get(reverse("reports:export_list"))
    assert listing.status_code == 200
