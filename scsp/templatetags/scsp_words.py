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
since wrapping inside its markup could break it. Built with ``format_html_join``: the text is
escaped, only the ``<abbr>`` elements are markup (nothing is marked safe by hand)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData

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
    parts: list = []  # plain text (escaped by format_html_join) and <abbr> elements
    position = 0
    for match in ABBREVIATION_WORD.finditer(str(text)):
        letters, suffix = match.group(1), match.group(2)
        if letters in seen:
            continue
        seen.add(letters)
        parts.append(str(text)[position:match.start()])
        parts.append(format_html('<abbr title="{}">{}{}</abbr>', ABBREVIATIONS[letters], letters,
                                 suffix))
        position = match.end()
    parts.append(str(text)[position:])
    return format_html_join("", "{}", ((part,) for part in parts))
