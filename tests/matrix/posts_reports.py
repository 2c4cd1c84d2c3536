"""POST entries for reports: the chair's commentary, asking for a download (PDF or Excel) and
trying a failed one again (the world: ``rows_reports.build_world``, plus a failed export).

Only the chair writes the commentary; the co-ordinator and the chair ask for downloads; a
download is its requester's own: the co-ordinator gets 404 on the chair's."""

from reports.models import QuarterCommentary, ReportExport
from scsp.permissions import Ability
from tests.matrix.posting import Post

QUARTER = {"year": 2022, "quarter": 4}


def build_world(world, personas):
    world["chair_failed_export"] = ReportExport.objects.create(
        requested_by=personas["chair"], year=2022, quarter=4,
        format=ReportExport.Format.XLSX, status=ReportExport.Status.FAILED,
        error="The worker stopped.")


def _commentary(world, user, response):
    commentary = QuarterCommentary.objects.get(year=2022, quarter=4)
    assert commentary.text == "A steady quarter." and commentary.updated_by == user


def _export(world, user, response):
    export = ReportExport.objects.filter(requested_by=user).latest("pk")
    assert export.status == ReportExport.Status.QUEUED and export.format == "pdf"


POSTS = [
    Post("reports:commentary", ability=Ability.WRITE_COMMENTARY,
         allowed=("chair",), kwargs=lambda w: QUARTER,
         data=lambda w, u: {"text": "A steady quarter."},
         writes={"reports.QuarterCommentary": "+"}, check=_commentary),
    Post("reports:export_create", ability=Ability.EXPORT_REPORTS,
         allowed=("coordinator", "chair"), form=False,
         kwargs=lambda w: {**QUARTER, "format": "pdf"},
         writes={"reports.ReportExport": "+"}, check=_export),
    Post("reports:export_retry", ability=Ability.EXPORT_REPORTS,
         allowed=("chair",), form=False,
         kwargs=lambda w: {"pk": w["chair_failed_export"].pk},
         writes={"reports.ReportExport": "status progress step error created_at started_at "
                                          "finished_at"},
         denied={"coordinator": 404}, note="the chair's own download: 404 to the co-ordinator"),
]
