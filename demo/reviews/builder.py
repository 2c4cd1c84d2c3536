"""The demo builder: the people, agencies and themes the demo cases use, and helpers that
make records through the services (so the demo obeys the same rules as people do)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actions import services as action_services
from actions.models import ActionStatus
from demo.core import demo_email
from reviews import services
from reviews.models import (
    Attendance,
    Case,
    IncidentType,
    Route,
)
from scsp.models import Agency, Theme, User
from scsp.workdays import calendar

D = dt.date


def _short(text: str) -> str:
    """A short title from an action's first words (no case detail is in the demo's actions)."""
    words = text.rstrip(".").split()
    short = " ".join(words[:6])
    return short if len(words) <= 6 else short + "…"


class Demo:
    """The people, agencies and themes the demo cases use, and small helpers."""

    def __init__(self, today: dt.date):
        self.today = today
        self.cal = calendar()
        self.coordinator = User.objects.get(email=demo_email("coordinator"))
        self.chair = User.objects.get(email=demo_email("chair"))
        self.agency = {a.short_name: a for a in Agency.objects.all()}
        self.theme = {t.name: t for t in Theme.objects.all()}
        self.made = []

    def person(self, short: str, kind: str = "lead") -> User:
        return User.objects.get(email=demo_email(f"{kind}.{short.lower()}"))

    def agencies(self, *shorts):
        return [self.agency[s] for s in shorts]

    def themes(self, *names):
        return [self.theme[n] for n in names]

    def at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    def wd(self, n: int) -> dt.date:
        """``n`` working days from the last working day on or before today (negative: before).
        Counting from a weekend day itself would put every live clock one working day further
        from its deadline than on a weekday, so the demo looks on Saturday as it did on Friday."""
        anchor = self.today
        if not self.cal.is_working_day(anchor):
            anchor = self.cal.add_working_days(anchor, -1)
        return self.cal.add_working_days(anchor, n)

    # --- building blocks -----------------------------------------------------------------------

    def case(self, reference, *, route, children, agencies, **fields):
        """Create the case unless its reference exists. Returns the case or ``None``."""
        if Case.objects.filter(reference=reference).exists():
            return None
        case = services.case_create(
            by=self.coordinator, route=route, today=self.today, cal=self.cal,
            reference=reference, agencies_involved=self.agencies(*agencies),
            children=children, **fields,
        )
        self.made.append(case.reference)
        return case

    def rapid_review(self, case, *, meeting, attendees, apologies=(), summaries=(), sections,
                     decision=None, local_route="", rationale="", sign_offs=(), sent=None,
                     response=None, response_on=None, comments=""):
        rr = case.rapid_review
        by, today = self.coordinator, self.today
        services.rr_update(by=by, rr=rr, today=today, meeting_date=meeting, **sections)
        people = [{"name": n, "role": r, "agency": self.agency[a],
                   "attendance": Attendance.ATTENDED} for n, r, a in attendees]
        people += [{"name": n, "role": r, "agency": self.agency[a],
                    "attendance": Attendance.APOLOGIES} for n, r, a in apologies]
        services.rr_set_attendees(by=by, rr=rr, attendees=people)
        services.rr_set_agency_summaries(by=by, rr=rr, today=today, summaries=[
            {"agency": self.agency[a], "requested_on": asked, "received_on": got}
            for a, asked, got in summaries])
        if decision:
            services.rr_decide(by=by, rr=rr, today=today, decision=decision,
                               local_route=local_route, rationale=rationale,
                               decided_on=meeting, cal=self.cal)
        for short, name, role, day in sign_offs:
            services.rr_record_sign_off(by=by, rr=rr, today=today, agency=self.agency[short],
                                        name=name, role=role, signed_on=day)
        if sent:
            services.rr_record_panel(by=by, rr=rr, today=today, sent_to_panel_on=sent,
                                     panel_response_on=response_on,
                                     panel_response=response or "", panel_comments=comments)
        rr.refresh_from_db()
        return rr

    def actions(self, add, specs, *, created):
        """Add actions with ``add(**kwargs)`` (a Rapid Review's or a plan's), then play their
        history: completed with evidence and signed off on the given dates."""
        made = []
        for spec in specs:
            agency = self.agency[spec["agency"]]
            owner = self.person(spec["agency"], spec.get("who", "lead"))
            action = add(description=spec["what"], success_measure=spec["measure"],
                         lead_agency=agency, lead_officer=owner, target_date=spec["by"],
                         today=created, title=spec.get("title") or _short(spec["what"]))
            done = spec.get("done")
            if done:
                action_services.action_record_progress(
                    by=owner, action=action, note=spec.get("note", "Completed."), today=done,
                    status=ActionStatus.AWAITING_SIGN_OFF,
                    completion_evidence=spec.get("evidence", "Evidence provided to the "
                                                 "business unit."), now=self.at(done))
                if spec.get("signed"):
                    action.refresh_from_db()
                    action_services.action_sign_off(
                        by=self.coordinator, action=action, note="Evidence seen.",
                        now=self.at(spec["signed"], 15))
            elif spec.get("progress"):
                day, note = spec["progress"]
                action_services.action_record_progress(
                    by=owner, action=action, note=note, today=day,
                    status=ActionStatus.IN_PROGRESS, now=self.at(day))
            made.append(action)
        return made

    def rr_actions(self, rr, specs, *, created):
        def add(**kw):
            kw.pop("today")
            return services.rr_add_action(by=self.coordinator, rr=rr, today=created, **kw)

        return self.actions(add, specs, created=created)

    def review_actions(self, review, recommendations, *, created):
        """Recommendations with their actions: ``[(text, themes, [action specs])]``."""
        for text, theme_names, specs in recommendations:
            rec = services.review_add_recommendation(
                by=self.coordinator, review=review, text=text, themes=self.themes(*theme_names))

            def add(rec=rec, **kw):
                return action_services.action_create(
                    by=self.coordinator, plan=review.action_plan, recommendation=rec,
                    themes=rec.themes.all(), **kw)

            self.actions(add, specs, created=created)

    def stages(self, review, done: dict, planned: dict | None = None, not_needed=()):
        """Record stage dates by stage name (or milestone key)."""
        planned = planned or {}
        rows = []
        for stage in review.stages.order_by("order", "id"):
            names = {stage.name, stage.key}
            actual = next((d for n, d in done.items() if n in names), None)
            plan = next((d for n, d in planned.items() if n in names), stage.planned_date)
            rows.append({"id": stage.pk, "name": stage.name, "planned_date": plan,
                         "actual_date": actual, "not_needed": bool(names & set(not_needed)),
                         "note": stage.note})
        services.review_set_stages(by=self.coordinator, review=review, today=self.today,
                                   stages=rows)
        review.refresh_from_db()

    def briefing(self, review, name, title):
        pdf = _tiny_pdf(title)
        services.review_upload_briefing(
            by=self.coordinator, review=review,
            upload=SimpleUploadedFile(name, pdf, content_type="application/pdf"))

    def referral(self, reference, *, pseudonym, referrer, received, incident, outline, reason,
                 agencies, decision, decided, rationale, themes=(), age_band="", sex="",
                 harms=("neglect",)):
        case = self.case(
            reference, route=Route.REFERRAL, referring_agency=self.agency[referrer],
            children=[{"pseudonym": pseudonym, "age_band": age_band, "sex": sex}],
            agencies=agencies, referral_received_on=received, incident_date=incident,
            incident_type=IncidentType.OTHER, case_outline=outline, referral_reason=reason,
            themes=self.themes(*themes), harm_categories=list(harms),
        )
        if case and decision:
            services.referral_decide(by=self.coordinator, case=case, today=self.today,
                                     decision=decision, rationale=rationale, decided_on=decided,
                                     cal=self.cal)
            case.refresh_from_db()
        return case


def _tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF with ``title`` on it (ASCII), standing in for a real briefing."""
    text = "".join(ch for ch in title if 32 <= ord(ch) < 127 and ch not in "()\\")
    stream = f"BT /F1 16 Tf 56 780 Td ({text}) Tj 0 -24 Td /F1 11 Tf " \
             "(OFFICIAL-SENSITIVE - demo learning briefing) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)
