"""The persona x POST walk's parts: what a POST URL expects (:class:`Post`), the fields a
browser would send from a page's form (:func:`form_fields`), and a picture of the whole
database to compare before and after (:func:`snapshot`, :func:`diff`).

``tests/test_post_matrix.py`` finds every URL that accepts POST from the URLconf and fails
when one has no :class:`Post` in a ``posts_<app>.py`` module beside this file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.db import connection

# --- what a POST URL expects -------------------------------------------------------------------

#: Fields a forger adds to an allowed POST (when the form has no field of that name). Their
#: values point at a stranger agency and person that no record uses, so a forged value that
#: lands anywhere is found: see ``FORGED_COLUMNS``.
FORGED_FIELDS = ("lead_agency", "status", "created_by", "is_staff", "role", "agency",
                 "signed_off_by", "version")


@dataclass(frozen=True)
class Post:
    """What one POST URL does for each persona.

    * ``allowed``: the personas the role table (plus scope) lets take the step. For them a
      valid POST (the page's own form as a browser sends it, with ``data`` on top, plus the
      forged fields) answers ``ok`` and changes the database exactly as ``writes`` permits,
      changing at least each model in ``changes``; ``check`` may assert the fields.
    * everyone else: the status of the URL's GET row in ``tests/matrix/rows_*.py`` (403, 404,
      or a redirect to sign-in for anonymous) unless ``denied`` says otherwise, and nothing
      in the database changes.
    * ``read_only``: nobody changes anything with it (a page that accepts POST as it accepts
      GET): every persona gets its GET row's status and the database stays as it was.

    ``ability`` ties the entry to the role table: every allowed persona's role has it
    (``tests/test_post_matrix.py`` checks), so the walk proves the table on every form.

    ``writes`` maps a model label ("actions.Action") to the fields an allowed POST may change
    on existing rows, with ``+`` where it may add rows and ``-`` where it may delete them.
    Historical rows (django-simple-history) of a model it writes are always allowed.

    ``prepare(world, user, client)`` is what the person's browser did first in the same
    session, for a step that comes after another (open an invitation link, begin a passkey
    ceremony, make new recovery codes): run for every persona (a forger can take the first
    step too), before the page is read and before the database is pictured; it returns values
    to send on top of ``data`` (e.g. the passkey's signed answer) or None. ``json``: the step
    is a script's JSON call, not a form: the values go as an ``application/json`` body (with
    ``form=False``).
    """

    url_name: str
    allowed: tuple[str, ...] = ()
    #: The role-table ability the step needs (None: anyone signed in, or nobody for a
    #: read-only page); the allowed personas must all have it.
    ability: str | None = None
    kwargs: Callable[[dict], dict] | None = None
    data: Callable[[dict, object], dict] | None = None
    #: Read the allowed persona's page first and send its form's fields (as a browser would).
    form: bool = True
    writes: dict[str, str] = field(default_factory=dict)
    changes: tuple[str, ...] | None = None
    check: Callable[[dict, object, object], None] | None = None
    ok: int = 302
    denied: dict[str, int] = field(default_factory=dict)
    read_only: bool = False
    files: Callable[[dict], dict] | None = None
    prepare: Callable[[dict, object, object], dict | None] | None = None
    json: bool = False
    note: str = ""

    @property
    def must_change(self) -> tuple[str, ...]:
        if self.changes is not None:
            return self.changes
        return tuple(self.writes)[:1]


# --- the form a browser would send -------------------------------------------------------------

class _FormParser(HTMLParser):
    """The POST forms of a page and what a browser sends from each, unchanged: text inputs
    and hidden fields with their values, a select's selected option (else its first),
    checked boxes and radios, textareas' text; no file inputs; the first named submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or
                                                                       "get").lower(),
                          "fields": [], "selects": {}, "submit": None}
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"].append((name, a.get("value", "on")))
            elif kind == "submit":
                if form["submit"] is None:
                    form["submit"] = (name, a.get("value", ""))
            elif kind not in ("file", "button", "reset", "image"):
                form["fields"].append((name, a.get("value", "")))
        elif tag == "select" and name and "disabled" not in a:
            self._select = name
            form["selects"][name] = {"multiple": "multiple" in a, "first": None, "chosen": []}
        elif tag == "option" and self._select:
            select = form["selects"][self._select]
            value = a.get("value", "")
            if select["first"] is None:
                select["first"] = value
            if "selected" in a:
                select["chosen"].append(value)
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = self._textarea[1]
            # A browser drops the one newline that follows <textarea>.
            self._form["fields"].append((self._textarea[0], text[1:] if text.startswith("\n")
                                         else text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def form_fields(html: str, path: str) -> dict[str, list[str]]:
    """What a browser sends when the page's POST form for ``path`` is submitted unchanged
    (the form whose action is empty or ``path``; the header's sign-out form is not it)."""
    parser = _FormParser()
    parser.feed(html)
    forms = [f for f in parser.forms
             if f["method"] == "post" and f["action"] in ("", path, "?")]
    assert forms, f"no POST form for {path} on the page"
    form = forms[0]
    data: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    for name, select in form["selects"].items():
        values = select["chosen"] or ([] if select["multiple"] or select["first"] is None
                                      else [select["first"]])
        if values:
            data.setdefault(name, []).extend(values)
    if form["submit"] and form["submit"][0]:
        data.setdefault(form["submit"][0], [form["submit"][1]])
    data.pop("csrfmiddlewaretoken", None)
    return data


# --- the whole database, before and after ------------------------------------------------------

#: Tables a request may write without changing anything the walk is about, with the reason.
EXCLUDED_TABLES = {
    "django_session": "signing in and out writes the session; it holds no domain record",
    "scsp_accessevent": (
        "the access log records views, downloads and exports (scsp.audit.record_access); a "
        "refused request may legitimately be logged, and it never changes a record"),
    "scsp_accesseventcase": "the access log's case links, written with its events",
    "scsp_refusalbucket": "refusals counted per minute before they join the access log",
    "scsp_chainhead": "the ends of the audit trail's hash chains, moved by every event",
    "scsp_changeevent": (
        "the change history's index: one row per historical row, which the walk already "
        "checks against `writes`"),
    "scsp_changeeventcase": "the change history index's case links",
    "scsp_loginfailure": (
        "failed sign-ins are recorded for lock-out (axes-style bookkeeping): a wrong password "
        "to the sign-in page adds one"),
}
#: Prefixes of bookkeeping tables other apps add (django-axes' attempts and logs).
EXCLUDED_PREFIXES = ("axes_",)


def _tables() -> dict[str, object]:
    """table name -> model, for every table the walk compares."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in EXCLUDED_TABLES or table.startswith(EXCLUDED_PREFIXES):
            continue
        if model._meta.managed or model._meta.auto_created:
            found[table] = model
    return found


def snapshot() -> dict[str, tuple[list[str], dict]]:
    """Every compared table: its columns and its rows by primary key."""
    state = {}
    with connection.cursor() as cursor:
        for table, model in _tables().items():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from models
            columns = [c[0] for c in cursor.description]
            key = columns.index(model._meta.pk.column)
            state[table] = (columns, {row[key]: row for row in cursor.fetchall()})
    return state


def digest(state) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row's values, per table."""
    return {table: (len(rows), hashlib.sha256(repr(sorted(rows.items(), key=repr)).encode())
                    .hexdigest()) for table, (_columns, rows) in state.items()}


@dataclass
class TableChange:
    inserted: list = field(default_factory=list)
    deleted: list = field(default_factory=list)
    #: pk -> {column: (before, after)}
    updated: dict = field(default_factory=dict)

    @property
    def columns(self) -> set[str]:
        return {column for cells in self.updated.values() for column in cells}


def diff(before, after) -> dict[str, TableChange]:
    """What changed, table by table (only the tables that changed)."""
    changes = {}
    for table, (columns, rows) in after.items():
        old = before[table][1]
        if old == rows:
            continue
        change = TableChange()
        change.inserted = [rows[pk] for pk in rows.keys() - old.keys()]
        change.deleted = [old[pk] for pk in old.keys() - rows.keys()]
        for pk in rows.keys() & old.keys():
            if rows[pk] != old[pk]:
                change.updated[pk] = {c: (o, n) for c, o, n in zip(columns, old[pk], rows[pk],
                                                                   strict=True) if o != n}
        changes[table] = change
    return changes
