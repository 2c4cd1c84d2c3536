"""Every page of the benchmark table runs the same number of queries whatever the amount of
data: measured on the benchmark data set (``demo.bench``) at two small sizes. The
timings themselves are for ``make bench``, not for tests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo import bench
from tests.perf import pages

# Transactional: it flushes between the two sizes, which PostgreSQL refuses inside the
# test transaction (deferred constraint triggers are pending).
pytestmark = pytest.mark.django_db(transaction=True)

SMALL, LARGER = 200, 800
#: Items whose count is compared (floors are single queries; the sweep is checked below).
COMPARED = ("page", "pdf")


def count_all(monkeypatch) -> dict[str, int]:
    import scsp.pdf

    # The PDF items are about queries here, not drawing: skip WeasyPrint.
    monkeypatch.setattr(scsp.pdf, "html_to_pdf", lambda html, **kw: b"%PDF-1.7 test")
    world = pages.World()
    counts = {}
    for item in world.items():
        if item.kind not in COMPARED and not item.key.startswith("sweep"):
            continue
        item.run()  # warm caches (sessions, content types) as the benchmark does
        with CaptureQueriesContext(connection) as queries:
            outcome = item.run()
        counts[item.key] = len(queries)
        if item.key.startswith("sweep"):
            counts[f"{item.key}_messages"] = len(outcome.drafts)
    return counts


def build_and_count(size, monkeypatch):
    from django.core.management import call_command

    call_command("flush", verbosity=0, interactive=False)
    bench.build(actions=size)
    return count_all(monkeypatch)


def test_query_counts_do_not_grow_with_the_data(monkeypatch, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    small = build_and_count(SMALL, monkeypatch)
    larger = build_and_count(LARGER, monkeypatch)
    pages_only = [k for k in small if not k.startswith("sweep")]
    assert len(pages_only) == 13  # every page of the table, the bare page included
    assert {k: small[k] for k in pages_only} == {k: larger[k] for k in pages_only}
    # The lists stay within the budget.
    assert small["overdue_agency"] <= 12
    assert small["open_all"] <= 12
    # The sweep: a fixed number of queries to build the digests, then a fixed number per
    # message it sends.
    assert abs(small["sweep_dry"] - larger["sweep_dry"]) <= 1  # a section may be empty
    assert larger["sweep_dry"] <= 10
    per_message = [(c["sweep_real"] - c["sweep_dry"]) / max(c["sweep_real_messages"], 1)
                   for c in (small, larger)]
    assert abs(per_message[0] - per_message[1]) < 0.5
