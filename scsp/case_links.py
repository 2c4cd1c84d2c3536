"""Links from a pseudonymised case reference to the record behind it, for pages that hold only
the reference (an audit's sample of cases).

The app that owns such records registers a finder at app-ready time (reviews registers its
cases), the way higher apps add home-page panels (:mod:`scsp.dashboard`): the core and the
apps that ask never import it. A finder takes the user and a list of references and returns
``{reference: url}`` for the records that user may see; with no finder, nothing is linked."""

from __future__ import annotations

from collections.abc import Callable, Iterable

Finder = Callable[[object, list[str]], dict[str, str]]
_finders: list[Finder] = []


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
