"""The import template's columns: one list, read by the template, its explanation sheet, the
import page and the checks, so they cannot disagree."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from actions.models import ActionStatus, OriginKind


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    required: str  # "yes", "no", or when it is needed, in words
    takes: str
    example: str
    #: Other headings real trackers use for the same column (compared normalised).
    aliases: tuple[str, ...] = ()
    is_date: bool = False
    #: Part of the plan, not of one action: the plan's rows must agree (or leave it blank).
    plan_level: bool = False


def _words(choices) -> str:
    return "; ".join(f"“{label}”" for _value, label in choices)


DATE_FORMS = _("A date: 31/03/2023 (day/month/year), 2023-03-31, or a date cell or serial "
               "number from Excel")

COLUMNS: tuple[Column, ...] = (
    Column("plan_ref", "Plan reference", _("yes"),
           _("Your own reference for the plan. Rows with the same plan reference make one "
             "plan; a later import matches the plan on it."),
           "RR-2022-03", aliases=("plan ref", "plan id", "plan no", "plan number"),
           plan_level=True),
    Column("plan_title", "Plan title", _("yes, on at least one row of the plan"),
           _("What the plan is about. The plan's other rows may leave it blank (or merge the "
             "cells), or repeat it exactly."),
           "Rapid Review: Child H, 2022", aliases=("plan", "plan name"), plan_level=True),
    Column("origin", "Origin", _("yes, on at least one row of the plan"),
           _("Where the plan came from, one of: ") + _words(OriginKind.choices),
           "Rapid Review", aliases=("source", "plan origin"), plan_level=True),
    Column("origin_ref", "Origin reference", _("no"),
           _("For example the case reference or the inspection date."), "SLPR-2022-004",
           aliases=("case reference", "review reference"), plan_level=True),
    Column("agreed_on", "Date plan agreed", _("no"),
           _("When the plan was agreed; its SCSP Reviews reference takes this year. Not in "
             "the future. ") + DATE_FORMS, "14/06/2022",
           aliases=("plan agreed", "date agreed", "agreed on"), is_date=True, plan_level=True),
    Column("recommendation", "Recommendation", _("no"),
           _("The recommendation or learning point the action answers. Rows of one plan with "
             "the same words share one recommendation."),
           "Partners involve fathers in assessments.",
           aliases=("recommendation or learning point", "learning point")),
    Column("action_ref", "Action reference", _("yes"),
           _("Your own reference for the action, unique within its plan. A later import "
             "matches the action on the plan and action references."),
           "1.2", aliases=("action ref", "action no", "action number", "action id")),
    Column("title", "Short title", _("no"),
           _("A few words for lists and reminders, at most 120 characters. No case details."),
           "Brief response officers"),
    Column("description", "Action", _("yes"), _("What will be done: be specific."),
           "Brief every response team on contacting fathers.",
           aliases=("action description", "specific action", "description")),
    Column("success_measure", "Success measure", _("yes"),
           _("How we will know it has worked: something measurable."),
           "Dip sample: fathers contacted in 8 of 10 cases.",
           aliases=("measure of success", "success measures")),
    Column("lead_agency", "Lead agency", _("yes"),
           _("The agency's name or short name as on the Agencies page."), "WMP",
           aliases=("agency",)),
    Column("lead_officer", "Lead officer", _("yes"),
           _("Their e-mail address or their full name as in SCSP Reviews; they must work "
             "for the lead agency. Where two people share a name, use the e-mail address."),
           "sam.jones@example.org", aliases=("officer", "owner", "action owner")),
    Column("target_date", "Target date", _("yes"),
           _("When the action is due (the current target). Past dates are allowed: the "
             "action is marked as entered after the event. ") + DATE_FORMS, "31/03/2023",
           aliases=("due date", "revised target date", "current target date"),
           is_date=True),
    Column("original_target_date", "Original target date", _("no"),
           _("The first target date agreed, if it has moved since; left blank, the target "
             "date. ") + DATE_FORMS, "31/12/2022", aliases=("original date",), is_date=True),
    Column("status", "Status", _("no (blank: Not started)"),
           _("One of: ") + _words(ActionStatus.choices), "In progress",
           aliases=("action status",)),
    Column("completed_on", "Completed on", _("for completed or signed-off actions"),
           _("When it was completed; not in the future. ") + DATE_FORMS, "15/03/2023",
           aliases=("date completed", "completion date"), is_date=True),
    Column("completion_evidence", "Evidence of completion",
           _("for completed or signed-off actions"), _("What shows it was done."),
           "Briefing register: 42 of 42 officers.", aliases=("evidence", "completion evidence")),
    Column("signed_off_by", "Signed off by", _("for signed-off actions"),
           _("The co-ordinator or chair who signed it off: e-mail address or full name."),
           "chair@example.org"),
    Column("signed_off_on", "Signed off on", _("for signed-off actions"),
           _("When it was signed off; not before it was completed. The time is not known, "
             "so the record says the start of that day. ") + DATE_FORMS, "20/03/2023",
           aliases=("date signed off", "sign-off date"), is_date=True),
    Column("closed_reason", "Reason for closing", _("for “Closed, not completed”"),
           _("Why it was closed without being completed."),
           "Superseded by the 2023 plan.", aliases=("closed reason", "reason closed")),
    Column("themes", "Learning themes", _("no"),
           _("Names of learning themes as in SCSP Reviews, separated by semicolons."),
           "Voice of the child; Fathers and male carers", aliases=("themes",)),
)

BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED_HEADINGS = ("plan_ref", "action_ref", "description", "success_measure",
                     "lead_agency", "lead_officer", "target_date")
HEADINGS = tuple(c.heading for c in COLUMNS)


def normalise_heading(text) -> str:
    """A heading as compared: lower case, single spaces, no "*", "(required)" and the like,
    no trailing colon."""
    text = re.sub(r"\((required|optional|mandatory)\)|\*", " ", str(text or "").lower())
    return " ".join(text.replace("\xa0", " ").split()).strip(" :")


_LOOKUP = {}
for _col in COLUMNS:
    for _name in (_col.heading, *_col.aliases):
        _LOOKUP.setdefault(normalise_heading(_name), _col.key)


def column_for(heading) -> str | None:
    """The key of the column a heading names, or None."""
    return _LOOKUP.get(normalise_heading(heading))
