"""The persona x URL matrix.

Every named URL has a :class:`Row` in one of the ``rows_<app>.py`` modules beside this file,
with the status each persona gets for a GET. ``tests/test_url_matrix.py`` fails when a URL has
no row, so a new page cannot ship without saying who may see it.

Statuses: 200 page, 302 redirect (anonymous -> sign-in), 403 visible but not allowed,
404 outside the user's scope.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = ("anonymous", "coordinator", "chair", "scrutineer", "wmp_lead", "wmp_officer",
            "health_officer")


def statuses(default: int = 200, *, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    """Expected GET statuses for every persona: ``default`` unless overridden."""
    result = {p: default for p in PERSONAS}
    result["anonymous"] = anonymous
    for persona, status in overrides.items():
        if persona not in result:
            raise KeyError(persona)
        result[persona] = status
    return result


def only(*allowed: str, denied: int = 403, anonymous: int = 302) -> dict[str, int]:
    """200 for the named personas, ``denied`` for the other signed-in ones."""
    result = {p: denied for p in PERSONAS}
    result["anonymous"] = anonymous
    for persona in allowed:
        result[persona] = 200
    return result


PUBLIC = {p: 200 for p in PERSONAS}


@dataclass(frozen=True)
class Row:
    url_name: str
    expected: dict[str, int]
    kwargs: Callable[[dict], dict] | None = None
    query: str = ""
    note: str = ""
    extra_ok: tuple[int, ...] = field(default_factory=tuple)


def row_modules() -> list:
    """The ``rows_<app>.py`` modules beside this file."""
    return [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)
            if m.name.startswith("rows_")]


def build_world(personas: dict) -> dict:
    """The objects the rows need: every ``rows_<app>.py`` module's ``build_world``."""
    world: dict = {}
    for module in row_modules():
        builder = getattr(module, "build_world", None)
        if builder:
            builder(world, personas)
    return world
