"""The audit trail on PostgreSQL (issue 15): the access log and the change history's index
refuse UPDATE and DELETE from the application's role (the trigger of migration
``scsp/0007_audit_trail_sealed``) except the retention job's, and simultaneous appends do not
fork the hash chain. Skipped without PostgreSQL locally, failed in CI."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from reviews.models import Case
from scsp.audit import Kind, record_access
from scsp.audit.chain import verify
from scsp.models import AccessEvent, ChangeEvent
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- PostgreSQL: the tables refuse UPDATE and DELETE --------------------------------------------


@pytest.mark.postgres
def test_postgresql_refuses_updates_and_deletes_but_not_the_retention_job(coordinator,
                                                                           settings):
    from django.db import DatabaseError, transaction

    from tests.services import need

    need("PostgreSQL", connection.vendor == "postgresql",
         "the append-only trigger is PostgreSQL's; set DATABASE_URL to PostgreSQL")
    event = record_access(user=coordinator, kind=Kind.VIEW, object_type="reviews.Case")
    ThemeFactory(name="Neglect")
    change = ChangeEvent.objects.latest("seq")
    attempts = [
        lambda: AccessEvent.objects.filter(pk=event.pk).update(label="changed"),
        lambda: AccessEvent.objects.filter(pk=event.pk).delete(),
        lambda: _raw("UPDATE scsp_accessevent SET label = 'x' WHERE id = %s", [event.pk]),
        lambda: _raw("DELETE FROM scsp_accessevent WHERE id = %s", [event.pk]),
        lambda: ChangeEvent.objects.filter(pk=change.pk).update(label="changed"),
        lambda: _raw("DELETE FROM scsp_changeevent WHERE id = %s", [change.pk]),
        # Setting the retention variable does not let a recent row go.
        lambda: (_raw("SELECT set_config('scsp.retention_cutoff', %s, true)",
                      [timezone.now().isoformat()]),
                 _raw("DELETE FROM scsp_accessevent WHERE id = %s", [event.pk])),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert AccessEvent.objects.filter(pk=event.pk, label="").exists()
    # The retention job may delete what is past the retention period.
    with time_machine.travel(timezone.now() - dt.timedelta(
            days=settings.ACCESS_EVENTS_KEEP_DAYS + 5), tick=False):
        old = record_access(user=coordinator, kind=Kind.VIEW, object_type="reviews.Case")
    call_command("apply_retention")
    assert not AccessEvent.objects.filter(pk=old.pk).exists()
    assert verify("access").ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_appends_do_not_fork_the_chain(coordinator, wmp_officer):
    """Eight threads append at once, each inside its own transaction: the head's row lock
    serialises them, so the chain has no two rows with one predecessor."""
    import threading

    from django.db import connections, transaction

    from tests.services import need

    need("PostgreSQL", connection.vendor == "postgresql",
         "real row locking is needed; set DATABASE_URL to PostgreSQL")
    barrier = threading.Barrier(8)
    errors = []

    def append(i):
        try:
            barrier.wait()
            with transaction.atomic():
                record_access(user=wmp_officer, kind=Kind.VIEW, object_type="reviews.Case",
                              object_id=str(i))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = sorted(AccessEvent.objects.filter(kind=Kind.VIEW).values_list("seq", flat=True))
    assert len(set(AccessEvent.objects.values_list("prev_hash", flat=True))) == \
        AccessEvent.objects.count()
    assert seqs == list(range(seqs[0], seqs[0] + 8))
    assert verify("access").ok


def test_case_model_is_untouched_by_the_index():
    """The index is not a copy of the case: no narrative field of a case is in its events."""
    assert "case_outline" not in AccessEvent.CHAINED and Case  # noqa: PLR0133
