"""The dry run: every row of an import file checked, nothing saved.

:func:`check_file` reads the file (:mod:`actions.imports.reader`), then for every row: the
values each column takes (dates in three forms, statuses in the app's words, agencies by name
or short name, officers by e-mail or full name, within the lead agency), the rules the
"Add an action" form applies (``actions.services.action_errors``, entered after the event, so
past target dates are allowed), duplicates within the file, and the plans and actions
imported before, matched on their external references:

* a row whose plan and action references are new **adds** the action (and its plan);
* a row imported before, unchanged since (its values' SHA-256, ``import_fingerprint``, is the
  same), is **already imported**: nothing changes, whatever happened to the action since in
  SCSP Reviews (its record there is the one kept up to date);
* a row imported before that has **changed** in the file is an error (a conflict): the file
  does not overwrite a record people have since worked on. Change the record in SCSP Reviews
  (its history is kept), or put the row back as it was.

Every problem names its row and column in plain words. Any error blocks the whole import.
The directory, themes and earlier imports are read once for the file (a fixed number of
queries whatever its length).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.imports import reader
from actions.imports.columns import BY_KEY, COLUMNS
from actions.imports.values import (
    BadValue,
    Directory,
    choice,
    fingerprint,
    key,
    long_text,
    parse_date,
    text,
)
from actions.models import Action, ActionPlan, ActionStatus, OriginKind
from scsp.permissions import Ability, may
from scsp.privacy import find_identifiers

ADD, UNCHANGED, ERROR, BLANK = "add", "unchanged", "error", "blank"
ACTION_COLUMNS = [c.key for c in COLUMNS if not c.plan_level]
PLAN_COLUMNS = [c.key for c in COLUMNS if c.plan_level and c.key != "plan_ref"]
COMPLETED = (ActionStatus.AWAITING_SIGN_OFF, ActionStatus.SIGNED_OFF)


@dataclass
class Problem:
    column: str  # a column key, or "" for the row as a whole
    message: str
    letter: str = ""

    @property
    def heading(self) -> str:
        return BY_KEY[self.column].heading if self.column else ""

    def where(self, row: int) -> str:
        if not self.column:
            return _("Row %(row)s") % {"row": row}
        return _("Row %(row)s, %(heading)s (column %(letter)s)") % {
            "row": row, "heading": self.heading, "letter": self.letter or "?"}


@dataclass
class RowResult:
    number: int
    outcome: str = ADD
    plan_ref: str = ""
    action_ref: str = ""
    problems: list[Problem] = field(default_factory=list)
    #: parsed values by column key (text normalised, dates as dates, records resolved)
    values: dict = field(default_factory=dict)
    existing_action: Action | None = None
    fingerprint: str = ""

    @property
    def summary(self) -> str:
        if self.outcome == BLANK:
            return _("Blank row: skipped.")
        if self.outcome == UNCHANGED:
            return _("Already imported as %(ref)s; nothing changes.") % {
                "ref": self.existing_action.reference}
        if self.outcome == ADD:
            return _("Adds action %(action)s to plan %(plan)s.") % {
                "action": self.action_ref, "plan": self.plan_ref}
        return _("Not imported: correct the file.")


@dataclass
class PlanGroup:
    """The rows of one plan reference: its plan-level values and where each came from."""

    ref: str
    first_row: int
    values: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    existing: ActionPlan | None = None
    fingerprint: str = ""
    rows: list[RowResult] = field(default_factory=list)


@dataclass
class Report:
    file_problems: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    plans: dict[str, PlanGroup] = field(default_factory=dict)
    columns: dict = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    sheet: str = ""

    @property
    def errors(self) -> list[tuple[int, Problem]]:
        return [(r.number, p) for r in self.rows for p in r.problems]

    @property
    def ok(self) -> bool:
        return not self.file_problems and not self.errors and bool(self.to_add)

    @property
    def to_add(self) -> list[RowResult]:
        return [r for r in self.rows if r.outcome == ADD]

    @property
    def unchanged(self) -> list[RowResult]:
        return [r for r in self.rows if r.outcome == UNCHANGED]

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.outcome == ERROR]

    @property
    def new_plans(self) -> list[PlanGroup]:
        return [g for g in self.plans.values() if g.existing is None and any(
            r.outcome == ADD for r in g.rows)]

    def digest(self, sha256: str) -> str:
        """What an import of this check would do, as a SHA-256 (with the file's): the import
        refuses when a fresh check inside its transaction gives another."""
        shape = [sha256, [(r.number, r.outcome, r.plan_ref, r.action_ref, r.fingerprint)
                          for r in self.rows],
                 sorted((g.ref, g.existing.pk if g.existing else None) for g in
                        self.plans.values())]
        return hashlib.sha256(json.dumps(shape, default=str).encode()).hexdigest()


# --- the rows ---------------------------------------------------------------------------------

#: Free text that reaches pages, PDFs and e-mails: checked for identifiers as the forms do
#: (``scsp.privacy``); a file cannot tick "it is not one", so a match is a problem to correct.
FREE_TEXT = ("plan_title", "origin_ref", "recommendation", "title", "description",
             "success_measure", "completion_evidence", "closed_reason")
LIMITS = {"plan_ref": 60, "action_ref": 60, "plan_title": 200, "origin_ref": 60, "title": 120}
REQUIRED_WORDS = {
    "plan_ref": gettext_lazy("Give the plan reference: rows with the same one make one plan."),
    "action_ref": gettext_lazy("Give the action a reference, unique within its plan (for example 1.2)."),
    "lead_agency": gettext_lazy("Give the lead agency's name or short name."),
    "lead_officer": gettext_lazy("Give the lead officer's e-mail address or full name."),
    "target_date": gettext_lazy("Give the target date, for example 31/03/2023."),
}
#: What ``action_errors`` calls a field -> the column it is about.
FIELD_COLUMNS = {"description": "description", "success_measure": "success_measure",
                 "lead_agency": "lead_agency", "lead_officer": "lead_officer",
                 "target_date": "target_date", "themes": "themes", "recommendation":
                 "recommendation", "__all__": "plan_ref"}


def _parse_row(row, result, directory, epoch, today, letters):
    problems, values = result.problems, result.values

    def problem(column, message):
        problems.append(Problem(column, str(message), letters.get(column, "")))

    for column, cell in row.cells.items():
        if cell.formula:
            problem(column, _("This cell holds a formula, which is not read. Copy the column "
                              "and paste it back as values only, then upload the file again."))
            continue
        raw = cell.value
        try:
            values[column] = _parse(column, raw, directory, epoch, today, values)
        except BadValue as exc:
            problem(column, str(exc))
    for column, message in REQUIRED_WORDS.items():
        if column in letters and not values.get(column) and column not in {
                p.column for p in problems}:
            problem(column, message)
    for column, limit in LIMITS.items():
        if len(values.get(column) or "") > limit:
            problem(column, _("At most %(n)s characters; this has %(m)s.") % {
                "n": limit, "m": len(values[column])})
    for column in FREE_TEXT:
        found = find_identifiers(values.get(column) or "")
        if found:
            problem(column, _("This looks like it holds %(what)s. Children are never "
                              "identified in SCSP Reviews: use the case reference or "
                              "pseudonym, and remove it from the file.") % {
                "what": _(" and ").join(found)})
    failed = {p.column for p in problems}
    _status_rules(values, lambda column, message: column in failed or problem(column, message))
    result.plan_ref = values.get("plan_ref", "")
    result.action_ref = values.get("action_ref", "")


def _parse(column, raw, directory, epoch, today, values):
    col = BY_KEY[column]
    if col.is_date:
        day = parse_date(raw, epoch, today=today)
        if day and day > today and column in ("agreed_on", "completed_on", "signed_off_on"):
            raise BadValue(_("%(d)s is in the future; this date cannot be.") % {
                "d": day.strftime("%d/%m/%Y")})
        return day
    if column in ("description", "success_measure", "recommendation", "completion_evidence",
                  "closed_reason"):
        return long_text(raw)
    value = text(raw)
    if not value:
        return [] if column == "themes" else ""
    if column == "origin":
        found = choice(value, OriginKind.choices)
        if found is None:
            raise BadValue(_("“%(v)s” is not an origin we know. Use one of: %(words)s.") % {
                "v": value, "words": ", ".join(str(label) for _v, label in OriginKind.choices)})
        return found
    if column == "status":
        found = choice(value, ActionStatus.choices)
        if found is None:
            raise BadValue(_("“%(v)s” is not a status we know. Use one of: %(words)s.") % {
                "v": value, "words": "; ".join(f"“{label}”" for _v, label in
                                                ActionStatus.choices)})
        return found
    if column == "lead_agency":
        return directory.agency(value)
    if column == "lead_officer":
        return directory.person(value, values.get("lead_agency") or None,
                                what=_("lead officer"))
    if column == "signed_off_by":
        person = directory.person(value, what=_("person who signed it off"))
        if not may(person, Ability.SIGN_OFF_ACTIONS):
            raise BadValue(_("%(name)s does not sign actions off in SCSP Reviews (or can no "
                             "longer sign in): give the co-ordinator or chair who did.") % {
                "name": person.full_name})
        return person
    if column == "themes":
        return directory.theme_list(raw)
    return value


def _status_rules(values, problem):
    """The columns a status needs, and those it must not have. ``problem`` ignores a column
    already reported (an unreadable value is not also a missing one)."""
    status = values.get("status") or ActionStatus.NOT_STARTED
    values["status"] = status
    label = ActionStatus(status).label
    if status in COMPLETED:
        if not values.get("completed_on"):
            problem("completed_on", _("Give the date it was completed: the status is "
                                      "“%(s)s”.") % {"s": label})
        if not values.get("completion_evidence"):
            problem("completion_evidence", _("Say what shows it was done: the status is "
                                             "“%(s)s”.") % {"s": label})
    elif status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS) and values.get(
            "completed_on"):
        problem("completed_on", _("Only a completed action has a completion date; the status "
                                  "is “%(s)s”. Clear the date or change the status.") % {
            "s": label})
    if status == ActionStatus.SIGNED_OFF:
        if not values.get("signed_off_by"):
            problem("signed_off_by", _("Say who signed it off: the status is “Signed off”."))
        if not values.get("signed_off_on"):
            problem("signed_off_on", _("Give the date it was signed off: the status is "
                                       "“Signed off”."))
        elif values.get("completed_on") and values["signed_off_on"] < values["completed_on"]:
            problem("signed_off_on", _("It was signed off before it was completed (%(d)s). "
                                       "Check both dates.") % {
                "d": values["completed_on"].strftime("%d/%m/%Y")})
    else:
        for column in ("signed_off_by", "signed_off_on"):
            if values.get(column):
                problem(column, _("Only a signed-off action has this; the status is "
                                  "“%(s)s”. Clear it or change the status.") % {"s": label})
    if status == ActionStatus.CLOSED_NOT_COMPLETED and not values.get("closed_reason"):
        problem("closed_reason", _("Say why it was closed: the status is “Closed, not "
                                   "completed”."))


def _plan_values(group: PlanGroup, result: RowResult, letters) -> None:
    """Collect the plan-level values of one of its rows into ``group``: the first value
    given counts; a different one on a later row is an error on that row."""
    for column in PLAN_COLUMNS:
        if column not in letters or any(p.column == column for p in result.problems):
            continue
        value = result.values.get(column)
        if value in (None, ""):
            continue
        if column not in group.values:
            group.values[column], group.sources[column] = value, result.number
            continue
        first = group.values[column]
        same = key(first) == key(value) if isinstance(value, str) else first == value
        if not same:
            def shown(v, column=column):
                if isinstance(v, dt.date):
                    return v.strftime("%d/%m/%Y")
                return str(OriginKind(v).label) if column == "origin" else str(v)

            result.problems.append(Problem(column, _(
                "Plan %(plan)s has “%(first)s” here on row %(row)s but “%(this)s” on this row. "
                "Leave it blank on the plan's other rows, or make them the same.") % {
                "plan": group.ref, "first": shown(first), "row": group.sources[column],
                "this": shown(value)}, letters[column]))


def check_file(content: bytes, kind: str, *, by, today: dt.date) -> Report:
    """The dry run of importing ``content`` (an XLSX or CSV file) as ``by`` on ``today``:
    a :class:`Report` of every row. Saves nothing."""
    report = Report()
    try:
        sheet = reader.read(content, kind)
    except reader.FileProblem as exc:
        report.file_problems.append(str(exc))
        return report
    report.columns, report.ignored, report.sheet = sheet.columns, sheet.ignored, sheet.name
    letters = {k: letter for k, (letter, _h) in sheet.columns.items()}
    directory = Directory()
    for row in sheet.rows:
        result = RowResult(row.number)
        report.rows.append(result)
        if row.is_blank():
            result.outcome = BLANK
            continue
        _parse_row(row, result, directory, sheet.epoch, today, letters)
        if result.plan_ref:
            group = report.plans.setdefault(key(result.plan_ref),
                                            PlanGroup(result.plan_ref, row.number))
            group.rows.append(result)
            _plan_values(group, result, letters)
    if not any(r.outcome != BLANK for r in report.rows):
        report.file_problems.append(_("The file has headings but no rows of actions."))
        return report
    _match_existing(report, letters, by=by, today=today)
    for result in report.rows:
        if result.problems:
            result.outcome = ERROR
    return report


def _match_existing(report: Report, letters, *, by, today) -> None:
    existing = {p.ext: p for p in ActionPlan.objects.annotate(ext=Lower("external_reference"))
                .filter(ext__in=list(report.plans))}
    actions = {(a.plan_id, a.ext): a for a in Action.objects.annotate(
        ext=Lower("external_reference")).filter(plan__in=list(existing.values()))
        .exclude(external_reference="").select_related("plan")}
    seen = {}
    for plan_key, group in report.plans.items():
        group.existing = existing.get(plan_key)
        first = group.rows[0]
        for column, words in (("plan_title", _("Give the plan's title on at least one of its "
                                               "rows.")),
                              ("origin", _("Say where the plan came from on at least one of "
                                           "its rows."))):
            if column not in group.values and not any(p.column == column for r in group.rows
                                                      for p in r.problems):
                first.problems.append(Problem(column, words, letters.get(column, "")))
        group.fingerprint = fingerprint(group.values, PLAN_COLUMNS)
        plan = group.existing
        if plan is not None and plan.import_fingerprint and (
                plan.import_fingerprint != group.fingerprint):
            first.problems.append(Problem("plan_ref", _(
                "Plan %(ref)s was imported before (it is %(ours)s in SCSP Reviews) and its plan "
                "columns have changed in the file since. Change the plan in SCSP Reviews, "
                "where its history is kept, and put these cells back as they were.") % {
                "ref": group.ref, "ours": plan.reference}, letters["plan_ref"]))
        stand_in = plan or ActionPlan(status=ActionPlan.Status.ACTIVE)
        for result in group.rows:
            if not result.action_ref:
                continue
            ref_key = (plan_key, key(result.action_ref))
            if ref_key in seen:
                result.problems.append(Problem("action_ref", _(
                    "Action %(ref)s of plan %(plan)s is also on row %(row)s. Give each action "
                    "of a plan its own reference.") % {"ref": result.action_ref,
                                                       "plan": group.ref, "row": seen[ref_key]},
                    letters["action_ref"]))
                continue
            seen[ref_key] = result.number
            if result.problems:
                continue
            result.fingerprint = fingerprint(result.values, ACTION_COLUMNS)
            done = actions.get((plan.pk, key(result.action_ref))) if plan else None
            if done is not None:
                result.existing_action = done
                if done.import_fingerprint == result.fingerprint:
                    result.outcome = UNCHANGED
                else:
                    result.problems.append(Problem("action_ref", _(
                        "Action %(ref)s of plan %(plan)s was imported before (it is %(ours)s) "
                        "and this row has changed in the file since. Change the action in SCSP "
                        "Reviews, where its history is kept, and put this row back as it "
                        "was.") % {"ref": result.action_ref, "plan": group.ref,
                                   "ours": done.reference}, letters["action_ref"]))
                continue
            errors = _action_errors(stand_in, result.values, by=by, today=today)
            taken = {p.column for p in result.problems}
            for field_name, messages in errors.items():
                column = FIELD_COLUMNS.get(field_name, "")
                if column in taken:
                    continue
                for message in messages:
                    result.problems.append(Problem(column, str(message), letters.get(column, "")))


def _action_errors(plan, values, *, by, today) -> dict:
    # Imported here: the services import the models this module reads, not the other way.
    from actions.services import action_errors

    errors = action_errors(
        plan=plan, description=values.get("description", ""),
        success_measure=values.get("success_measure", ""),
        lead_agency=values.get("lead_agency") or None,
        lead_officer=values.get("lead_officer") or None,
        target_date=values.get("target_date"), today=today, themes=values.get("themes") or (),
        by=by, entered_after_event=True)
    return {k: (v if isinstance(v, list) else [v]) for k, v in errors.items()}
