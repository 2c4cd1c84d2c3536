"""Going straight to a record by its reference ("Find by reference" in the header).

The apps that own referenced records register a finder at app-ready time (actions: plans and
actions; reviews: cases and practice reviews; audits: audits), as :mod:`scsp.case_links` does:
the core never imports them. A finder takes the user and a reference (trimmed, upper case) and
returns the URL of the record with exactly that reference **that the user may see**, or
``None``. So the answer for a record outside the person's scope is the same as for one that
does not exist."""

from __future__ import annotations

from collections.abc import Callable

Finder = Callable[[object, str], str | None]
_finders: list[Finder] = []

#: Longest reference any record has (an action's: AP-LCSPR-2022-02-03 and the like).
MAX_LENGTH = 60


def register(finder: Finder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def normalise(text: str) -> str:
    """How people type references: spaces around, lower case, an en dash for a hyphen."""
    return (text or "").strip().upper().replace("\u2013", "-").replace(" ", "")[:MAX_LENGTH]


def find(user, text: str) -> str | None:
    """The URL of the record ``user`` may see whose reference is ``text``, or ``None``."""
    reference = normalise(text)
    if not reference:
        return None
    for finder in _finders:
        url = finder(user, reference)
        if url:
            return url
    return None
