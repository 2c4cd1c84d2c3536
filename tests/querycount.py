"""Query-count helpers: a page's queries must not grow with its rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url, data=None) -> tuple[int, object]:
    """GET ``url`` and return (number of queries, response)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(ctx.captured_queries), response


def assert_flat(client, url, make_rows, *, data=None, most: int = 15):
    """Make 1 row, count the queries; make 24 more, count again: the counts must be equal
    and at most ``most``. ``make_rows(n)`` creates n more rows. Returns both responses."""
    client.get(url, data or {})  # warm up: the first request after sign-in writes the session
    make_rows(1)
    small, first = queries_for(client, url, data)
    make_rows(24)
    large, second = queries_for(client, url, data)
    assert small == large, f"{url}: {small} queries for 1 row but {large} for 25"
    assert large <= most, f"{url}: {large} queries, expected at most {most}"
    return first, second
