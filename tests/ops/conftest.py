"""Fixtures of the operations tests: the migrated schema they start from, and a file store
that is really full or really read-only (a small tmpfs mounted for the test; needs root, as
CI runs)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import subprocess

import pytest

from tests.services import need


@pytest.fixture(scope="session")
def migrate(tmp_path_factory, worker_id):
    """``migrate(env)``: the app's database in ``env`` gets every migration. The first call in
    a session runs ``manage.py migrate`` as an operator would and keeps a ``pg_dump`` of the
    result (a lock file makes the workers take turns); later calls restore that dump and ask
    ``manage.py migrate --check`` that nothing is left to apply. Each migrate is ~20 s of
    Django rendering migration states; the ops tests needed it four times a run."""
    from tests.ops.servers import PGBIN, manage

    root = tmp_path_factory.getbasetemp()
    root = root.parent if worker_id != "master" else root  # shared by the xdist workers
    dump, lock = root / "ops-migrated.dump", root / "ops-migrated.lock"

    def run(env: dict) -> None:
        url = env["DATABASE_URL"]  # postgres://postgres@127.0.0.1:PORT/NAME
        with open(lock, "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            if not dump.exists():
                manage(env, "migrate", "--noinput")
                partial = dump.with_suffix(".partial")
                subprocess.run([str(PGBIN / "pg_dump"), "-Fc", "-f", str(partial), url],
                               check=True, capture_output=True)
                partial.rename(dump)
                return
        subprocess.run([str(PGBIN / "pg_restore"), "--no-owner", "-d", url, str(dump)],
                       check=True, capture_output=True)
        manage(env, "migrate", "--check")

    return run


def _mount(path, *options) -> bool:
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(path)],
                            capture_output=True, text=True)
    return result.returncode == 0


class SmallDisk:
    """A 64 KiB tmpfs: :meth:`fill` uses every byte, :meth:`read_only` remounts it read-only."""

    def __init__(self, path):
        self.path = path
        self.filler = path / "filler.bin"

    def fill(self):
        handle = open(self.filler, "wb", buffering=0)  # noqa: SIM115 - closed below
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            handle.close()
        assert os.statvfs(self.path).f_bavail == 0

    def read_only(self):
        subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)

    def names(self) -> list[str]:
        return sorted(os.path.relpath(os.path.join(root, f), self.path)
                      for root, _dirs, files in os.walk(self.path) for f in files)


@pytest.fixture
def small_disk(tmp_path, settings):
    """The evidence store on a 64 KiB tmpfs of its own."""
    path = tmp_path / "small-disk"
    path.mkdir()
    need("a tmpfs mount (root)", os.geteuid() == 0 and _mount(path, "size=64k", "mode=0755"),
         "mounting a small tmpfs needs root, as in CI")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "scsp.storage.SafeFileSystemStorage", "OPTIONS": {"location": str(path)}}}
    try:
        yield SmallDisk(path)
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            subprocess.run(["umount", str(path)], check=True, capture_output=True)


@pytest.fixture
def wmp_action(coordinator, wmp_officer):
    from actions.models import ActionStatus
    from tests.actions.factories import ActionFactory, PlanFactory

    plan = PlanFactory(reference="AP-2026-017", title="Operations", owner=coordinator)
    return ActionFactory(plan=plan, number=1, lead_agency=wmp_officer.agency,
                         lead_officer=wmp_officer, status=ActionStatus.IN_PROGRESS)
