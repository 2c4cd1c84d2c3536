"""``make loadtest``: the production-like stack on this machine, loaded by locust, bounded.

Starts a throwaway PostgreSQL and Redis, seeds ``seed_demo`` and ``seed_demo --scale large``
(20,000 actions; the demo roles sign in on it), runs gunicorn (3 workers) and a Celery worker
behind Debian's nginx (TLS, deploy/nginx/scsp.conf), then for each number of users runs
``tests/load/locustfile.py`` headless for a fixed time and writes ``load-results.json``:
p50 / p95 / p99 (ms), requests a second and errors per level. Everything it started is stopped.

    python tests/load/run.py --users 10 50 100 --run-time 60 [--actions 20000] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ops.servers import (  # noqa: E402
    PGBIN,
    FixedPortRedis,
    PostgresServer,
    Process,
    app_env,
    celery,
    fetch,
    gunicorn,
    manage,
    wait_until,
)
from tests.ops.test_deploy import SITE, nginx_conf  # noqa: E402
from tests.services import free_port  # noqa: E402


def level(base: str, users: int, seconds: int, rate: float, work: Path, wait: str = "1,3") -> dict:
    """One level: ``users`` people arrive ``rate`` a second and sign in (the ramp, reported on
    its own), then everyone works for ``seconds`` (the steady state, the figures that count)."""
    prefix, ramp_out = work / f"u{users}-w{wait}", work / f"u{users}-w{wait}-ramp.json"
    ramp_seconds = users / rate
    cpu_before, children_before = cpu_seconds(), resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "LOAD_RAMP_OUT": str(ramp_out), "LOAD_WAIT": wait}
    subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "tests/load/locustfile.py"),
                    "--headless", "-u", str(users), "-r", str(rate),
                    "--run-time", f"{round(ramp_seconds + seconds)}s", "--host", base,
                    "--csv", str(prefix), "--only-summary", "--stop-timeout", "10"],
                   cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    cpu = {k: round(v - cpu_before.get(k, 0), 1) for k, v in cpu_seconds().items()
           if k != "locust"}
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, now finished
    cpu["locust"] = round(children.ru_utime + children.ru_stime - children_before.ru_utime
                          - children_before.ru_stime, 1)
    with open(f"{prefix}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    with open(f"{prefix}_failures.csv") as handle:
        failures = [{"name": r["Name"], "error": r["Error"], "occurrences": int(r["Occurrences"])}
                    for r in csv.DictReader(handle)]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    by_name = {r["Name"]: {"requests": int(r["Request Count"]), "failures": int(r["Failure Count"]),
                           "p50_ms": _ms(r["50%"]), "p95_ms": _ms(r["95%"]),
                           "p99_ms": _ms(r["99%"])} for r in rows if r["Name"] != "Aggregated"}
    ramp = json.loads(ramp_out.read_text()) if ramp_out.exists() else None
    return {"users": users, "seconds": seconds, "arrivals_per_second": rate,
            "wait_seconds": wait.replace(",", "-"),
            "requests": int(total["Request Count"]),
            "errors": int(total["Failure Count"]), "p50_ms": _ms(total["50%"]),
            "p95_ms": _ms(total["95%"]), "p99_ms": _ms(total["99%"]),
            "requests_per_second": round(float(total["Requests/s"]), 1), "by_request": by_name,
            "failures": failures, "cpu_seconds": cpu, "ramp": ramp}


def _ms(value: str) -> float:
    """A percentile from locust's CSV ('N/A' for a request nobody made after the ramp)."""
    return float(value) if value not in ("", "N/A") else 0.0


def cpu_seconds() -> dict:
    """CPU time used so far by each kind of process on the machine (from /proc), to say what
    the load was spent on: the app's workers, PostgreSQL, nginx, Redis, Celery, locust."""
    kinds = {"gunicorn": "gunicorn", "postgres": "postgres", "nginx": "nginx",
             "redis": "redis-server", "celery": "celery", "locust": "locust"}
    tick = os.sysconf("SC_CLK_TCK")
    totals: dict[str, float] = {}
    for proc in Path("/proc").glob("[0-9]*"):
        if proc.name == str(os.getpid()):
            continue  # this script: its finished children (locust) are counted by the caller
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kind = next((k for k, word in kinds.items() if word in cmdline), "other")
        # Its own time and its finished children's (PostgreSQL's backends come and go).
        used = sum(int(fields[i]) for i in (11, 12, 13, 14))
        totals[kind] = totals.get(kind, 0.0) + used / tick
    return totals


