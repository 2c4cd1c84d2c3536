"""A GET's reads are appended to the access log once its response is ready
(``scsp.audit.access.DeferredAccessLogMiddleware``): the chain's lock is held for the append's
few statements, not for the whole view; a failing view logs nothing; a failing append shows
the person an error, never the record."""

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scsp.audit import chain
from scsp.models import AccessEvent
from tests.actions.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(wmp, wmp_officer):
    return ActionFactory(lead_agency=wmp, lead_officer=wmp_officer)


def test_the_chain_is_locked_after_every_query_of_the_page(client_for, coordinator, action):
    client = client_for(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("actions:action_detail", args=[action.pk]))
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    lock = next(i for i, s in enumerate(sql) if "scsp_chainhead" in s and "FOR UPDATE" in s
                or "scsp_chainhead" in s and connection.vendor == "sqlite")
    after = [s for s in sql[lock:] if "SAVEPOINT" not in s]
    # The lock, the event, the head moved, the event's case links (if any), then the session
    # saved on the way out: nothing of the page.
    assert all(any(table in s for table in ("scsp_chainhead", "scsp_accessevent",
                                            "django_session")) for s in after), after
    assert any("scsp_actionplan" in s or "actions_action" in s for s in sql[:lock])
    event = AccessEvent.objects.get(object_type="actions.Action", object_id=str(action.pk))
    assert event.kind == AccessEvent.Kind.VIEW
    assert event.user == coordinator
    assert chain.verify("access").ok


def test_a_view_that_fails_logs_no_read(client_for, coordinator, action, monkeypatch):
    from actions.views import steps

    def broken(self, **kwargs):
        raise RuntimeError("the page could not be built")

    monkeypatch.setattr(steps.ActionDetailView, "get_context_data", broken)
    client = client_for(coordinator)
    client.raise_request_exception = False
    response = client.get(reverse("actions:action_detail", args=[action.pk]))
    assert response.status_code == 500
    assert not AccessEvent.objects.filter(object_type="actions.Action").exists()


@pytest.mark.django_db(transaction=True)  # the failed append ends a real transaction
def test_when_the_read_cannot_be_logged_the_record_is_not_shown(client_for, coordinator, action,
                                                                monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("scsp.audit.access.lock_heads", down)
    client = client_for(coordinator)
    client.raise_request_exception = False
    response = client.get(reverse("actions:action_detail", args=[action.pk]))
    assert response.status_code == 503
    assert action.title not in response.content.decode()
    assert not AccessEvent.objects.filter(object_type="actions.Action").exists()


def test_a_change_is_logged_inside_its_own_transaction(coordinator, action, rf):
    """Only a GET defers: a read recorded while handling a POST (or outside any request) is
    appended at once, inside the caller's transaction."""
    from scsp.audit import Kind, record_access

    request = rf.post("/")
    event = record_access(user=coordinator, kind=Kind.VIEW, obj=action, request=request)
    assert event.pk is not None and event.seq
