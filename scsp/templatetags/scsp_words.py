"""Plain English: ``{% abbr "LCSPR" %}`` gives the first use of an abbreviation on a page its
expansion (``<abbr title="Local Child Safeguarding Practice Review">LCSPR</abbr>``); later uses
on the same page are the letters alone. The expansions live in :mod:`scsp.glossary`, which the
glossary page lists too.

``{% abbr "LCSPR" "s" %}`` adds a suffix (LCSPRs); ``{% abbr "LCSPR" as lcspr %}`` puts it in a
variable for ``{% blocktranslate %}``."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from scsp.glossary import ABBREVIATIONS

register = template.Library()


@register.simple_tag(takes_context=True)
def abbr(context, letters: str, suffix: str = ""):
    if letters not in ABBREVIATIONS:
        raise KeyError(f"{letters!r} is not in scsp.glossary.TERMS")
    # One Context goes through a page's whole render (base, blocks, includes): remember there.
    seen = context.__dict__.setdefault("_scsp_abbreviations_used", set())
    if letters in seen:
        return f"{letters}{suffix}"
    seen.add(letters)
    return format_html('<abbr title="{}">{}{}</abbr>', ABBREVIATIONS[letters], letters, suffix)
