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
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ops.servers import (  # noqa: E402
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


def level(base: str, users: int, seconds: int, work: Path) -> dict:
    prefix = work / f"u{users}"
    subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "tests/load/locustfile.py"),
                    "--headless", "-u", str(users), "-r", str(max(1, users // 5)),
                    "--run-time", f"{seconds}s", "--host", base, "--csv", str(prefix),
                    "--only-summary", "--stop-timeout", "10"],
                   cwd=ROOT, check=False, capture_output=True, text=True)
    with open(f"{prefix}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    by_name = {r["Name"]: {"requests": int(r["Request Count"]), "failures": int(r["Failure Count"]),
                           "p50_ms": float(r["50%"] or 0), "p95_ms": float(r["95%"] or 0),
                           "p99_ms": float(r["99%"] or 0)} for r in rows if r["Name"] != "Aggregated"}
    return {"users": users, "seconds": seconds, "requests": int(total["Request Count"]),
            "errors": int(total["Failure Count"]), "p50_ms": float(total["50%"]),
            "p95_ms": float(total["95%"]), "p99_ms": float(total["99%"]),
            "requests_per_second": round(float(total["Requests/s"]), 1), "by_request": by_name}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--run-time", type=int, default=60)
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "load-results.json"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="scsp-load-"))
    pg, redis, procs = PostgresServer().start(), FixedPortRedis().start(), []
    try:
        pg.createdb()
        port = free_port()
        # SITE_URL with nginx's port: the CSRF check trusts that origin (nginx sends Host
        # without the port, as on 443 in production).
        env = app_env(pg.url(), redis.url, work / "media", MFA_REQUIRED="0",
                      TRUSTED_PROXY_COUNT="1", DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
                      SITE_URL=f"https://127.0.0.1:{port}", LOG_LEVEL="WARNING")
        started = time.monotonic()
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        manage(env, "seed_demo", "--scale", "large", "--actions", str(args.actions), timeout=3600)
        manage(env, "dbshell", "--", "-c", "ANALYZE")
        print(f"stack seeded in {time.monotonic() - started:.0f} s", flush=True)
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
        for users in args.users:
            result = level(base, users, args.run_time, work)
            print(json.dumps({k: v for k, v in result.items() if k != "by_request"}), flush=True)
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
