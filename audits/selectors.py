"""What audit pages and the audit report read. Every selector starts from ``visible_to(user)``
(directly, or through an audit the view already fetched with ``get_object_for_user``) and
reads in a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery

from actions.models import Action, Rag
from audits.models import (
    GRADE_ORDER,
    AgencyReturn,
    Answer,
    AnswerChoice,
    Audit,
    Grade,
    ModerationGrade,
    RagRating,
    StandardRating,
)
from scsp.case_links import links_for
from scsp.permissions import scoped

GRADE_LABELS = dict(Grade.choices)
RAG_LABELS = dict(Rag.choices)
SHORT_ANSWERS = {AnswerChoice.YES: "Yes", AnswerChoice.PARTLY: "Partly", AnswerChoice.NO: "No",
                 AnswerChoice.NOT_APPLICABLE: "Not applicable"}
RAG_WORDS = {RagRating.GREEN: "Green", RagRating.AMBER: "Amber", RagRating.RED: "Red"}


# --- lists -----------------------------------------------------------------------------------

def audit_list_for(user):
    """The multi-agency audits ``user`` may see, newest first, with participant counts and
    (for agency users) their own agency's return. One query, plus one for themes; filter it
    with ``audits.filters.AuditFilter``."""
    own = AgencyReturn.objects.filter(audit=OuterRef("pk"), agency_id=user.agency_id)
    return (
        scoped(Audit, user).exclude(kind=Audit.Kind.SINGLE_AGENCY)
        .select_related("lead", "lead__agency")
        .annotate(
            participant_count=Count("returns", distinct=True),
            submitted_count=Count("returns", filter=Q(returns__status="submitted"),
                                  distinct=True),
            own_return_status=Subquery(own.values("status")[:1]),
            own_return_id=Subquery(own.values("pk")[:1]),
        )
        .prefetch_related("themes")
        .order_by("-planned_start", "-id")
    )


def rota_for(user):
    """The single-agency audit rota ``user`` may see, in month order: one query. Filter it
    with ``audits.filters.RotaFilter``."""
    return (scoped(Audit, user).rota().select_related("agency", "lead")
            .order_by("month_due", "agency__name", "id"))


def rota_rows(slots, today: dt.date) -> list[dict]:
    """Each slot with its rota state and, for late ones, how late: for the table."""
    rows = []
    for slot in slots:
        state = slot.rota_state(today)
        rows.append({"audit": slot, "state": state, "months_late": slot.months_late(today),
                     "moved": bool(slot.original_month_due
                                   and slot.original_month_due != slot.month_due)})
    return rows


# --- one audit -------------------------------------------------------------------------------

def case_links(user, references) -> dict[str, str]:
    """Links to the records behind sampled case references that ``user`` may see, from the
    apps that registered with :mod:`scsp.case_links` (reviews links its cases); audits does
    not know those apps. At most one query per app, none without references."""
    return links_for(user, references)


def returns_for(audit: Audit):
    return audit.returns.select_related("agency", "submitted_by", "updated_by").order_by(
        "agency__name")


def own_return(audit: Audit, user) -> AgencyReturn | None:
    if getattr(user, "sees_everything", False):
        return None
    return audit.returns.filter(agency_id=user.agency_id).select_related("agency").first()


def plan_action_rows(user, audit: Audit, *, today: dt.date) -> list[dict]:
    """Every action in the audit's plan that ``user`` may see, with its RAG on ``today`` and
    its recommendation's number. One query."""
    if not audit.action_plan_id:
        return []
    actions = (scoped(Action, user).filter(plan_id=audit.action_plan_id)
               .select_related("lead_agency", "lead_officer", "recommendation")
               .order_by("number"))
    rows = []
    for action in actions:
        rag = action.rag(today)
        rows.append({"action": action, "rag": rag, "rag_label": RAG_LABELS.get(rag, rag),
                     "recommendation_number": (action.recommendation.number
                                               if action.recommendation else "")})
    return rows


