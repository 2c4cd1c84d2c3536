"""What a cell means: text trimmed, dates in their three forms, the app's words for statuses
and origins, agencies, people and themes by name (:class:`Directory`, read once per file),
and the fingerprint of a row's values that tells a re-imported row from a changed one."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from collections import defaultdict

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from scsp.models import Agency, Theme, User

# --- values -----------------------------------------------------------------------------------

def text(value) -> str:
    """A cell as one line of text: non-breaking spaces, runs of spaces and ends trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\xa0", " ").split())


def long_text(value) -> str:
    """A cell as text keeping its line breaks, each line trimmed."""
    if value is None:
        return ""
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in str(value).splitlines()]
    return "\n".join(lines).strip()


def key(value: str) -> str:
    return text(value).casefold()


_TEXT_DATE_FORMS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y",
                    "%d %b %Y", "%d-%b-%Y", "%d-%b-%y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
_LOOKS_LIKE_DATE = re.compile(r"^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}")
_SERIAL = re.compile(r"^\d{5}(\.0+)?$")


class BadValue(ValueError):
    pass


def parse_date(value, epoch=None, *, today: dt.date) -> dt.date | None:
    """A cell as a date: a date cell, an Excel serial number (cell or text), or text as
    dd/mm/yyyy, yyyy-mm-dd, "31 March 2023" and the like. ``None`` for a blank cell; raises
    :class:`BadValue` with what to do."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, bool):
        raise BadValue(_("“%(v)s” is not a date.") % {"v": value})
    elif isinstance(value, int | float):
        day = _serial(value, epoch)
    else:
        raw = text(value)
        if not raw:
            return None
        if _SERIAL.match(raw):
            day = _serial(float(raw), epoch)
        else:
            day = None
            for form in _TEXT_DATE_FORMS:
                try:
                    day = dt.datetime.strptime(raw, form).date()  # noqa: DTZ007 - a day
                    break
                except ValueError:
                    continue
            if day is None:
                if _LOOKS_LIKE_DATE.match(raw):
                    raise BadValue(_("“%(v)s” is not a real date. Write it as day/month/year, "
                                     "for example 31/03/2023.") % {"v": raw})
                raise BadValue(_("“%(v)s” is not a date we can read. Write it as "
                                 "day/month/year, for example 31/03/2023.") % {"v": raw})
    if not 2000 <= day.year <= today.year + 10:
        raise BadValue(_("%(d)s is not a likely date: check the year.") % {
            "d": day.strftime("%d/%m/%Y")})
    return day


def _serial(number: float, epoch) -> dt.date:
    try:
        value = from_excel(number, epoch) if epoch else from_excel(number)
    except (ValueError, OverflowError, TypeError):
        value = None
    if not isinstance(value, dt.datetime):
        raise BadValue(_("%(v)s is a number, not a date. Write the date as day/month/year, for "
                         "example 31/03/2023.") % {"v": text(number)})
    return value.date()


def choice(value: str, choices) -> str | None:
    wanted = key(value)
    for stored, label in choices:
        if wanted in (key(label), key(stored), key(stored.replace("_", " "))):
            return stored
    return None


class Directory:
    """Agencies, people and themes, read once, matched by name (any case, spaces trimmed)."""

    def __init__(self):
        self.agencies = {}
        for agency in Agency.objects.all():
            self.agencies.setdefault(key(agency.name), agency)
            self.agencies.setdefault(key(agency.short_name), agency)
        self.by_email, self.by_name = {}, defaultdict(list)
        for person in User.objects.select_related("agency").order_by("pk"):
            self.by_email[key(person.email)] = person
            self.by_name[key(person.full_name)].append(person)
        self.themes = {key(t.name): t for t in Theme.objects.all()}

    def agency(self, value: str):
        found = self.agencies.get(key(value))
        if found is None:
            names = sorted({a.short_name for a in self.agencies.values() if a.active})
            close = difflib.get_close_matches(key(value), list(self.agencies), n=1, cutoff=0.6)
            hint = (_(" Did you mean “%(name)s”?") % {"name": self.agencies[close[0]].name}
                    if close else _(" Use one of: %(names)s.") % {"names": ", ".join(names)})
            raise BadValue(_("There is no agency called “%(v)s” in SCSP Reviews.") % {
                "v": text(value)} + hint)
        return found

    def person(self, value: str, agency=None, *, what: str):
        found = self.by_email.get(key(value))
        if found is not None:
            return found
        people = self.by_name.get(key(value), [])
        if agency is not None and len(people) > 1:
            people = [p for p in people if p.agency_id == agency.pk] or people
        if len(people) == 1:
            return people[0]
        if people:
            raise BadValue(_("More than one person is called “%(v)s”. Use the e-mail address "
                             "of the %(what)s instead.") % {"v": text(value), "what": what})
        raise BadValue(_("There is no one called “%(v)s” in SCSP Reviews. Use the %(what)s's "
                         "e-mail address or full name as on the People page; invite them "
                         "first if they are new.") % {"v": text(value), "what": what})

    def theme_list(self, value: str):
        themes, unknown = [], []
        for name in (n for n in re.split(r"[;\n]", str(value or "")) if text(n)):
            theme = self.themes.get(key(name))
            (themes if theme else unknown).append(theme or text(name))
        if unknown:
            raise BadValue(_("No learning theme called %(names)s. Use the names on the Themes "
                             "page, separated by semicolons.") % {
                "names": ", ".join(f"“{n}”" for n in unknown)})
        return themes


def fingerprint(values: dict, keys) -> str:
    """The SHA-256 of a row's values in ``keys`` as the file gave them (normalised), so the
    same row read from XLSX or CSV, with or without trailing spaces, gives the same one."""
    shape = {}
    for k in keys:
        v = values.get(k)
        if isinstance(v, dt.date):
            v = v.isoformat()
        elif isinstance(v, list):
            v = sorted(str(x).casefold() for x in v)
        elif hasattr(v, "pk"):
            v = f"{type(v).__name__}:{v.pk}"
        shape[k] = v if v not in (None, "") else ""
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()
