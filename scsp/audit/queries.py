"""What the audit trail's pages ask of the database, kept cheap at millions of rows."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone


def distinct_values(model, column: str) -> list[str]:
    """The distinct non-empty values of an indexed ``column``, by a loose index scan: one
    index probe per value (a recursive query), not a scan of every row, so the record-type
    drop-down costs the same at 2 million events as at 20."""
    table = connection.ops.quote_name(model._meta.db_table)
    col = connection.ops.quote_name(model._meta.get_field(column).column)
    # Names from the model, quoted; no value is interpolated.
    sql = (f"WITH RECURSIVE t(v) AS (SELECT MIN({col}) FROM {table} "  # noqa: S608  # nosec B608
           f"UNION ALL SELECT (SELECT MIN({col}) FROM {table} WHERE {col} > t.v) FROM t "
           f"WHERE t.v IS NOT NULL) SELECT v FROM t WHERE v IS NOT NULL")
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [v for (v,) in cursor.fetchall() if v]


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the partnership's time zone (so a date filter is a
    range on the indexed timestamp, not a function of it)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
