"""Home-page panels contributed by higher apps (reports adds each role's dashboard).

A provider takes the request and returns ``(template_name, context)`` or ``None``; the home
page renders each panel above the list of what the person can do. The core never imports the
apps that register here."""

from __future__ import annotations

from collections.abc import Callable

Provider = Callable[[object], tuple[str, dict] | None]
_providers: list[tuple[int, Provider]] = []


def register(provider: Provider, *, order: int = 50) -> None:
    """Add a panel; lower ``order`` comes first (the role's dashboard is 50), then the order
    of registration."""
    if provider not in [p for _o, p in _providers]:
        _providers.append((order, provider))
        _providers.sort(key=lambda item: item[0])


def panels_for(request) -> list[tuple[str, dict]]:
    panels = []
    for _order, provider in _providers:
        panel = provider(request)
        if panel is not None:
            panels.append(panel)
    return panels
