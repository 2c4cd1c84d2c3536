"""The audit trail (issue 15): access events get kinds in plain words, who's agency, the
request, the case, refusal counts and their chain seals; the change history's index; case
links; chain heads; refusal counters. 0005 seals the rows already there, 0006 makes the
seals required and, on PostgreSQL, the tables append-only."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('scsp', '0004_kept_work'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessEventCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('case_id', models.BigIntegerField()),
                ('case_reference', models.CharField(max_length=20)),
            ],
        ),
        migrations.CreateModel(
            name='ChainHead',
            fields=[
                ('name', models.CharField(max_length=20, primary_key=True, serialize=False)),
                ('seq', models.BigIntegerField(default=0)),
                ('hash', models.CharField(blank=True, default='', max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name='ChangeEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(editable=False, null=True)),
                ('prev_hash', models.CharField(default='', editable=False, max_length=64)),
                ('hash', models.CharField(default='', editable=False, max_length=64)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('model_label', models.CharField(max_length=100)),
                ('object_id', models.CharField(max_length=64)),
                ('reference', models.CharField(blank=True, max_length=60)),
                ('label', models.CharField(blank=True, max_length=200)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_id', models.BigIntegerField()),
                ('reason', models.CharField(blank=True, max_length=300)),
                ('changes', models.JSONField(blank=True, default=list)),
                ('case_id', models.BigIntegerField(blank=True, null=True)),
                ('case_reference', models.CharField(blank=True, max_length=20)),
                ('other_cases', models.CharField(blank=True, max_length=300)),
            ],
            options={
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ChangeEventCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('case_id', models.BigIntegerField()),
                ('case_reference', models.CharField(max_length=20)),
            ],
        ),
        migrations.CreateModel(
            name='RefusalBucket',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64, unique=True)),
                ('minute', models.DateTimeField(db_index=True)),
                ('count', models.PositiveIntegerField(default=1)),
                ('last_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_request_id', models.CharField(blank=True, max_length=64)),
            ],
        ),
        migrations.RenameIndex(
            model_name='accessevent',
            new_name='access_object',
            old_name='scsp_access_object__bef144_idx',
        ),
        migrations.RenameField(
            model_name='accessevent',
            old_name='action',
            new_name='kind',
        ),
        migrations.AddField(
            model_name='accessevent',
            name='agency',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='scsp.agency'),
        ),
        migrations.AddField(
            model_name='accessevent',
            name='case_id',
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='accessevent',
            name='case_reference',
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name='accessevent',
            name='count',
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name='accessevent',
            name='detail',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='accessevent',
            name='hash',
            field=models.CharField(default='', editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='kind',
            field=models.CharField(choices=[('view', 'Viewed a record'), ('view_minutes', 'Viewed the Rapid Review minutes'), ('minutes_pdf', 'Downloaded the minutes PDF'), ('file', 'Downloaded evidence or a file'), ('export', 'Exported a list'), ('report', 'Made or downloaded a report'), ('sign_in', 'Signed in'), ('sign_out', 'Signed out'), ('sign_in_failed', 'Sign-in failed'), ('second_factor', 'Second factor changed'), ('password', 'Password changed'), ('people', "Changed someone's access"), ('legal_hold', 'Legal hold set or lifted'), ('refused', 'Refused'), ('retention', 'Removed after the retention period')], default='view', max_length=20),
        ),
        migrations.AddField(
            model_name='accessevent',
            name='other_cases',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='accessevent',
            name='prev_hash',
            field=models.CharField(default='', editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='accessevent',
            name='removed',
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='accessevent',
            name='request_id',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='accessevent',
            name='seq',
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='accessevent',
            name='status',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='object_type',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddIndex(
            model_name='accessevent',
            index=models.Index(fields=['at', 'id'], name='access_at'),
        ),
        migrations.AddIndex(
            model_name='accessevent',
            index=models.Index(fields=['user', 'at'], name='access_user_at'),
        ),
        migrations.AddIndex(
            model_name='accessevent',
            index=models.Index(fields=['agency', 'at'], name='access_agency_at'),
        ),
        migrations.AddIndex(
            model_name='accessevent',
            index=models.Index(fields=['kind', 'at'], name='access_kind_at'),
        ),
        migrations.AddIndex(
            model_name='accessevent',
            index=models.Index(fields=['object_type', 'at'], name='access_type_at'),
        ),
        migrations.AddField(
            model_name='accesseventcase',
            name='event',
            field=models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='case_links', to='scsp.accessevent'),
        ),
        migrations.AddField(
            model_name='changeevent',
            name='user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='changeeventcase',
            name='event',
            field=models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='case_links', to='scsp.changeevent'),
        ),
        migrations.AddField(
            model_name='refusalbucket',
            name='first_event',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='scsp.accessevent'),
        ),
        migrations.AddIndex(
            model_name='accesseventcase',
            index=models.Index(fields=['case_reference', 'event'], name='access_case'),
        ),
        migrations.AddIndex(
            model_name='changeevent',
            index=models.Index(fields=['at', 'id'], name='change_at'),
        ),
        migrations.AddIndex(
            model_name='changeevent',
            index=models.Index(fields=['user', 'at'], name='change_user_at'),
        ),
        migrations.AddIndex(
            model_name='changeevent',
            index=models.Index(fields=['model_label', 'at'], name='change_model_at'),
        ),
        migrations.AddIndex(
            model_name='changeevent',
            index=models.Index(fields=['reference', 'at'], name='change_reference_at'),
        ),
        migrations.AddIndex(
            model_name='changeevent',
            index=models.Index(fields=['model_label', 'object_id'], name='change_object'),
        ),
        migrations.AddIndex(
            model_name='changeeventcase',
            index=models.Index(fields=['case_reference', 'event'], name='change_case'),
        ),
    ]
