"""Celery tasks of the reports app: thin, taking ids."""

from celery import shared_task


@shared_task(name="reports.tasks.export_generate_task")
def export_generate_task(export_id: int) -> str:
    """Make one export's file (``reports.services.export_generate``). Safe to run twice: a
    second run finds the export taken or finished and does nothing. Returns its status."""
    from reports.services import export_generate

    export = export_generate(export_id=export_id)
    return export.status if export is not None else "skipped"

