"""The impact register: one row per impact review of the actions a person may see (action,
themes, lead agency, sign-off date, review due, evidence kinds, rating, rationale), as CSV
and Excel. Scoped like every list (``ImpactReview.objects.visible_to``); every cell through
:func:`scsp.spreadsheets.safe_cell`. Three queries, whatever the number of rows."""

from __future__ import annotations

import csv
import io

from django.db.models import Prefetch
from django.http import HttpResponse
from openpyxl import Workbook

from actions.exports import _csv_text, _when
from actions.models import EvidenceKind, ImpactEvidence, ImpactReview, Rating
from scsp.models import Theme
from scsp.spreadsheets import safe_cell

HEADINGS = ["Action", "Title", "Learning themes", "Lead agency", "Signed off",
            "Impact review", "Review due", "Review status", "Evidence kinds", "Rating",
            "Rationale", "SLPR meeting", "What follows"]


def register_rows(user):
    """The register's reviews for ``user``, with what each row shows, by action and number."""
    return (ImpactReview.objects.visible_to(user)
            .select_related("action", "action__lead_agency", "rating",
                            "rating__follow_up_action")
            .prefetch_related(
                Prefetch("action__themes", queryset=Theme.objects.order_by("name")),
                Prefetch("evidence", queryset=ImpactEvidence.objects.only(
                    "id", "review_id", "kind").order_by("added_at", "id")))
            .order_by("action__reference", "number"))


def _what_follows(review) -> str:
    rating = getattr(review, "rating", None)
    if rating is None:
        return review.not_needed_reason if review.status == "not_needed" else ""
    if rating.follow_up_action_id:
        return f"Follow-up action {rating.follow_up_action.reference}: {rating.consequence_reason}"
    if rating.consequence == "reopen_plan":
        return f"Plan reopened: {rating.consequence_reason}"
    if rating.consequence == "next_review":
        return "Another impact review scheduled"
    return ""


def rows(reviews):
    kinds = {value: str(label) for value, label in EvidenceKind.choices}
    ratings = {value: str(label) for value, label in Rating.choices}
    statuses = {value: str(label) for value, label in ImpactReview.Status.choices}
    for review in reviews:
        action = review.action
        rating = getattr(review, "rating", None)
        seen = list(dict.fromkeys(kinds[e.kind] for e in review.evidence.all()))
        yield [safe_cell(v) for v in (
            action.reference, action.title, "; ".join(t.name for t in action.themes.all()),
            action.lead_agency.short_name, _when(action.signed_off_at), review.number,
            review.due_on, statuses[review.status], "; ".join(seen),
            ratings[rating.rating] if rating else "", rating.rationale if rating else "",
            rating.meeting_date if rating else None, _what_follows(review))]


def csv_response(reviews, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    for row in rows(reviews):
        writer.writerow([_csv_text(v) for v in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(reviews, filename: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Impact register")
    sheet.freeze_panes = "A2"
    sheet.append(HEADINGS)
    for row in rows(reviews):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
