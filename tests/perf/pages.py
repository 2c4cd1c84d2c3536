"""What the benchmark measures, shared by ``tests/perf/bench.py`` (timings at 1,000 and 20,000
actions) and ``tests/perf/test_query_counts.py`` (query counts at two small sizes).

Every item is a callable with no arguments; pages go through the Django test client signed in
as the person who would open them. The data must come from ``demo.bench.build``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from actions.models import OPEN_STATUSES, Action
from actions.reminders import is_weekly_summary_day, run_sweep
from demo import bench
from reports.quarters import Quarter
from reviews.models import RapidReview
from scsp.models import User
from scsp.workdays import calendar
from tests.mfa import Client

ROLES = {
    "coordinator": bench.COORDINATOR, "chair": bench.CHAIR,
    "scrutineer": bench.SCRUTINEER, "agency_lead": bench.AGENCY_LEAD,
    "agency_officer": bench.AGENCY_OFFICER,
}


@dataclass
class Item:
    key: str
    label: str
    run: object  # () -> result
    kind: str = "page"  # page | sweep | pdf | floor
    floor: str = ""  # key of the item this is compared with
    extra: dict = field(default_factory=dict)


class World:
    """The people, objects and signed-in clients the items use."""

    def __init__(self):
        self.today = timezone.localdate()
        self.users = {role: User.objects.get(email=email) for role, email in ROLES.items()}
        self.clients = {}
        for role, user in self.users.items():
            client = Client()
            client.force_login(user)
            self.clients[role] = client
        self.ten_updates = Action.objects.get(title="Bench action 1")
        self.rapid_review = (RapidReview.objects.filter(action_plan__isnull=False)
                             .select_related("case").order_by("pk").first())
        self.case = self.rapid_review.case
        self.child = self.case.children.order_by("position").first().pseudonym
        self.agency = self.users["agency_officer"].agency
        self.quarter = Quarter.containing(self.today).previous()
        cal = calendar()
        self.sweep_day = next(
            d for d in (self.today - dt.timedelta(days=k) for k in range(14))
            if cal.is_working_day(d) and is_weekly_summary_day(d, cal))
        self.sweep_cal = cal

    def get(self, role, url):
        def fetch():
            response = self.clients[role].get(url)
            if response.status_code != 200:
                raise AssertionError(f"{url} as {role}: HTTP {response.status_code}")
            return response
        return fetch

    # --- the reminder sweep ------------------------------------------------------------------

    def sweep_dry(self):
        return run_sweep(today=self.sweep_day, dry_run=True, cal=self.sweep_cal)

    def sweep_real(self):
        """A real sweep (locmem mail), rolled back afterwards so every run starts equal."""
        mail.outbox = []
        with transaction.atomic():
            result = run_sweep(today=self.sweep_day, cal=self.sweep_cal)
            transaction.set_rollback(True)
        result.messages = len(mail.outbox)
        return result

    # --- the quarterly report as PDF (what reports.services.export_generate draws) ----------

    def quarterly_pdf(self):
        from reports import selectors
        from scsp.pdf import render_pdf

        user, now = self.users["chair"], timezone.now()
        report = selectors.quarterly_report(user, self.quarter, today=self.today, now=now,
                                            cal=calendar())
        return render_pdf("reports/pdf/quarterly.html",
                          {"report": report, "title": f"Quarterly progress report: "
                                                      f"{self.quarter.label}",
                           "produced": now, "pdf": True})

    # --- SQL floors ---------------------------------------------------------------------------

    def _sql(self, where: str, order: str, params: list, rank: str = "0"):
        a, p, g, u = (Action._meta.db_table, "actions_actionplan", "scsp_agency",
                      User._meta.db_table)
        sql = (f"SELECT a.id, a.reference, a.title, a.target_date, a.status, p.reference, "
               f"g.short_name, u.full_name, {rank} AS rank FROM {a} a "
               f"JOIN {p} p ON p.id = a.plan_id JOIN {g} g ON g.id = a.lead_agency_id "
               f"JOIN {u} u ON u.id = a.lead_officer_id WHERE {where} ORDER BY {order} LIMIT 25")

        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return [row[0] for row in cursor.fetchall()]
        return run

    def overdue_floor(self):
        ops = connection.ops
        return self._sql("a.lead_agency_id = %s AND a.status IN (%s, %s, %s) "
                         "AND a.target_date < %s", "a.target_date, a.id",
                         [self.agency.pk, *OPEN_STATUSES, ops.adapt_datefield_value(self.today)])

    def open_floor(self):
        from actions.models import RAG_DUE_SOON, RAG_STALE_AFTER, end_of_day

        ops, today = connection.ops, self.today
        rank = ("CASE WHEN a.blocked OR a.target_date < %s THEN 0 WHEN a.at_risk THEN 1 "
                "WHEN a.target_date <= %s AND (a.last_update_at IS NULL "
                "OR a.last_update_at < %s) THEN 1 ELSE 2 END")
        params = [ops.adapt_datefield_value(today), ops.adapt_datefield_value(today + RAG_DUE_SOON),
                  ops.adapt_datetimefield_value(end_of_day(today) - RAG_STALE_AFTER),
                  *OPEN_STATUSES]
        return self._sql("a.status IN (%s, %s, %s)", "rank, a.target_date, a.id", params, rank)

    # --- the table ----------------------------------------------------------------------------

    def items(self) -> list[Item]:
        q = self.quarter
        quarterly = reverse("reports:quarterly", kwargs={"year": q.year, "quarter": q.number})
        minutes = reverse("reviews:rr_minutes_pdf", args=[self.rapid_review.pk])
        items = [
            Item("bare_page", "Any page's fixed cost: signed-in page without data",
                 self.get("agency_officer", reverse("scsp:accessibility"))),
            Item("overdue_agency", "Overdue actions, one agency (25 rows)",
                 self.get("agency_officer", reverse("actions:agency_actions") + "?overdue=on"),
                 floor="overdue_sql"),
            Item("overdue_sql", "  floor: hand-written SQL, same rows", self.overdue_floor(),
                 kind="floor"),
            Item("open_all", "All open actions, co-ordinator (25 rows)",
                 self.get("coordinator", reverse("actions:all_actions") + "?status=open"),
                 floor="open_sql"),
            Item("open_sql", "  floor: hand-written SQL, same rows", self.open_floor(),
                 kind="floor"),
            Item("action_page", "Action page with 10 updates",
                 self.get("coordinator", reverse("actions:action_detail",
                                                 args=[self.ten_updates.pk]))),
            Item("case_page", "Case page",
                 self.get("coordinator", reverse("reviews:case_detail", args=[self.case.pk]))),
            Item("rr_page", "Rapid Review page (agency summaries, combined chronology)",
                 self.get("coordinator", reverse("reviews:rr_detail",
                                                 args=[self.rapid_review.pk]))),
        ]
        for role in ROLES:
            items.append(Item(f"home_{role}", f"Dashboard: {role.replace('_', ' ')}",
                              self.get(role, reverse("scsp:home"))))
        items += [
            Item("sweep_dry", "Reminder sweep, dry run", self.sweep_dry, kind="sweep"),
            Item("sweep_real", "Reminder sweep, real (locmem mail)", self.sweep_real,
                 kind="sweep"),
            Item("quarterly_html", "Quarterly report (HTML page)", self.get("chair", quarterly)),
            Item("quarterly_pdf", "Quarterly report (PDF)", self.quarterly_pdf, kind="pdf",
                 floor="quarterly_pdf_floor"),
            Item("quarterly_pdf_floor", "  floor: WeasyPrint on the same HTML", None,
                 kind="floor"),
            Item("minutes_pdf", "Rapid Review minutes (PDF)", self.get("coordinator", minutes),
                 kind="pdf", floor="minutes_pdf_floor"),
            Item("minutes_pdf_floor", "  floor: WeasyPrint on the same HTML", None,
                 kind="floor"),
        ]
        return items + self.access_log_items()

    def access_log_items(self) -> list[Item]:
        """The access log as the scrutineer questions it (``ACCESS_LOG_ITEMS``)."""
        log = reverse("scsp:access_log")
        month = {"since": (self.today - dt.timedelta(days=30)).isoformat(),
                 "until": self.today.isoformat()}
        asks = {
            "access_log": ("Access log, first page (everything)", {}),
            "access_log_case": ("Access log, one case, last month",
                                {"case": self.case.reference, **month}),
            "access_log_minutes": ("Access log, one child's minutes viewed, last month",
                                   {"case": self.child, "kind": "view_minutes", **month}),
            "access_log_refused": ("Access log, refusals, last month",
                                   {"outcome": "refused", **month}),
            "access_log_person": ("Access log, one person, last month",
                                  {"person": self.users["agency_officer"].email, **month}),
            "access_log_type": ("Access log, Rapid Reviews, page 40",
                                {"record_type": "reviews.RapidReview", "page": 40}),
        }
        return [Item(key, label, self.get("scrutineer", f"{log}?{urlencode(query)}"))
                for key, (label, query) in asks.items()]


#: The access log items, each under ``MAX_ACCESS_LOG_SECONDS`` at 2 million events.
ACCESS_LOG_ITEMS = ("access_log", "access_log_case", "access_log_minutes", "access_log_refused",
                    "access_log_person", "access_log_type")


def list_ids(response) -> list[int]:
    return [a.pk for a in response.context["actions"]]
