"""Query-count helpers: a page's queries must not grow with its rows, and the pages compared
must really list the rows (a page that lost its rows would also keep its count flat)."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url, data=None) -> tuple[int, object]:
    """GET ``url`` and return (number of queries, response)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(ctx.captured_queries), response


def page_rows(response) -> int:
    """Rows on a paginated list page: the items of ``page_obj`` in its context."""
    return len(response.context["page_obj"].object_list)


def csv_rows(response) -> int:
    """Data rows of a CSV download (the heading row not counted)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(body.decode("utf-8-sig").strip().splitlines()) - 1


def assert_flat(client, url, make_rows, *, expect_rows: Callable[[object], int],
                data=None, most: int = 15):
    """Make 1 row, count the queries; make 24 more, count again: the counts must be equal
    and at most ``most``. ``make_rows(n)`` creates n more rows; ``expect_rows(response)`` says
    how many rows the page shows (e.g. :func:`page_rows`), which must be 1, then 25.
    Returns both responses."""
    client.get(url, data or {})  # warm up: the first request after sign-in writes the session
    make_rows(1)
    small, first = queries_for(client, url, data)
    assert expect_rows(first) == 1, f"{url}: {expect_rows(first)} rows shown after making 1"
    make_rows(24)
    large, second = queries_for(client, url, data)
    assert expect_rows(second) == 25, f"{url}: {expect_rows(second)} rows shown after making 25"
    assert small == large, f"{url}: {small} queries for 1 row but {large} for 25"
    assert large <= most, f"{url}: {large} queries, expected at most {most}"
    return first, second
