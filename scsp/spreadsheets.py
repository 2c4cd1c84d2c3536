"""The one guard against spreadsheet formula injection (OWASP "CSV injection"), used by every
CSV and XLSX writer in the product.

Text that a spreadsheet would run as a formula (starting ``= + - @``, a tab or a carriage
return) is prefixed with an apostrophe, so it shows as typed and never runs. Dates, numbers
and empty cells pass through unchanged, so spreadsheets can still sort and sum them.
"""

from __future__ import annotations

from django.utils.functional import Promise

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a spreadsheet may hold it: lazy translations become text, text that would
    run as a formula is neutralised, anything else is returned as it is."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_cell(value) -> str:
    """A CSV cell: :func:`safe_cell`, then text (``None`` is empty)."""
    value = safe_cell(value)
    return "" if value is None else str(value)