def seed_key(actions: int) -> str:
    """What the seeded database depends on: the migrations, the demo data and the size."""
    digest = hashlib.sha256(str(actions).encode())
    for path in sorted([*ROOT.glob("*/migrations/*.py"), *ROOT.glob("demo/**/*.py")]):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def seed(pg: PostgresServer, env: dict, actions: int, cache: Path | None) -> str:
    """``seed_demo`` then ``seed_demo --scale large`` (about 5 minutes at 20,000 actions), or
    the dump of an identical earlier seeding restored (about a minute). Then ``ANALYZE``."""
    dump = cache / f"seed-{seed_key(actions)}.dump" if cache else None
    if dump and dump.exists():
        subprocess.run([str(PGBIN / "pg_restore"), "-h", "127.0.0.1", "-p", str(pg.port), "-U",
                        "postgres", "-d", "scsp", "--no-owner", "-j", "2", str(dump)],
                       check=True, capture_output=True)
        how = f"restored from {dump}"
    else:
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        manage(env, "seed_demo", "--scale", "large", "--actions", str(actions), timeout=3600)
        how = "seeded"
        if dump:
            cache.mkdir(parents=True, exist_ok=True)
            for old in cache.glob("seed-*.dump"):
                old.unlink()
            with open(dump, "wb") as out:
                subprocess.run([str(PGBIN / "pg_dump"), "-h", "127.0.0.1", "-p", str(pg.port),
                                "-U", "postgres", "-Fc", "scsp"], stdout=out, check=True)
            how += f", dump kept in {dump}"
    # As a database in service is: vacuumed (a fresh restore would otherwise be vacuumed by
    # autovacuum during the first level) and its statistics current.
    manage(env, "dbshell", "--", "-c", "VACUUM ANALYZE")
    manage(env, "dbshell", "--", "-c", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    return how


def top_statements(env: dict, limit: int = 8) -> list[dict]:
    """The statements PostgreSQL spent most time on since the last call (then reset)."""
    out = manage(env, "dbshell", "--", "-At", "-F", "\t", "-c",
                 "SELECT round(total_exec_time::numeric, 1), calls, "
                 "regexp_replace(left(query, 160), '\\s+', ' ', 'g') FROM pg_stat_statements "
                 f"ORDER BY total_exec_time DESC LIMIT {limit}; "
                 "SELECT pg_stat_statements_reset();")
    rows = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            rows.append({"total_ms": float(parts[0]), "calls": int(parts[1]), "query": parts[2]})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--run-time", type=int, default=60)
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=5,
                        help="gunicorn sync workers (deploy/systemd: 2 x cores + 1)")
    parser.add_argument("--ceiling-users", type=int, nargs="*", default=[10],
                        help="then this many people with no pause between pages: the ceiling "
                             "in requests a second")
    parser.add_argument("--arrivals", type=float, default=2.0,
                        help="people arriving (signing in) a second at the start of each level")
    parser.add_argument("--out", default=str(ROOT / "load-results.json"))
    parser.add_argument("--seed-cache", default=os.environ.get("LOAD_SEED_CACHE", str(
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "scsp-load")),
        help="directory for a dump of the seeded database, reused while the migrations and "
             "the demo data are unchanged ('' to seed every time)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="scsp-load-"))
    # pg_stat_statements: what the database spent its time on, per level (what limits it).
    pg = PostgresServer().start("-c shared_preload_libraries=pg_stat_statements")
    redis, procs = FixedPortRedis().start(), []
    try:
        pg.createdb()
        port = free_port()
        # SITE_URL with nginx's port: the CSRF check trusts that origin (nginx sends Host
        # without the port, as on 443 in production).
        env = app_env(pg.url(), redis.url, work / "media", MFA_REQUIRED="0",
                      TRUSTED_PROXY_COUNT="1", DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
                      SITE_URL=f"https://127.0.0.1:{port}", LOG_LEVEL="WARNING")
        started = time.monotonic()
        seeded = seed(pg, env, args.actions, Path(args.seed_cache) if args.seed_cache else None)
        print(f"stack seeded in {time.monotonic() - started:.0f} s ({seeded})", flush=True)
        web, app = gunicorn(env, work / "gunicorn.log", workers=args.workers)
        procs.append(web)
        procs.append(celery(env, work / "worker.log", "worker", "-P", "solo", "-l", "warning",
                            "--without-gossip", "--without-mingle", "-n", "load@%h"))
        site = SITE.replace("server 127.0.0.1:8000 max_fails=2 fail_timeout=10s;",
                            f"server {app[7:]};")
        site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl http2;")
        site = site.replace("listen [::]:443 ssl http2;", "")
        site = re.sub(r"listen 80;\s*listen \[::\]:80;", f"listen 127.0.0.1:{free_port()};", site)
        conf = nginx_conf(work, site)
        if os.geteuid() == 0:
            conf.write_text(conf.read_text().replace("pid ", "user root;\npid ", 1))
        conf.write_text(conf.read_text().replace("pid ", "daemon off;\npid ", 1))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        procs.append(Process([nginx, "-c", str(conf), "-p", str(work)], env, work / "nginx.out"))
        base = f"https://127.0.0.1:{port}"
        wait_until(lambda: fetch(base + "/healthz").status == 200, 30, "nginx")
        results = []
        levels = [(users, "1,3") for users in args.users]
        levels += [(users, "0") for users in args.ceiling_users]
        for users, wait in levels:
            top_statements(env)  # reset
            result = level(base, users, args.run_time, args.arrivals, work, wait)
            result["database_top_statements"] = top_statements(env)
            print(json.dumps({k: v for k, v in result.items()
                              if k not in ("by_request", "ramp", "failures",
                                           "database_top_statements")}), flush=True)
            results.append(result)
        Path(args.out).write_text(json.dumps({
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                        "python": platform.python_version()},
            "stack": f"nginx -> gunicorn ({args.workers} sync workers) -> PostgreSQL, Redis, "
                     "one Celery worker; all on this machine",
            "data": f"seed_demo + seed_demo --scale large --actions {args.actions}",
            "levels": results}, indent=1))
        print(f"wrote {args.out}")
    finally:
        for proc in reversed(procs):
            proc.stop()
        redis.destroy()
        pg.destroy()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
