"""The site language's translation without its empty fallback catalogues (``scsp.i18n``)
translates every message exactly as Django's own chain does, and has no empty catalogue left."""

import gettext

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

from scsp.i18n import _empty, drop_empty_fallbacks


def _chain(t) -> list:
    out = []
    while t is not None:
        out.append(t)
        t = getattr(t, "_fallback", None)
    return out


def test_the_sites_translation_has_no_empty_catalogue_left():
    chain = _chain(trans_real.translation(settings.LANGUAGE_CODE))
    assert not [c for c in chain if _empty(c)]
    fresh = _chain(trans_real.DjangoTranslation(settings.LANGUAGE_CODE))
    assert len([c for c in fresh if _empty(c)]) >= 1, "Django no longer chains empty catalogues"


def test_every_lookup_answers_as_before():
    """Django's chain as it builds it, against the same chain with the empty ones unlinked:
    every message of every catalogue in it, messages in none, plurals and contexts."""
    django_s = trans_real.DjangoTranslation(settings.LANGUAGE_CODE)
    ours = trans_real.DjangoTranslation(settings.LANGUAGE_CODE)
    assert drop_empty_fallbacks(ours) >= 1
    keys = set()
    for catalogue in _chain(django_s):
        entries = catalogue._catalog
        keys.update(entries.keys() if isinstance(entries, dict) else entries.keys())
    singular = {k for k in keys if isinstance(k, str)}
    plural = {k[0] for k in keys if isinstance(k, tuple)}
    assert len(singular) > 300 and plural  # Django's and the contrib apps' messages
    messages = singular | {"Rapid Review", "Not in any catalogue", "Date of the decision"}
    for message in messages:
        assert ours.gettext(message) == django_s.gettext(message), message
    for message in plural | {"%(n)s action", "Not in any catalogue"}:
        for n in (0, 1, 2, 5):
            assert ours.ngettext(message, message + "s", n) == django_s.ngettext(
                message, message + "s", n), (message, n)
    for context, message in (("month name", "May"), ("abbrev. month", "Sept."),
                              ("our context", "Not in any catalogue")):
        assert ours.pgettext(context, message) == django_s.pgettext(context, message)


def test_a_catalogue_with_messages_is_kept():
    first, full, empty = (gettext.GNUTranslations() for _ in range(3))
    for c, entries in ((first, {"": "header", "a": "A"}), (full, {"": "h", "b": "B"}),
                       (empty, {"": "h"})):
        c._catalog = entries
        c._fallback = None
        c.plural = lambda n: int(n != 1)
    first.add_fallback(empty)
    first.add_fallback(full)
    assert drop_empty_fallbacks(first) == 1
    assert _chain(first) == [first, full]
    assert first.gettext("b") == "B" and first.gettext("c") == "c"


def test_pages_are_still_in_the_sites_language():
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("This field is required.") == "This field is required."
        assert translation.get_language() == "en-gb"
