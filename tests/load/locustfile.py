"""The partnership's mix, for locust (``make loadtest``; tests/load/run.py starts the stack).

Each simulated person signs in: the password, then for the demo roles (who have the demo
authenticator) the second factor with the code the demo secret gives now. A code works once
per person and 30 s, so each demo role is one simulated person; the rest are the benchmark
partnership's people, who have no authenticator (the load stack runs with MFA_REQUIRED=0).
Then
works: their dashboard, lists with filters, action and case pages, and progress notes on their
own actions. People are the demo roles (``seed_demo``) and the benchmark partnership's officers
and leads (``seed_demo --scale large``); all share the demo password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from pathlib import Path

import urllib3
from locust import HttpUser, between, constant, events, task

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

PASSWORD = "learning-from-practice-2026"
DEMO_SECRET = "SCSPDEMOSCSPDEMOSCSPDEMOSCSPDEMO"  # demo/core.py, published in the README


def totp(secret: str = DEMO_SECRET, at: float | None = None) -> str:
    """RFC 6238: the 6-digit code an authenticator app shows for ``secret`` now."""
    key = base64.b32decode(secret)
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
DEMO = ["coordinator@scsp.example", "chair@scsp.example", "scrutineer@scsp.example",
        "lead.wmp@scsp.example", "officer.wmp@scsp.example", "lead.swbnhs@scsp.example",
        "officer.swbnhs@scsp.example", "lead.sct@scsp.example"]
BENCH = [f"officer-{a:02d}-{o:02d}@bench.example" for a in range(1, 50) for o in range(1, 9)]
BENCH += [f"lead-{a:02d}@bench.example" for a in range(1, 50)] + ["coordinator@bench.example"]
_people = itertools.cycle(DEMO + random.Random(17).sample(BENCH, len(BENCH)))
ACTION_LINK = re.compile(r'href="/actions/(\d+)/"')
CASE_LINK = re.compile(r'href="/reviews/cases/(\d+)/"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_FIELD = re.compile(r'name="version" value="(\d+)"')
FILTERS = ["/actions/agency/?status=in_progress", "/actions/agency/?rag=red",
           "/actions/mine/", "/actions/all/?status=not_started&sort=target_date",
           "/actions/plans/", "/reviews/cases/"]
#: Names of the requests a person makes once, signing in (reported apart from the steady mix).
SIGN_IN = ("sign-in page", "sign in", "second factor")
RAMP_OUT = os.environ.get("LOAD_RAMP_OUT")


def _figures(entry) -> dict:
    return {"requests": entry.num_requests, "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99)}


@events.spawning_complete.add_listener
def _steady_from_here(user_count, **kwargs):
    """Everyone has arrived: keep the ramp's figures (the sign-ins) for run.py, then start the
    steady-state figures afresh (what ``--reset-stats`` does, without losing the sign-ins)."""
    runner = _environment.runner
    if RAMP_OUT:
        stats = runner.stats
        Path(RAMP_OUT).write_text(json.dumps({
            "users": user_count, "aggregated": _figures(stats.total),
            "by_request": {name: _figures(entry) for (name, _method), entry in
                           stats.entries.items()},
            "failures": [{"name": f.name, "error": str(f.error), "occurrences": f.occurrences}
                         for f in stats.errors.values()]}, indent=1))
    runner.stats.reset_all()


_environment = None


@events.init.add_listener
def _keep_environment(environment, **kwargs):
    global _environment
    _environment = environment


#: Seconds a person spends on a page before the next ("1,3"); "0" for none, which measures the
#: stack's ceiling in requests a second rather than people.
WAIT = [float(x) for x in os.environ.get("LOAD_WAIT", "1,3").split(",")]


class Partner(HttpUser):
    wait_time = between(WAIT[0], WAIT[-1]) if WAIT != [0.0] else constant(0)

    def on_start(self):
        self.client.verify = False  # the load stack's own self-signed certificate
        self.client.trust_env = False  # REQUESTS_CA_BUNDLE would turn verification back on
        self.email = next(_people)
        page = self.client.get("/accounts/sign-in/", name="sign-in page")
        token = CSRF_FIELD.search(page.text).group(1)
        answer = self.client.post("/accounts/sign-in/", name="sign in",
                                  data={"csrfmiddlewaretoken": token, "username": self.email,
                                        "password": PASSWORD},
                                  headers={"Referer": self.host + "/accounts/sign-in/"})
        if "/accounts/check/" in answer.url:  # the second factor (the demo roles)
            check = CSRF_FIELD.search(answer.text).group(1)
            answer = self.client.post("/accounts/check/", name="second factor",
                                      data={"csrfmiddlewaretoken": check, "code": totp()},
                                      headers={"Referer": answer.url})
        with self.client.get("/", name="dashboard", catch_response=True) as home:
            if "/accounts/" in home.url:
                home.failure(f"{self.email} was not signed in ({answer.url})")
        # The lists this person's menu offers (a list they may not open is a 403, not a step a
        # real person takes).
        self.lists = [path for path in FILTERS + ["/actions/decisions/"]
                      if f'href="{path.split("?")[0]}"' in home.text]
        mine = self.client.get("/actions/mine/", name="/actions/mine/")
        self.actions = ACTION_LINK.findall(mine.text)[:10]
        cases = self.client.get("/reviews/cases/", name="/reviews/cases/")
        self.cases = CASE_LINK.findall(cases.text)[:10]

    @task(3)
    def dashboard(self):
        self.client.get("/", name="dashboard")

    @task(4)
    def list_with_filters(self):
        if not self.lists:
            return
        path = random.choice(self.lists)
        self.client.get(path, name=path.split("?")[0] + ("?filters" if "?" in path else ""))

    @task(3)
    def action_page(self):
        if self.actions:
            self.client.get(f"/actions/{random.choice(self.actions)}/", name="/actions/[id]/")

    @task(2)
    def case_page(self):
        if self.cases:
            self.client.get(f"/reviews/cases/{random.choice(self.cases)}/",
                            name="/reviews/cases/[id]/")

    @task(1)
    def progress_note(self):
        if not self.actions or "officer" not in self.email:
            return
        action = random.choice(self.actions)
        form = self.client.get(f"/actions/{action}/progress/", name="/actions/[id]/progress/ form")
        token, version = CSRF_FIELD.search(form.text), VERSION_FIELD.search(form.text)
        if form.status_code != 200 or not token or not version:
            return  # a finished action takes no notes
        self.client.post(f"/actions/{action}/progress/", name="/actions/[id]/progress/ note",
                         data={"csrfmiddlewaretoken": token.group(1), "version": version.group(1),
                               "note": "Load test: team briefed, audit booked.", "status": ""},
                         headers={"Referer": f"{self.host}/actions/{action}/progress/"})
