"""Data minimisation: spot direct identifiers typed into free text (SECURITY.md check 37).

Case records carry pseudonyms only. Free text is scanned for NHS numbers (10 digits that pass
the modulus 11 check) and UK postcodes; a match is a warning the person must either fix or
confirm (an NHS number-like reference that is not one, a service's own office postcode), never a
silent block, because false positives are possible.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

NHS_NUMBER = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)


def is_nhs_number(digits: str) -> bool:
    """True when ten digits pass the NHS number's modulus 11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_identifiers(text: str) -> list[str]:
    """What kinds of identifier ``text`` seems to contain ("an NHS number", "a postcode")."""
    found = []
    if not text:
        return found
    if any(is_nhs_number("".join(m.groups())) for m in NHS_NUMBER.finditer(text)):
        found.append(str(_("an NHS number")))
    if POSTCODE.search(text):
        found.append(str(_("a postcode")))
    return found
