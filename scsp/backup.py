"""Backups that restore: ``python manage.py backup`` and ``python manage.py restore ARCHIVE``.

One archive (a tar file) holds:

* ``database.dump``: PostgreSQL's custom-format dump (``pg_dump -Fc``, compressed, restored
  with ``pg_restore``);
* ``files/<name>``: every file in the default storage (evidence, briefings, report exports,
  held uploads), under its stored name;
* ``manifest.json``: when it was made, the SHA-256 of the dump and of every file, and the row
  count of every table, so a restore can prove it got everything back.

With ``BACKUP_ENCRYPTION_KEY`` set (a Fernet key: ``python -c "from cryptography.fernet import
Fernet; print(Fernet.generate_key().decode())"``) the tar is encrypted: the file starts with
:data:`MAGIC`, then chunks of up to 16 MiB, each a 4-byte length and a Fernet token
(AES-128-CBC with HMAC-SHA256), so neither making nor restoring needs it all in memory.
Keep the key somewhere other than the backups.

A restore goes only into an **empty** database (no tables) and an **empty** store, checks every
checksum before it writes anything, and checks the row counts and files after.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import struct
import subprocess  # nosec B404
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone

from scsp.storage import PARTIAL_PREFIX, walk

# subprocess (B404): the PostgreSQL tools run with fixed arguments built from the settings.
MAGIC = b"SCSPENC1"
CHUNK = 16 * 1024 * 1024


class BackupError(Exception):
    """Said to the operator; nothing was changed (or, after a restore step failed, what was)."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict]:
    """Connection arguments and environment for pg_dump / pg_restore from the settings."""
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        raise BackupError("Backups need PostgreSQL (DATABASE_URL); this database is "
                          f"{db['ENGINE'].rsplit('.', 1)[-1]}.")
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    """The full path of a PostgreSQL client tool: on PATH, else the newest server's own."""
    found = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)),
        None)
    if not found:
        raise BackupError(f"{name} was not found: install PostgreSQL's client tools "
                          "(apt-get install postgresql-client).")
    return found


def _fernet():
    key = getattr(settings, "BACKUP_ENCRYPTION_KEY", "") or ""
    if not key:
        return None
    from cryptography.fernet import Fernet

    try:
        return Fernet(key.encode())
    except ValueError as exc:
        raise BackupError("BACKUP_ENCRYPTION_KEY is not a Fernet key (44 characters of "
                          "URL-safe base64).") from exc


