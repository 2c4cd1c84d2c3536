"""Time or profile one item of the benchmark table against an existing database.

    # once: a database with the benchmark data
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py seed_demo --scale large
    # then, as often as needed (item keys: tests/perf/pages.py, e.g. overdue_agency, open_all)
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python tests/perf/profile_item.py overdue_agency
    ... tests/perf/profile_item.py overdue_agency --profile [--sort tottime] [--limit 40]
    ... tests/perf/profile_item.py overdue_agency --queries

Prints the median of ``--runs`` runs after a warm-up, as ``make bench`` measures (DEBUG off,
persistent connections, templates not instrumented); ``--profile`` adds a cProfile of five
runs, ``--queries`` each query with its time. cProfile inflates many small calls (the ORM's
expression trees, template nodes): confirm a finding by timing before and after a change.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("item")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--queries", action="store_true")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scsp.settings")
    os.environ.setdefault("SCSP_ENV", "development")  # a benchmark, never production
    # The clients sign in once; a measurement at 20,000 actions on a busy machine outlasts the
    # 30-minute idle timeout (the minutes PDF then answered 302), so sessions last the run.
    os.environ.setdefault("SESSION_IDLE_TIMEOUT_SECONDS", str(12 * 60 * 60))
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DB_CONN_MAX_AGE", "600")
    import django

    django.setup()
    from django.db import connection
    from django.template import Template
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    render = Template._render
    setup_test_environment()  # locmem mail, "testserver" host
    Template._render = render  # but no template instrumentation: it is not in production
    from tests.perf import pages

    items = {item.key: item for item in pages.World().items()}
    if args.item not in items:
        parser.error(f"unknown item; one of: {', '.join(items)}")
    item = items[args.item]
    item.run()
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        item.run()
        times.append(time.perf_counter() - t0)
    print(f"{args.item}: median {statistics.median(times) * 1000:.2f} ms, "
          f"min {min(times) * 1000:.2f} ms over {args.runs} runs")
    if args.queries:
        with CaptureQueriesContext(connection) as queries:
            item.run()
        for query in queries.captured_queries:
            print(f"{float(query['time']) * 1000:7.2f} ms  {query['sql'][:160]}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            item.run()
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
