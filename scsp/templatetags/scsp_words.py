"""Plain English: ``{% abbr "LCSPR" %}`` gives the first use of an abbreviation on a page its
expansion (``<abbr title="Local Child Safeguarding Practice Review">LCSPR</abbr>``); later uses
on the same page are the letters alone. The expansions live in :mod:`scsp.glossary`, which the
glossary page lists too.

``{% abbr "LCSPR" "s" %}`` adds a suffix (LCSPRs); ``{% abbr "LCSPR" as lcspr %}`` puts it in a
variable for ``{% blocktranslate %}``.

``{% abbreviate text %}`` does the same inside a label built in Python (a menu entry, a figure's
label, a clock's name, a choice's display): the first use on the page of each abbreviation in
the text gets its ``<abbr>``, sharing the page's memory with ``{% abbr %}``. References such as
``SLPR-2026-004`` or ``AP-SLPR-...`` are left alone (an abbreviation joined to a hyphen is part
of an identifier), and text already marked safe (HTML built in Python) is returned unchanged,
since wrapping inside its markup could break it."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe

from scsp.glossary import ABBREVIATIONS

register = template.Library()


@register.simple_tag(takes_context=True)
def abbr(context, letters: str, suffix: str = ""):
    if letters not in ABBREVIATIONS:
        raise KeyError(f"{letters!r} is not in scsp.glossary.TERMS")
    # One Context goes through a page's whole render (base, blocks, includes): remember there.
    seen = _seen(context)
    if letters in seen:
        return f"{letters}{suffix}"
    seen.add(letters)
    return format_html('<abbr title="{}">{}{}</abbr>', ABBREVIATIONS[letters], letters, suffix)


#: An abbreviation as a word of its own (an optional plural "s"), not part of a reference.
ABBREVIATION_WORD = re.compile(r"(?<![\w-])(" + "|".join(
    sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True)) + r")(s?)(?![\w-])")


def _seen(context) -> set[str]:
    # One Context goes through a page's whole render (base, blocks, includes): remember there.
    return context.__dict__.setdefault("_scsp_abbreviations_used", set())


@register.simple_tag(takes_context=True)
def abbreviate(context, text):
    if text is None or text == "":
        return ""
    if isinstance(text, SafeData):
        return text
    seen = _seen(context)

    def first_use(match):
        letters, suffix = match.group(1), match.group(2)
        if letters in seen:
            return match.group(0)
        seen.add(letters)
        return format_html('<abbr title="{}">{}{}</abbr>', ABBREVIATIONS[letters], letters,
                           suffix)

    # Escaped first: the letters of an abbreviation need no escaping, so they match unchanged.
    # Safe: the text is escaped first, and only <abbr> built with format_html is added.
    return mark_safe(ABBREVIATION_WORD.sub(first_use, str(conditional_escape(str(text)))))  # nosec B308 B703
