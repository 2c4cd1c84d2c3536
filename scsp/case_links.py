"""What the core knows about cases, which the reviews app owns: filled at start-up by the apps
that own the records, so the core never imports them (as :mod:`scsp.dashboard` does for
home-page panels).

* **Links** from a pseudonymised case reference to the record behind it, for pages that hold
  only the reference (an audit's sample of cases): a finder takes the user and a list of
  references and returns ``{reference: url}`` for the records that user may see
  (:func:`register`, :func:`links_for`).
* **Which case(s) a record concerns**, for the audit trail: a Rapid Review, its minutes, a
  practice review (a thematic one concerns each of its cases), a plan and its actions all
  know their case. A resolver per model label takes the record and returns
  ``[(case id, case reference), ...]`` (:func:`register_cases`, :func:`cases_of`); the access
  log and the change history store them when they write, so one filter finds everything about
  a case.
* **Finding cases by what a person types**: a case reference or a child's pseudonym
  (:func:`register_search`, :func:`find_cases`).
* **Legal holds**: the ids of the cases whose records the retention job must keep
  (:func:`register_holds`, :func:`held_case_ids`).

With nothing registered each answers "nothing".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.core.exceptions import ObjectDoesNotExist

log = logging.getLogger(__name__)

Finder = Callable[[object, list[str]], dict[str, str]]
CaseRef = tuple[int, str]
Resolver = Callable[[object], Iterable[CaseRef]]
_finders: list[Finder] = []
_resolvers: dict[str, Resolver] = {}
_searches: list[Callable[[str], Iterable[CaseRef]]] = []
_holds: list[Callable[[], Iterable[int]]] = []


def register(finder: Finder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def links_for(user, references: Iterable[str]) -> dict[str, str]:
    """``{reference: url}`` for the references a registered app has a record for that
    ``user`` may see (the first finder to link a reference wins). No query without
    references."""
    references = [r for r in references if r]
    links: dict[str, str] = {}
    if not references:
        return links
    for finder in _finders:
        for reference, url in finder(user, references).items():
            links.setdefault(reference, url)
    return links


# --- which case(s) a record concerns ------------------------------------------------------------

def register_cases(model_label: str, resolver: Resolver) -> None:
    """``resolver(record)`` returns the cases a record of ``model_label`` ("reviews.RapidReview")
    concerns."""
    _resolvers[model_label] = resolver


def cases_of(obj) -> list[CaseRef]:
    """The cases ``obj`` concerns, by reference; ``[]`` for a record about no case (or one
    whose owner is gone). Never raises for a missing related record: an access event or a
    change is written even when its case cannot be found."""
    if obj is None or not hasattr(obj, "_meta"):
        return []
    resolver = _resolvers.get(obj._meta.label)
    if resolver is None:
        return []
    try:
        found = {(int(pk), str(ref)) for pk, ref in resolver(obj) if pk is not None}
    except ObjectDoesNotExist:
        return []
    return sorted(found, key=lambda c: c[1])


def knows_cases_of(model_label: str) -> bool:
    return model_label in _resolvers


# --- cases by reference or child's pseudonym ----------------------------------------------------

def register_search(search: Callable[[str], Iterable[CaseRef]]) -> None:
    if search not in _searches:
        _searches.append(search)


def find_cases(text: str) -> list[CaseRef]:
    """The cases whose reference or a child's pseudonym is ``text`` (any case, no scope: for
    the audit trail's readers, who see everything)."""
    text = (text or "").strip()
    if not text:
        return []
    found: set[CaseRef] = set()
    for search in _searches:
        found.update(search(text))
    return sorted(found, key=lambda c: c[1])


# --- legal holds ----------------------------------------------------------------------------------

def register_holds(holds: Callable[[], Iterable[int]]) -> None:
    if holds not in _holds:
        _holds.append(holds)


def held_case_ids() -> set[int]:
    """The ids of the cases on legal hold: the retention job keeps every record about them."""
    held: set[int] = set()
    for holds in _holds:
        held.update(holds())
    return held
