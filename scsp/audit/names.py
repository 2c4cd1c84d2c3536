"""Record types in plain words, for the audit trail's pages: "Rapid Review", not
``reviews.RapidReview``. A model's own ``verbose_name``; names for things that are not a model
(a quarter's report) are registered by the app that logs them (:func:`register`)."""

from __future__ import annotations

from django.apps import apps

_names: dict[str, str] = {}


def register(label: str, name: str) -> None:
    _names[label] = name


def type_name(label: str) -> str:
    """The plain name of a record type given by its label."""
    if not label:
        return ""
    if label in _names:
        return str(_names[label])
    try:
        name = str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label
    return name[:1].upper() + name[1:]
