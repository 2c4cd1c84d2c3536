"""The backup drill, as an operator would run it: seed, back up (encrypted), destroy the
database and the store, restore into empty ones, then the row counts and every file's
checksum are equal, ``check_files`` is clean and the app serves a case and its evidence. Once
with a local directory as the store, once with a private bucket of moto's S3 server."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.ops.servers import PostgresServer, app_env, fetch, gunicorn, manage, session_for

pytestmark = pytest.mark.postgres

STATE = """
import hashlib
from django.core.files.storage import storages
from scsp.backup import table_counts
from scsp.storage import walk
s = storages["default"]
result = {"tables": table_counts(),
          "files": {n: hashlib.sha256(s.open(n, "rb").read()).hexdigest() for n in walk(s)}}
"""


def query(env, code):
    script = code + "\nimport json as _j; print(_j.dumps(result, default=str))"
    return json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])


def failing(env, *args) -> str:
    with pytest.raises(AssertionError) as exc:
        manage(env, *args)
    return str(exc.value)


@pytest.mark.parametrize("store", ["local", pytest.param("s3", marks=pytest.mark.s3)])
def test_backup_destroy_restore_and_serve(tmp_path, store, request, migrate):
    s3 = request.getfixturevalue("moto_s3") if store == "s3" else None
    pg = PostgresServer().start()
    web = None
    try:
        pg.createdb()
        media = tmp_path / "media"
        bucket = s3.new_bucket() if s3 else None
        env = app_env(pg.url(), None, media,
                      BACKUP_ENCRYPTION_KEY=Fernet.generate_key().decode(),
                      **(s3.environment(bucket) if s3 else {}))
        migrate(env)
        manage(env, "seed_demo")
        manage(env, "scan_waiting_files")
        before = query(env, STATE)
        assert len(before["files"]) >= 3 and len(before["tables"]) >= 80
        assert sum(before["tables"].values()) > 1000

        out = manage(env, "backup", "--output", str(tmp_path / "backups"))
        archive = re.search(r"Backup written: (\S+)", out).group(1)
        assert "encrypted" in out and "NOT encrypted" not in out
        raw = Path(archive).read_bytes()
        assert raw.startswith(b"SCSPENC1") and b"%PDF" not in raw  # nothing readable inside

        # A restore never overwrites: the database (and store) in use are refused.
        assert "The database is not empty" in failing(env, "restore", archive)
        # The wrong key is refused before anything is written.
        wrong = {**env, "BACKUP_ENCRYPTION_KEY": Fernet.generate_key().decode()}
        # Destroy: the database and every stored file are gone.
        _drop_and_create(pg)
        if s3:
            _empty_bucket(s3, bucket)
            assert not media.exists()  # the bucket was the only store
        else:
            shutil.rmtree(media)
        assert "cannot be decrypted" in failing(wrong, "restore", archive)

        out = manage(env, "restore", archive)
        seconds = float(re.search(r"in ([0-9.]+) s", out).group(1))
        assert "row counts and checksums verified" in out and seconds > 0
        after = query(env, STATE)
        assert after == before
        assert "Clean" in manage(env, "check_files")
        assert "The database is not empty" in failing(env, "restore", archive)

        evidence = query(env, (
            "from actions.models import Evidence\n"
            "e = Evidence.objects.filter(scan_status='clean').exclude(file='').order_by('pk').first()\n"
            "result = [e.pk, e.action_id, e.file.name]"))
        case = query(env, "from reviews.models import Case\nresult = Case.objects.order_by('pk').first().pk")
        session = session_for(env, "coordinator@scsp.example")
        web, base = gunicorn(env, tmp_path / "gunicorn.log")
        assert fetch(f"{base}/reviews/cases/{case}/", session=session).status == 200
        assert fetch(f"{base}/actions/{evidence[1]}/", session=session).status == 200
        body = _raw(f"{base}/actions/evidence/{evidence[0]}/", session)
        assert hashlib.sha256(body).hexdigest() == before["files"][evidence[2]]
    finally:
        if web:
            web.stop()
        pg.destroy()


def _empty_bucket(s3, bucket):
    client = s3.client()
    keys = [{"Key": o["Key"]} for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys
    client.delete_objects(Bucket=bucket, Delete={"Objects": keys})
    assert "Contents" not in client.list_objects_v2(Bucket=bucket)


def _drop_and_create(pg):
    from tests.ops.servers import PGBIN, _as_postgres

    _as_postgres([str(PGBIN / "dropdb"), "-h", pg.root, "-p", str(pg.port), "-U", "postgres",
                  "scsp"])
    pg.createdb()


def _raw(url, session) -> bytes:
    import urllib.request

    from tests.ops.servers import CSRF

    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}; csrftoken={CSRF}"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return response.read()