def table_counts() -> dict[str, int]:
    """Rows in every table of the database (Django's and any other)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            # Table names come from the database's own catalogue, quoted.
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # nosec B608
            counts[table] = cursor.fetchone()[0]
    return counts


@dataclass
class Result:
    path: Path
    files: int
    tables: int
    seconds: float
    encrypted: bool


def backup(out_dir: Path) -> Result:
    """Write one archive into ``out_dir``; returns where and what it holds."""
    started = time.monotonic()
    args, env = _pg_env()
    storage = storages["default"]
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scsp-backup-", dir=out_dir) as work:
        work = Path(work)
        dump = work / "database.dump"
        # The dump and the row counts see the same instant: pg_dump uses this transaction's
        # exported snapshot, so a write meanwhile is in neither.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            # Full path of the tool, fixed arguments (the settings' database, a temp file).
            done = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                                   f"--snapshot={snapshot}", "--file", str(dump), *args],
                                  env=env, capture_output=True, text=True)  # nosec B603
            if done.returncode:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
            counts = table_counts()
        manifest = {"format": 1, "created_at": timezone.now().isoformat(),
                    "database": {"file": "database.dump", "sha256": sha256_file(dump),
                                 "tables": counts},
                    "files": []}
        tar_path = work / "backup.tar"
        with tarfile.open(tar_path, "w") as tar:
            tar.add(dump, arcname="database.dump")
            for name in sorted(walk(storage)):
                if Path(name).name.startswith(PARTIAL_PREFIX):
                    continue  # a write in progress, not a file
                digest, size = hashlib.sha256(), 0
                with storage.open(name, "rb") as handle:
                    spool = work / "spool"
                    with open(spool, "wb") as copy:
                        for block in iter(lambda: handle.read(1024 * 1024), b""):
                            digest.update(block)
                            size += len(block)
                            copy.write(block)
                tar.add(spool, arcname=f"files/{name}")
                manifest["files"].append({"name": name, "size": size,
                                          "sha256": digest.hexdigest()})
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(data))
        fernet = _fernet()
        final = out_dir / f"scsp-backup-{stamp}.tar{'.enc' if fernet else ''}"
        if fernet:
            _encrypt(fernet, tar_path, final)
        else:
            shutil.move(tar_path, final)
        os.chmod(final, 0o600)
    return Result(final, len(manifest["files"]), len(manifest["database"]["tables"]),
                  time.monotonic() - started, fernet is not None)


def _encrypt(fernet, source: Path, target: Path) -> None:
    with open(source, "rb") as src, open(target, "wb") as out:
        out.write(MAGIC)
        for block in iter(lambda: src.read(CHUNK), b""):
            token = fernet.encrypt(block)
            out.write(struct.pack(">I", len(token)))
            out.write(token)


def _decrypt(source: Path, target: Path) -> None:
    fernet = _fernet()
    if fernet is None:
        raise BackupError("This archive is encrypted: set BACKUP_ENCRYPTION_KEY to its key.")
    from cryptography.fernet import InvalidToken

    with open(source, "rb") as src, open(target, "wb") as out:
        src.read(len(MAGIC))
        while header := src.read(4):
            (length,) = struct.unpack(">I", header)
            try:
                out.write(fernet.decrypt(src.read(length)))
            except InvalidToken as exc:
                raise BackupError("The archive cannot be decrypted with this key (or it "
                                  "was damaged).") from exc


def _refuse_unless_empty() -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(f"The database is not empty ({len(tables)} tables): restore only "
                          "into a new, empty database.")
    stored = walk(storages["default"])
    if stored:
        raise BackupError(f"The file store is not empty ({len(stored)} files): restore only "
                          "into an empty store.")


def restore(archive: Path) -> Result:
    """Restore ``archive`` into the (empty) database and store; verify it; return a summary."""
    started = time.monotonic()
    args, env = _pg_env()
    _refuse_unless_empty()
    with tempfile.TemporaryDirectory(prefix="scsp-restore-") as work:
        work = Path(work)
        with open(archive, "rb") as handle:
            encrypted = handle.read(len(MAGIC)) == MAGIC
        tar_path = archive
        if encrypted:
            tar_path = work / "backup.tar"
            _decrypt(archive, tar_path)
        with tarfile.open(tar_path, "r") as tar:
            tar.extractall(work / "x", filter="data")
        root = work / "x"
        manifest = json.loads((root / "manifest.json").read_text())
        dump = root / manifest["database"]["file"]
        if sha256_file(dump) != manifest["database"]["sha256"]:
            raise BackupError("The database dump does not match its checksum; nothing restored.")
        for item in manifest["files"]:
            if sha256_file(root / "files" / item["name"]) != item["sha256"]:
                raise BackupError(f"{item['name']} does not match its checksum; nothing restored.")
        # Full path of the tool, fixed arguments (the settings' database, the checked dump).
        done = subprocess.run([_tool("pg_restore"), "--no-owner", "--no-privileges",  # nosec B603
                               "--exit-on-error", "--single-transaction", *args, str(dump)],
                              env=env, capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
        connection.close()  # see the restored catalogue
        storage = storages["default"]
        for item in manifest["files"]:
            with open(root / "files" / item["name"], "rb") as handle:
                saved = storage.save(item["name"], File(handle))
            if saved != item["name"]:
                raise BackupError(f"{item['name']} was stored as {saved}.")
    problems = verify(manifest)
    if problems:
        raise BackupError("Restored, but it does not match the backup: " + "; ".join(problems))
    return Result(archive, len(manifest["files"]), len(manifest["database"]["tables"]),
                  time.monotonic() - started, encrypted)


def verify(manifest: dict) -> list[str]:
    """What differs between the database and store now and the backup's manifest."""
    problems = []
    counts = table_counts()
    for table, expected in manifest["database"]["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"{table}: {counts.get(table)} rows, the backup had {expected}")
    storage = storages["default"]
    for item in manifest["files"]:
        with storage.open(item["name"], "rb") as handle:
            digest = hashlib.sha256()
            for block in iter(lambda h=handle: h.read(1024 * 1024), b""):
                digest.update(block)
        if digest.hexdigest() != item["sha256"]:
            problems.append(f"{item['name']}: checksum differs")
    return problems
