"""Hostile input to every URL pattern as every persona: never a 5xx (SECURITY.md checks 28, 29).

The URLconf is walked as ``tests/test_url_matrix.py`` walks it, and the matrix's world gives
each named URL valid arguments. Then:

* **Path**: each argument in turn is replaced by hostile values its converter admits (``int``:
  numbers past 32 and 64 bits; ``str``/``path``: a NUL byte, 10,000 characters, bad UTF-8,
  SQL, ``..``; ``slug``, ``uuid``, ``fy``: what their patterns allow), the others kept valid so
  the hostile one reaches the view's code.
* **Query**: every page gets the usual keys (page, sort, q, status, dates, ...) all at once,
  each with another of the hostile values (every value sent to every page; which key gets
  which turns from page to page), and the fields of its own GET forms and links (found by
  reading the page as someone who may see it: the list filters): all of them at once with each
  hostile value, each field alone with one value (the values taken in turn, so over the pages
  every value is sent alone to every kind of field), and all of them repeated.
* **POST**: the co-ordinator (who may post everywhere) posts to every URL: all fields of the
  forms that post there set to a hostile value (four of them in turn), then each field alone
  hostile with the rest as the page filled them, multipart and URL-encoded in turn.

Who sends them: the persona who may see the page (the co-ordinator first; the co-ordinator
for a URL nobody may GET) sends every request, so every hostile value reaches the view's own
code (its form, its filters, its lookups). Each other persona sends one of the requests, taken
in turn: a refusal (sign-in, 403, 404) is decided by the same lookup and permission check for
every value, which the allowed persona's requests already run with every value, so one hostile
request per refused persona and URL shows the refusal holds too; the test checks that every
pattern was requested by every persona. Django's admin patterns get one
request per persona (none is staff, so the admin answers with its sign-in page before reading
any argument). A 400, 403, 404 or 405 is fine; a 5xx or an exception fails, listing each.

**FULL_WALK=1** (weekly, or CI when time allows) is the exhaustive walk: every request sent
by every persona; the usual keys all with one value, three times; each field alone with every
hostile value and alone repeated. It takes several times as long. The default walk keeps every
URL, every path argument with every value, every hostile value on every page and every field,
and drops only repetitions that reach the same code: a refused persona's second and later
hostile values, and a field's second and later values alone (each already sent to that field
with the other fields at once).
"""

from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from tests.conftest import PERSONAS
from tests.test_url_matrix import ROWS

ROW_BY_NAME = {row.url_name: row for row in ROWS}

# Raw (percent-encoded) values, as a client would put them in a URL.
NUL = "%00" + "a" * 40
LONG = "a" * 10_000
BAD_UTF8 = "%ff%fe"
SQL = quote("' OR 1=1--", safe="")
DOTDOT = ".."
HUGE = "9" * 30
PAST_64_BITS = "9223372036854775808"
PAST_32_BITS = "2147483648"

PATH_VALUES = {
    "int": [HUGE, PAST_64_BITS, PAST_32_BITS, "0"],
    "str": [NUL, LONG, BAD_UTF8, SQL, DOTDOT, "%2e%2e"],
    "path": [NUL, LONG, BAD_UTF8, SQL, "../../etc/passwd", "..%2F..%2F", DOTDOT],
    "slug": [LONG, "OR-1-1--", "_", "-"],
    "uuid": ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"],
    "fy": ["0000-01", "9999-00", "2026-99", "0001-02"],
}
QUERY_VALUES = [NUL, LONG, BAD_UTF8, SQL, quote("../../etc/passwd", safe=""), "2026-13-45",
                HUGE, "-1", ""]
GENERIC_KEYS = ["page", "sort", "q", "next", "status", "agency", "theme", "year", "quarter",
                "from", "to", "date", "format", "o", "p", "kind", "rag", "owner"]
POST_VALUES = [NUL, LONG, BAD_UTF8, SQL, quote("../../etc/passwd", safe=""), "2026-13-45",
               HUGE, "-1"]
