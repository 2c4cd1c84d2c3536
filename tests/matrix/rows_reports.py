"""Reports in the persona x URL matrix.

The partnership reports cover every agency, so they are for the business unit, the chair and
the scrutineer (agency staff get 403; their own figures are on their home page). Downloads
(PDF, Excel, CSV) are for the chair and the co-ordinator; the scrutineer reads the reports in
the browser. Only the chair writes the commentary. A download belongs to whoever asked for it:
the co-ordinator gets 404 on the chair's."""

from django.core.files.base import ContentFile

from reports.models import ReportExport
from tests.matrix import Row, only

BU = ("coordinator", "chair", "scrutineer")
EXPORTERS = ("coordinator", "chair")
QUARTER = {"year": 2022, "quarter": 4}


def build_world(world, personas):
    export = ReportExport(requested_by=personas["chair"], year=2022, quarter=4,
                          format=ReportExport.Format.PDF, status=ReportExport.Status.DONE,
                          progress=100, size=9)
    export.file.save("matrix.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    export.save()
    world["chair_export"] = export
    from tests.factories import ThemeFactory

    world["report_theme"] = ThemeFactory(name="Early Help")


def _export(world):
    return {"pk": world["chair_export"].pk}


def _post_only(*allowed):
    """GET on a POST-only page: 405 for those allowed to post, 403 for the others."""
    return {**only(*allowed), **{p: 405 for p in allowed}}


ROWS = [
    Row("reports:index", {**only(*BU), **{p: 302 for p in BU}},
        note="sends the reader on to the current quarter"),
    Row("reports:quarterly", only(*BU), kwargs=lambda w: QUARTER),
    Row("reports:theme_list", only(*BU)),
    Row("reports:theme_detail", only(*BU), kwargs=lambda w: {"pk": w["report_theme"].pk},
        note="a theme's reviews, audits, actions and impact, across every agency"),
    Row("reports:commentary", only("chair"), kwargs=lambda w: QUARTER,
        note="the chair's own words: not even the co-ordinator"),
    Row("reports:quarterly_csv", only(*EXPORTERS), kwargs=lambda w: {**QUARTER, "table": "plans"}),
    Row("reports:export_create", _post_only(*EXPORTERS),
        kwargs=lambda w: {**QUARTER, "format": "pdf"}, note="POST only"),
    Row("reports:export_list", only(*EXPORTERS)),
    Row("reports:export_detail", {**only("chair"), "coordinator": 404}, kwargs=_export,
        note="each person's downloads are their own"),
    Row("reports:export_status", {**only("chair"), "coordinator": 404}, kwargs=_export),
    Row("reports:export_download", {**only("chair"), "coordinator": 404}, kwargs=_export),
    Row("reports:export_retry", _post_only(*EXPORTERS), kwargs=_export, note="POST only"),
    Row("reports:annual_index", {**only(*BU), **{p: 302 for p in BU}}),
    Row("reports:annual", only(*BU), kwargs=lambda w: {"year": 2022}),
    Row("reports:annual_csv", only(*EXPORTERS), kwargs=lambda w: {"year": 2022, "table": "figures"}),
]