def findings_for(user, audit: Audit, *, today: dt.date) -> list[dict]:
    """The audit's findings with the actions ``user`` may see under each, and each action's
    RAG on ``today``. Two queries."""
    by_recommendation = defaultdict(list)
    for row in plan_action_rows(user, audit, today=today):
        by_recommendation[row["action"].recommendation_id].append(row)
    return [{"finding": finding, "actions": by_recommendation.get(finding.recommendation_id, [])}
            for finding in audit.findings.select_related("agency", "question", "standard",
                                                         "recommendation").order_by("id")]


# --- results ---------------------------------------------------------------------------------

@dataclass
class GradeCell:
    """How often each grade was given (and how often the question did not apply)."""

    counts: Counter = field(default_factory=Counter)
    not_applicable: int = 0

    def add(self, grade: str, n: int = 1) -> None:
        if grade:
            self.counts[grade] += n

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def typical(self) -> str:
        """The most frequent grade; a tie goes to the worse grade, to stay cautious.
        Empty when nothing was graded."""
        if not self.counts:
            return ""
        return max(self.counts, key=lambda g: (self.counts[g], GRADE_ORDER[g]))

    @property
    def typical_label(self) -> str:
        return str(GRADE_LABELS.get(self.typical, ""))

    @property
    def items(self) -> list[tuple[str, str, int]]:
        """(grade, label, count) for the grades given, best first."""
        return [(g.value, str(g.label), self.counts[g.value]) for g in Grade
                if self.counts.get(g.value)]

    def as_text(self) -> str:
        parts = [f"{label} {n}" for _g, label, n in self.items]
        if self.not_applicable:
            parts.append(f"not applicable {self.not_applicable}")
        return ", ".join(parts) or "no answers"


@dataclass
class MacfaResults:
    """A MACFA's results: the agency x question matrix and a table per case."""

    returns: list
    questions: list
    cases: list
    cells: dict = field(default_factory=dict)          # (agency_id, question_id) -> GradeCell
    by_question: dict = field(default_factory=dict)    # question_id -> GradeCell
    by_agency: dict = field(default_factory=dict)      # agency_id -> GradeCell
    overall: GradeCell = field(default_factory=GradeCell)
    per_case: dict = field(default_factory=dict)       # case_id -> {(q_id, agency_id): answer}
    by_case: dict = field(default_factory=dict)        # case_id -> GradeCell
    agreed: dict = field(default_factory=dict)         # (case_id, question_id) -> grade

    @property
    def submitted(self) -> list:
        return [r for r in self.returns if r.is_submitted]

    @property
    def not_submitted(self) -> list:
        return [r for r in self.returns if not r.is_submitted]

    def matrix_rows(self) -> list[dict]:
        """One row per question, one cell per agency that submitted, and the question's
        total over those agencies."""
        submitted = self.submitted
        return [{"question": q,
                 "cells": [self.cells.get((r.agency_id, q.pk), GradeCell()) for r in submitted],
                 "total": self.by_question.get(q.pk, GradeCell())}
                for q in self.questions]

    def agency_totals(self) -> list[GradeCell]:
        """Each submitting agency's grades over every question and case."""
        return [self.by_agency.get(r.agency_id, GradeCell()) for r in self.submitted]

    def case_tables(self, links: dict[str, str] | None = None) -> list[dict]:
        links = links or {}
        submitted = self.submitted
        tables = []
        for case in self.cases:
            answers = self.per_case.get(case.pk, {})
            rows = []
            for q in self.questions:
                rows.append({
                    "question": q,
                    "cells": [{"agency": r.agency, "answer": answers.get((q.pk, r.agency_id))}
                              for r in submitted],
                    "agreed": self.agreed.get((case.pk, q.pk), ""),
                    "agreed_label": GRADE_LABELS.get(self.agreed.get((case.pk, q.pk), ""), ""),
                })
            tables.append({"case": case, "link": links.get(case.reference), "rows": rows,
                           "summary": self.by_case.get(case.pk, GradeCell()),
                           "agencies": [r.agency for r in submitted]})
        return tables


