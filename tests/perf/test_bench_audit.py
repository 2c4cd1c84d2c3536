"""The benchmark's access events (``demo.bench_audit``) are sealed as the application seals
them and linked to their cases, so the access log's filters and ``verify_audit_trail`` work
on them as on real ones."""

import pytest
from django.core.management import call_command

from demo import bench
from scsp.audit.chain import verify
from scsp.models import AccessEvent, AccessEventCase, ChainHead

pytestmark = pytest.mark.django_db


@pytest.mark.template_context
def test_benchmark_events_are_sealed_and_linked_to_their_cases(client_for, scrutineer):
    counts = bench.build(actions=40, access_events=600)
    assert counts["access_events"] == AccessEvent.objects.count() == 600
    report = verify("access")
    assert report.ok and report.rows == 600, report.problems[:3]
    assert ChainHead.objects.get(name="access").seq == 600
    linked = AccessEvent.objects.exclude(case_reference="")
    assert linked.count() == AccessEventCase.objects.count() > 100
    kinds = set(AccessEvent.objects.values_list("kind", flat=True))
    assert {"view", "view_minutes", "refused", "sign_in", "export"} <= kinds
    # An application event after them continues the same chain.
    client_for(scrutineer).get("/audit/access/")
    call_command("verify_audit_trail", stdout=open("/dev/null", "w"))  # noqa: SIM115
    event = linked.order_by("-seq").first()
    page = client_for(scrutineer).get("/audit/access/", {"case": event.case_reference})
    assert page.context["paginator"].count == AccessEventCase.objects.filter(
        case_reference=event.case_reference).count()
