"""Where files are kept: evidence, learning briefings, report exports and held uploads all go
through Django's storage API (``STORAGES["default"]``), so a web node keeps nothing of its own.

* On one server, :class:`SafeFileSystemStorage`: a file is written under a temporary name in
  its final directory, flushed to disk, then linked to its real name in one step. A full or
  read-only disk leaves no partial file under a real name (the temporary one is removed) and
  raises :class:`StorageUnavailable`, which the error handler turns into a 503 that tells the
  person the file could not be stored and nothing was saved (the request's transaction is
  rolled back). ``manage.py check_files`` finds what a crash could still leave behind.
* On more than one web node, S3-compatible object storage (``STORAGE_BACKEND=s3``,
  :class:`PrivateS3Storage`, django-storages): a private bucket; objects are written whole or
  not at all. Files are still only served through the permission-checked download views,
  never by a signed URL handed to the browser.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

#: Temporary files of writes in progress (and of writes a crash interrupted) start with this.
PARTIAL_PREFIX = ".partial-"


class StorageUnavailable(OSError):
    """The file store refused a write (full, read-only, or unreachable)."""


@deconstructible(path="scsp.storage.SafeFileSystemStorage")
class SafeFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        tmp = None
        try:
            if self.directory_permissions_mode is not None:
                old_umask = os.umask(0o777 & ~self.directory_permissions_mode)
                try:
                    os.makedirs(directory, self.directory_permissions_mode, exist_ok=True)
                finally:
                    os.umask(old_umask)
            else:
                os.makedirs(directory, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=PARTIAL_PREFIX)
            with os.fdopen(fd, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(tmp, self.file_permissions_mode)
            while True:
                try:
                    os.link(tmp, full_path)  # atomic; refuses an existing name
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        except OSError as exc:
            raise StorageUnavailable(f"the file store refused a write: {exc.strerror or exc}") from exc
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        return str(name).replace("\\", "/")

    def walk(self):
        """Every stored name (``/``-separated), temporary ones included."""
        for root, _dirs, files in os.walk(self.location):
            for filename in files:
                yield os.path.relpath(os.path.join(root, filename), self.location).replace(os.sep, "/")


def walk(storage) -> list[str]:
    """Every name in ``storage``: its own :meth:`walk` when it has one, else ``listdir``."""
    if hasattr(storage, "walk"):
        return list(storage.walk())
    names, stack = [], [""]
    while stack:
        prefix = stack.pop()
        dirs, files = storage.listdir(prefix)
        names.extend(f"{prefix}{f}" for f in files)
        stack.extend(f"{prefix}{d}/" for d in dirs)
    return names
