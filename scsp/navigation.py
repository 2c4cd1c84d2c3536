"""What each role can do: the navigation bar and the home page read one registry.

Apps add their entries in ``AppConfig.ready()`` so the core never imports a feature app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    description: str
    allowed: Callable[[object], bool]
    order: int = 100
    in_navbar: bool = True
    group: str = ""  # "" for the top bar; otherwise the name of a drop-down menu


_ENTRIES: list[Entry] = []


def register(entry: Entry) -> None:
    if all(e.url_name != entry.url_name for e in _ENTRIES):
        _ENTRIES.append(entry)
        _ENTRIES.sort(key=lambda e: (e.order, e.label))


def entries_for(user) -> list[dict]:
    """The entries ``user`` may use, with their URLs, in display order."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        {"label": e.label, "url": reverse(e.url_name), "description": e.description,
         "in_navbar": e.in_navbar, "url_name": e.url_name, "group": e.group}
        for e in _ENTRIES
        if e.allowed(user)
    ]
