"""Seals are required from now on, and on PostgreSQL the access log and the change history's
index refuse UPDATE and DELETE from the application's database role (a trigger): the only
exception is the retention job (``scsp.audit.retention``), whose transaction sets
``scsp.retention_cutoff``; then a row older than that cut-off may be deleted, and only if the
cut-off is at least a year ago. Nothing on SQLite (development and tests without PostgreSQL),
where the hash chain alone shows tampering."""

from django.db import migrations, models

#: The database never lets an access event less than this old go, whatever the settings say.
FLOOR = "365 days"

TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION scsp_audit_append_only() RETURNS trigger AS $$
DECLARE
    cutoff_text text := current_setting('scsp.retention_cutoff', true);
BEGIN
    IF TG_OP = 'DELETE' AND cutoff_text IS NOT NULL AND cutoff_text <> '' THEN
        IF cutoff_text::timestamptz <= now() - interval '{FLOOR}'
           AND OLD.at < cutoff_text::timestamptz THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Only the retention job removes rows past their retention period.';
END;
$$ LANGUAGE plpgsql;
"""
TABLES = ("scsp_accessevent", "scsp_changeevent")


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(TRIGGER_FUNCTION, params=None)  # its "%" are not placeholders
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION scsp_audit_append_only()")


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS scsp_audit_append_only()")


class Migration(migrations.Migration):

    dependencies = [
        ('scsp', '0006_seal_existing_events'),
    ]

    operations = [
        migrations.AlterField(
            model_name='accessevent',
            name='hash',
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='kind',
            field=models.CharField(choices=[('view', 'Viewed a record'), ('view_minutes', 'Viewed the Rapid Review minutes'), ('minutes_pdf', 'Downloaded the minutes PDF'), ('file', 'Downloaded evidence or a file'), ('export', 'Exported a list'), ('report', 'Made or downloaded a report'), ('sign_in', 'Signed in'), ('sign_out', 'Signed out'), ('sign_in_failed', 'Sign-in failed'), ('second_factor', 'Second factor changed'), ('password', 'Password changed'), ('people', "Changed someone's access"), ('legal_hold', 'Legal hold set or lifted'), ('refused', 'Refused'), ('retention', 'Removed after the retention period')], max_length=20),
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='prev_hash',
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='seq',
            field=models.BigIntegerField(editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name='changeevent',
            name='hash',
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='changeevent',
            name='prev_hash',
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='changeevent',
            name='seq',
            field=models.BigIntegerField(editable=False, unique=True),
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