def macfa_results(audit: Audit, *, with_narrative: bool = False) -> MacfaResults:
    """Compute a MACFA's results from its submitted returns: six queries, whatever the number
    of agencies, cases and questions (no query per cell). Drafts never count."""
    results = MacfaResults(
        returns=list(returns_for(audit)),
        questions=list(audit.questions.order_by("number")),
        cases=list(audit.cases.order_by("reference")),
    )
    submitted = Answer.objects.filter(agency_return__audit=audit,
                                      agency_return__status=AgencyReturn.Status.SUBMITTED)
    counts = (submitted.values("agency_return__agency_id", "question_id", "answer", "grade")
              .annotate(n=Count("id")).order_by())
    for row in counts:
        agency_id, question_id, n = row["agency_return__agency_id"], row["question_id"], row["n"]
        cell = results.cells.setdefault((agency_id, question_id), GradeCell())
        per_q = results.by_question.setdefault(question_id, GradeCell())
        per_a = results.by_agency.setdefault(agency_id, GradeCell())
        for target in (cell, per_q, per_a, results.overall):
            if row["answer"] == AnswerChoice.NOT_APPLICABLE:
                target.not_applicable += n
            else:
                target.add(row["grade"], n)
    fields = ["case_id", "question_id", "agency_return__agency_id", "answer", "grade"]
    if with_narrative:
        fields.append("narrative")
    answer_labels = SHORT_ANSWERS
    for row in submitted.values(*fields).order_by():
        row["answer_label"] = answer_labels.get(row["answer"], "")
        row["grade_label"] = GRADE_LABELS.get(row["grade"], "")
        case_id = row["case_id"]
        results.per_case.setdefault(case_id, {})[
            (row["question_id"], row["agency_return__agency_id"])] = row
        summary = results.by_case.setdefault(case_id, GradeCell())
        if row["answer"] == AnswerChoice.NOT_APPLICABLE:
            summary.not_applicable += 1
        else:
            summary.add(row["grade"])
    for grade in ModerationGrade.objects.filter(case__audit=audit).values(
            "case_id", "question_id", "grade"):
        results.agreed[(grade["case_id"], grade["question_id"])] = grade["grade"]
    return results


@dataclass
class StandardsResults:
    """A Section 11 / 175 round's results: agency x standard RAG and counts per standard."""

    returns: list
    standards: list
    ratings: dict = field(default_factory=dict)        # (agency_id, standard_id) -> row
    per_standard: dict = field(default_factory=dict)   # standard_id -> Counter(rag)
    overall: Counter = field(default_factory=Counter)

    @property
    def submitted(self) -> list:
        return [r for r in self.returns if r.is_submitted]

    def matrix_rows(self) -> list[dict]:
        return [{"agency_return": r, "agency": r.agency, "submitted": r.is_submitted,
                 "cells": [self.ratings.get((r.agency_id, s.pk)) for s in self.standards],
                 "agreed_label": GRADE_LABELS.get(r.agreed_grade, "")}
                for r in self.returns]

    def standard_totals(self) -> list[dict]:
        return [{"standard": s, "green": self.per_standard.get(s.pk, Counter())["green"],
                 "amber": self.per_standard.get(s.pk, Counter())["amber"],
                 "red": self.per_standard.get(s.pk, Counter())["red"]}
                for s in self.standards]

    def agreed_grade_counts(self) -> list[tuple[str, int]]:
        counts = Counter(r.agreed_grade for r in self.returns if r.agreed_grade)
        return [(str(g.label), counts[g.value]) for g in Grade if counts.get(g.value)]


