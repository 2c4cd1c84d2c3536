"""Bringing in the action plans a partnership already keeps in a spreadsheet (XLSX or CSV).

* :mod:`actions.imports.columns`: the template's columns, what each takes (one list: the
  template, its explanation sheet, the page and the checks all read it).
* :mod:`actions.imports.values`: what a cell means (dates, words, names, fingerprints).
* :mod:`actions.imports.reader`: a file's rows as cells (merged cells, dates as text or Excel
  serials, trailing spaces, CSV encodings).
* :mod:`actions.imports.check`: the dry run: every row checked against the directory and the
  plans already imported, a row-by-row report, nothing saved.
* :mod:`actions.imports.template`: the downloadable template (XLSX with its explanation sheet,
  and CSV).
* The write itself, one transaction, is ``actions.services.imports``.

Why not tablib or django-import-export: the work here is not moving columns into model fields
(their strength) but reading messy partnership trackers (merged cells carried down, dates in
three forms, formulas refused, the header row found below title rows), matching people and
agencies by name or e-mail against one prefetched directory, and refusing a whole file with
messages by row and column. django-import-export's resources would need each of those
overridden, it imports through its own admin-shaped views and per-row saves (not our
services, scope and history user), and tablib hides merged cells and cell types, which the
reader needs. openpyxl (already a dependency) and the standard ``csv`` module do the reading.
"""