GENERIC_POST_FIELDS = ["note", "version", "status", "reason", "text", "title", "date"]

#: FULL_WALK=1: every request as every persona, every query field alone with every value (see
#: the module's docstring). The default walk is the one CI runs.
FULL_WALK = os.environ.get("FULL_WALK") == "1"

LATER_ROW = re.compile(r"-[1-9][0-9]*-")
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


# --- the URLconf --------------------------------------------------------------------------------


def url_patterns(resolver=None, prefix=(), namespace=""):
    """(route parts, full name, pattern) for every pattern, named or not."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, (*prefix, pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield (*prefix, pattern.pattern), f"{namespace}{pattern.name or ''}", pattern


def route_of(parts) -> str | None:
    """The whole route (``actions/<int:pk>/``), or None when a part is a regular expression."""
    if not all(isinstance(p, RoutePattern) for p in parts):
        return None
    return "".join(str(p) for p in parts)


def fill(route: str, values: dict[str, str]) -> str:
    return "/" + PARAM.sub(lambda m: values[m.group("name")], route)


class Target:
    """One URL pattern with valid arguments, and the persona who may see its page."""

    def __init__(self, key, name, route, valid, url, reader):
        self.key, self.name, self.route = key, name, route
        self.valid, self.url, self.reader = valid, url, reader

    def path_variants(self):
        if self.route is None:
            return
        params = [(m.group("converter") or "str", m.group("name")) for m in
                  PARAM.finditer(self.route)]
        for converter, name in params:
            for value in PATH_VALUES.get(converter, PATH_VALUES["str"]):
                yield fill(self.route, {**self.valid, name: value})


def targets(world, admin_pk) -> list[Target]:
    found = []
    for parts, name, pattern in url_patterns():
        route = route_of(parts)
        row = ROW_BY_NAME.get(name)
        kwargs = row.kwargs(world) if row and row.kwargs else {}
        reader = None
        if row:
            reader = next((p for p in ("coordinator", *PERSONAS) if row.expected[p] == 200),
                          None)
        valid = {}
        if route is not None:
            converters = {k: v for part in parts for k, v in part.converters.items()}
            for param in PARAM.finditer(route):
                key = param.group("name")
                value = kwargs.get(key, admin_pk)
                valid[key] = quote(str(converters[key].to_url(value)), safe="")
            url = fill(route, valid)
        elif name == "admin:app_list":
            url = reverse(name, kwargs={"app_label": "scsp"})
        else:
            url = "/admin/no-such-page/"
        found.append(Target(name or str(pattern.pattern), name, route, valid, url, reader))
    return found


# --- reading pages for their fields ---------------------------------------------------------------


class FormReader(HTMLParser):
    """The GET fields (forms with method get, links with a query) and POST forms of a page."""

    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.get_keys: set[str] = set()
        self.post_forms: list[tuple[str, dict[str, str]]] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            action = attrs.get("action") or self.page_url
            self._form = (method, urlsplit(action).path or urlsplit(self.page_url).path, {})
        elif tag == "option" and self._form and self._select:
            fields = self._form[2]
            if "selected" in attrs or not fields.get(self._select):
                fields[self._select] = attrs.get("value") or ""
        elif tag in ("input", "select", "textarea", "button") and self._form and attrs.get("name"):
            name = attrs["name"]
            self._select = name if tag == "select" else None
            if name == "csrfmiddlewaretoken":
                return
            value = attrs.get("value") or ""
            if tag == "input" and attrs.get("type") in ("checkbox", "radio") \
                    and "checked" not in attrs and name in self._form[2]:
                return
            self._form[2].setdefault(name, value)
        elif tag == "a" and (attrs.get("href") or "").startswith("?"):
            self.get_keys.update(k for k, _ in parse_qsl(attrs["href"][1:],
                                                         keep_blank_values=True))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self._form:
            method, action, fields = self._form
            if method == "get":
                self.get_keys.update(fields)
            else:
                self.post_forms.append((action, fields))
            self._form = None


# --- the walk -------------------------------------------------------------------------------------


@pytest.fixture
def personas(matrix_world):
    return matrix_world["personas"]


@pytest.fixture
def world(matrix_world):
    """Built once for the module (``tests/conftest.py`` ``matrix_world``)."""
    return matrix_world["world"]


class Walk:
    def __init__(self, client_for, personas):
        self.client_for = client_for
        self.personas = personas
        self.failures: list[str] = []
        self.covered: set[tuple[str, str]] = set()
        self.count = 0

    def send(self, persona, plan):
        """Run ``plan`` [(target, method, url, data, content_type)] as ``persona``."""
        client = self.client_for(self.personas[persona])
        for target, method, url, data, content_type in plan:
            self.count += 1
            self.covered.add((target.key, persona))
            try:
                if method == "GET":
                    response = client.get(url)
                elif content_type:
                    response = client.post(url, data, content_type=content_type)
                else:
                    response = client.post(url, data)
                status = response.status_code
            except Exception as exc:  # noqa: BLE001 - every failure is reported, not the first
                status = f"exception {type(exc).__name__}: {str(exc)[:200]}"
            if not isinstance(status, int) or status >= 500:
                shown = url if len(url) < 160 else url[:150] + f"...({len(url)} chars)"
                body = "" if not data else f" data={str(data)[:120]}"
                self.failures.append(f"{persona} {method} {shown}{body}: {status}")
            if method == "POST" and target.name == "scsp:logout":
                client = self.client_for(self.personas[persona])

    def report(self):
        assert not self.failures, f"{len(self.failures)} requests answered 5xx:\n" + "\n".join(
            self.failures[:60])


def discover(client_for, personas, targets_):
    """Each page's GET keys, and the POST forms by the URL they post to."""
    get_keys: dict[str, set[str]] = defaultdict(set)
    post_fields: dict[str, dict[str, str]] = defaultdict(dict)
    by_reader = defaultdict(list)
    for target in targets_:
        if target.reader and target.route is not None:
            by_reader[target.reader].append(target)
    for reader, group in by_reader.items():
        client = client_for(personas[reader])
        for target in group:
            response = client.get(target.url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = FormReader(target.url)
            parser.feed(response.content.decode())
            get_keys[target.key] |= parser.get_keys
            for action, fields in parser.post_forms:
                for key, value in fields.items():
                    post_fields[action].setdefault(key, value)
    return get_keys, post_fields


def query_requests(target, keys, index) -> list[tuple]:
    """The query-string requests for ``target`` (see the module's docstring); ``keys`` are the
    fields of its own GET forms and links."""
    sep = "&" if "?" in target.url else "?"

    def get(query):
        return ("GET", f"{target.url}{sep}{query}", None, None)

    if FULL_WALK:
        requests = [get("&".join(f"{key}={value}" for key in GENERIC_KEYS))
                    for value in take(QUERY_VALUES, 3, index)]
        for i, key in enumerate(keys):
            requests += [get(f"{quote(key)}={value}") for value in QUERY_VALUES]
            other = QUERY_VALUES[i % len(QUERY_VALUES)]
            requests.append(get(f"{quote(key)}=1&{quote(key)}={other}&{quote(key)}=2"))
        return requests
    # The usual keys each with another value (every value sent, the keys' values turning
    # from page to page); the page's own fields all at once with each value, each alone with
    # one value (taken in turn over fields and pages), all of them repeated at once.
    requests = [get("&".join(f"{key}={value}" for key, value in
                             zip(GENERIC_KEYS, take(QUERY_VALUES, len(GENERIC_KEYS), index),
                                 strict=True)))]
    if keys:
        requests += [get("&".join(f"{quote(key)}={value}" for key in keys))
                     for value in QUERY_VALUES]
        requests += [get(f"{quote(key)}={take(QUERY_VALUES, 1, index + i)[0]}")
                     for i, key in enumerate(keys)]
        requests.append(get("&".join(
            f"{quote(key)}=1&{quote(key)}={QUERY_VALUES[i % len(QUERY_VALUES)]}&{quote(key)}=2"
            for i, key in enumerate(keys))))
    return requests


def assign(plans, target, requests, offset):
    """Who sends ``target``'s requests. FULL_WALK=1: every persona sends every one. Otherwise
    the persona who may see the page (the co-ordinator where nobody may: a page only posted
    to) sends them all, so every hostile value reaches the view's own code, and each other
    persona sends one of them (taken in turn): the refusal (sign-in, 403, 404) is reached
    with a hostile value too, and every pattern is requested by every persona."""
    if FULL_WALK:
        for persona in PERSONAS:
            plans[persona].extend((target, *request) for request in requests)
        return
    sender = target.reader or "coordinator"
    plans[sender].extend((target, *request) for request in requests)
    others = [p for p in PERSONAS if p != sender]
    for i, persona in enumerate(others):
        plans[persona].append((target, *requests[(offset + i) % len(requests)]))


def test_no_hostile_get_is_a_server_error(world, personas, client_for):
    started = time.monotonic()
    targets_ = targets(world, admin_pk=personas["coordinator"].pk)
    get_keys, _ = discover(client_for, personas, targets_)
    plans = defaultdict(list)
    for index, target in enumerate(targets_):
        requests = [("GET", url, None, None) for url in target.path_variants()]
        requests += query_requests(target, sorted(get_keys.get(target.key, ())), index)
        if target.name.startswith("admin:") or not target.name:
            # Django's admin answers every persona (none is staff) with its sign-in page
            # before it reads any argument: one request each, the values taken in turn.
            for i, persona in enumerate(PERSONAS):
                plans[persona].append((target, *requests[(index + i) % len(requests)]))
            continue
        assign(plans, target, requests, index)
    walk = Walk(client_for, personas)
    for persona in PERSONAS:
        walk.send(persona, plans[persona])
    missing = {(t.key, p) for t in targets_ for p in PERSONAS} - walk.covered
    assert not missing, f"pattern x persona not requested: {sorted(missing)[:20]}"
    walk.report()
    print(f"hostile GET ({'full' if FULL_WALK else 'default'} walk): {len(targets_)} patterns "
          f"x {len(PERSONAS)} personas, {walk.count} requests in {time.monotonic() - started:.1f} s")


def test_no_hostile_post_is_a_server_error(world, personas, client_for):
    started = time.monotonic()
    targets_ = [t for t in targets(world, admin_pk=personas["coordinator"].pk)
                if t.route is not None and not t.name.startswith("admin:")]
    _, post_fields = discover(client_for, personas, targets_)
    requests = []
    for target in targets_:
        fields = dict(post_fields.get(urlsplit(target.url).path, {}))
        if not fields:
            fields = {name: "" for name in GENERIC_POST_FIELDS}
        for i, value in enumerate(take(POST_VALUES, 4, len(requests))):
            data = {name: value for name in fields}
            requests.append((target, "POST", target.url, *encode(data, i)))
        # Each field alone; of a formset's rows, the first stands for the others.
        for i, name in enumerate(sorted(n for n in fields if not LATER_ROW.search(n))):
            data = {**fields, name: POST_VALUES[i % len(POST_VALUES)]}
            requests.append((target, "POST", target.url, *encode(data, i + 1)))
    walk = Walk(client_for, personas)
    walk.send("coordinator", requests)
    walk.report()
    print(f"hostile POST: {len(targets_)} URLs as the co-ordinator, {walk.count} requests in "
          f"{time.monotonic() - started:.1f} s")


def take(values, n, start):
    """``n`` of ``values`` from ``start`` on (wrapping): over many pages, every value is sent."""
    return [values[(start + i) % len(values)] for i in range(n)]


def encode(data: dict[str, str], i: int):
    """Alternately URL-encoded (the raw values as a browser would send them) and multipart."""
    if i % 2:
        return "&".join(f"{quote(k)}={v}" for k, v in data.items()), \
            "application/x-www-form-urlencoded"
    return {k: unquote(v) for k, v in data.items()}, None