def standards_results(audit: Audit, *, with_evidence: bool = False) -> StandardsResults:
    """Compute a Section 11 / 175 round's results from submitted self-assessments: four
    queries whatever the number of agencies and standards."""
    results = StandardsResults(returns=list(returns_for(audit)),
                               standards=list(audit.standards.order_by("number")))
    submitted = StandardRating.objects.filter(
        agency_return__audit=audit, agency_return__status=AgencyReturn.Status.SUBMITTED)
    fields = ["agency_return__agency_id", "standard_id", "rag"]
    if with_evidence:
        fields += ["evidence", "improvement"]
    for row in submitted.values(*fields).order_by():
        row["rag_word"] = RAG_WORDS.get(row["rag"], "")
        results.ratings[(row["agency_return__agency_id"], row["standard_id"])] = row
    for row in submitted.values("standard_id", "rag").annotate(n=Count("id")).order_by():
        results.per_standard.setdefault(row["standard_id"], Counter())[row["rag"]] += row["n"]
        results.overall[row["rag"]] += row["n"]
    return results


def return_answers(agency_return: AgencyReturn) -> list[dict]:
    """One MACFA return, case by case and question by question (three queries)."""
    audit = agency_return.audit
    questions = list(audit.questions.order_by("number"))
    answers = {(a.case_id, a.question_id): a for a in agency_return.answers.all()}
    sections = []
    for case in audit.cases.order_by("reference"):
        rows = [{"question": q, "answer": answers.get((case.pk, q.pk))} for q in questions]
        done = sum(1 for row in rows if row["answer"] is not None and row["answer"].is_complete)
        sections.append({"case": case, "rows": rows, "done": done, "total": len(rows)})
    return sections


def return_ratings(agency_return: AgencyReturn) -> list[dict]:
    """One self-assessment, standard by standard (two queries)."""
    ratings = {r.standard_id: r for r in agency_return.ratings.all()}
    return [{"standard": s, "rating": ratings.get(s.pk)}
            for s in agency_return.audit.standards.order_by("number")]


def audit_detail_for(user, audit: Audit, *, today: dt.date) -> dict:
    """Everything the audit page shows, read in a fixed number of queries."""
    returns = list(returns_for(audit))
    mine = None if getattr(user, "sees_everything", False) else next(
        (r for r in returns if r.agency_id == user.agency_id), None)
    visible_return_ids = set(scoped(AgencyReturn, user).filter(audit=audit)
                             .values_list("pk", flat=True))
    cases = list(audit.cases.order_by("reference")) if audit.is_macfa else []
    links = case_links(user, [c.reference for c in cases])
    return {
        "returns": [{"agency_return": r, "visible": r.pk in visible_return_ids}
                    for r in returns],
        "submitted_count": sum(1 for r in returns if r.is_submitted),
        "own_return": mine,
        "cases": [{"case": c, "link": links.get(c.reference)} for c in cases],
        "tool_items": (list(audit.questions.order_by("number")) if audit.is_macfa else
                       list(audit.standards.order_by("number")) if audit.uses_standards
                       else []),
        "findings": findings_for(user, audit, today=today),
        "themes": list(audit.themes.all()),
    }


def find_reference(user, reference: str) -> str | None:
    """An audit with exactly ``reference`` that ``user`` may see (for :mod:`scsp.find`); or,
    when no audit has it now, the audit that had it before being renumbered into another
    year (``audits.services.audit_renumber_for_year``; its history keeps the old one), if
    ``user`` may see that audit. Three queries at most."""
    from django.urls import reverse

    visible = Audit.objects.visible_to(user)
    audit = visible.filter(reference__iexact=reference).values_list("pk", flat=True).first()
    if audit is None:
        before = (Audit.history.filter(reference__iexact=reference).order_by("-history_date")
                  .values_list("id", flat=True).first())
        if before is not None:
            audit = visible.filter(pk=before).values_list("pk", flat=True).first()
    return reverse("audits:audit_detail", args=[audit]) if audit else None


def led_by(person):
    """The audits ``person`` leads, for a subject access request about them
    (``scsp.subject_access``)."""
    from django.utils.translation import gettext as _

    from scsp.subject_access import LedRecord

    for audit in Audit.objects.filter(lead=person).order_by("reference"):
        yield LedRecord(_("Audit"), audit.reference, audit.title, audit.get_absolute_url(),
                        audit.created_at.date())
