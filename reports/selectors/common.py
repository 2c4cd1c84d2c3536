"""What every part of the reports reads: the RAG words, the role check, percentages."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from actions.models import RAG_RANK, Rag
from scsp.permissions import Ability, require

#: RAG values, the most worrying first (as the action pages order them).
RAG_ORDER = sorted(Rag.values, key=lambda r: RAG_RANK[r])
RAG_WORDS = {r.value: r.label.split(":")[0] for r in Rag}
THREE_MONTHS = relativedelta(months=3)


def _require_reader(user) -> None:
    require(user, Ability.READ_REPORTS, _("The partnership reports are for the business unit, "
                                          "the chair and the scrutineer."))


def percent(part: int, whole: int) -> int | None:
    """A whole-number percentage, or ``None`` when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None
