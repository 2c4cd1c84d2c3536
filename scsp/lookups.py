"""Integer lookups that treat a number no column can hold as "no match" (SECURITY.md 28).

A number past 64 bits comes easily from a URL or a form (``/reviews/.../999...9/`` or a
drop-down's value edited by hand). Django already turns ``pk=`` and ``<``/``>`` on integer
columns into "no rows" when the value is out of the column's range, but not ``__in`` nor the
lookups on foreign keys (``review_id=``, ``agency__in=``, and ``ModelMultipleChoiceField``'s
own check), and SQLite's driver then raises ``OverflowError``: a 500. Such a value can never
match, so these lookups drop it (``__in``) or answer no rows (``exact``), as the database
would if it could compare. Registered by ``ScspConfig.ready()``, for every model.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.expressions import ColPairs
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _column_range(lookup, connection):
    """(min, max) of the integer column the lookup compares with, or (None, None)."""
    if isinstance(lookup.lhs, ColPairs):
        return None, None
    field = lookup.lhs.output_field
    path_infos = getattr(field, "path_infos", None)
    if path_infos:  # a relation: the column it points at
        field = path_infos[-1].target_fields[-1]
    try:
        return connection.ops.integer_field_range(field.get_internal_type())
    except (KeyError, AttributeError):
        return None, None


def _outside(value, low, high) -> bool:
    return isinstance(value, int) and (
        (low is not None and value < low) or (high is not None and value > high))


class _DropOutOfRange:
    """``__in``: leave out the values no row can have (none left: no rows)."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = _column_range(self, connection)
            self.rhs = [v for v in self.rhs if not _outside(v, low, high)]
        return super().process_rhs(compiler, connection)


class IntegerIn(_DropOutOfRange, In):
    pass


class SafeRelatedIn(_DropOutOfRange, RelatedIn):
    pass


class SafeRelatedExact(RelatedExact):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and _outside(self.rhs, *_column_range(self, connection)):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
    ForeignObject.register_lookup(SafeRelatedIn)
    ForeignObject.register_lookup(SafeRelatedExact)
