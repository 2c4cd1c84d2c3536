"""What a member of staff leads or owns, for a subject access request about them (the person's
page in People, and its CSV). The apps that own such records register a provider at start-up
(actions: the actions they lead and plans they own; audits: the audits they lead), as
:mod:`scsp.dashboard` does for home-page panels; the core never imports them. What they
changed and what they viewed or exported is the core's own audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class LedRecord:
    kind: str  # "Action", "Action plan", "Audit"
    reference: str
    title: str
    url: str = ""
    since: dt.date | None = None


Provider = Callable[[object], Iterable[LedRecord]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def led_by(person) -> list[LedRecord]:
    found: list[LedRecord] = []
    for provider in _providers:
        found.extend(provider(person))
    return found
