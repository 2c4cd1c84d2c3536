"""Request IDs and the client address on every log line written while a request is handled.

:class:`scsp.middleware.RequestIdMiddleware` gives each request an ID (``X-Request-ID`` on the
response, "Reference: ..." on the error pages) and keeps it, with the client address, in a
context variable for the time the request is handled. :class:`RequestContextFilter`, attached to
the log handlers in ``settings.LOGGING``, copies both onto every record, so a person quoting the
reference on an error page leads straight to the log lines of their request, the security
log's refusals included. Outside a request (Celery, commands) both read ``-``.

Written here rather than taken from django-guid: we need the client address in the same
context and the same filter, and an incoming ID from our proxy is accepted only when it looks
like an ID (letters, digits and hyphens, 16 to 64 characters), not only when it is a UUID.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
#: What an incoming ID from the proxy may look like: a UUID (with or without hyphens), nginx's
#: 32-hex ``$request_id``, and the like. Anything else is replaced by our own.
ACCEPTED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{15,63}")
NONE = "-"

_context: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar(
    "scsp_request_context", default=(NONE, NONE))


def new_request_id() -> str:
    return str(uuid.uuid4())


def request_id_from(meta: dict) -> str:
    """The request's ID: the proxy's when it looks sane, otherwise a new UUID."""
    incoming = meta.get(META_KEY, "")
    if isinstance(incoming, str) and ACCEPTED_ID.fullmatch(incoming):
        return incoming
    return new_request_id()


def current_request_id() -> str:
    """The ID of the request being handled on this thread, or ``-``."""
    return _context.get()[0]


def bind(request_id: str, client: str | None) -> contextvars.Token:
    return _context.set((request_id, client or NONE))


def unbind(token: contextvars.Token) -> None:
    _context.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``client_ip`` to every record (``-`` outside a request). It never
    drops a record. Django's "Not Found" / "Bad Request" lines are written after the middleware
    has finished; they carry the request itself, which has its ID."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id, client = _context.get()
        request = getattr(record, "request", None)
        if request_id == NONE and request is not None and hasattr(request, "META"):
            from scsp.audit import client_ip

            request_id = getattr(request, "request_id", NONE)
            client = client_ip(request) or NONE
        if not hasattr(record, "request_id"):
            record.request_id = request_id
        if not hasattr(record, "client_ip"):
            record.client_ip = client
        return True


# --- the record a request is about, for its refusal (scsp.audit.refusals) --------------------

#: Set by ``scsp.audit.refusals.RefusalLogMiddleware`` for the time a request is handled: the
#: last record :func:`scsp.permissions.get_object_for_user` fetched or refused, as
#: ``(model label, primary key or None)``. A refusal records it (type and id, never content).
_record: contextvars.ContextVar[dict | None] = contextvars.ContextVar("scsp_request_record",
                                                                      default=None)


def begin_record_note() -> contextvars.Token:
    return _record.set({})


def end_record_note(token: contextvars.Token) -> dict:
    noted = _record.get() or {}
    _record.reset(token)
    return noted


def note_record(model_label: str, pk) -> None:
    """Remember which record the request is about (no-op outside a request)."""
    noted = _record.get()
    if noted is not None:
        noted["model_label"], noted["pk"] = model_label, pk
