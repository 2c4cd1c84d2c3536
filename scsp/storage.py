"""Where files are kept: evidence, learning briefings, report exports and held uploads all go
through Django's storage API (``STORAGES["default"]``), so a web node keeps nothing of its own.

* On one server, :class:`SafeFileSystemStorage`: a file is written under a temporary name in
  its final directory, flushed to disk, then linked to its real name in one step. A full or
  read-only disk leaves no partial file under a real name (the temporary one is removed) and
  raises :class:`StorageUnavailable`, which the error handler turns into a 503 that tells the
  person the file could not be stored and nothing was saved (the request's transaction is
  rolled back). ``manage.py check_files`` finds what a crash could still leave behind.
* On more than one web node, S3-compatible object storage (``STORAGE_BACKEND=s3``,
  :class:`PrivateS3Storage`, django-storages): a private bucket, every object written with a
  private ACL; an object is written whole or not at all (a multipart upload that fails is never
  an object). Files are only ever served through the permission-checked download views (which
  record the access): :meth:`PrivateS3Storage.url` refuses, so no signed or public URL of the
  bucket can reach a page. An unreachable or refusing store raises :class:`StorageUnavailable`
  (a 503), as a full disk does.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

try:  # only needed with STORAGE_BACKEND=s3
    from botocore.exceptions import BotoCoreError, ClientError
    from storages.backends.s3 import S3Storage
except ImportError:  # pragma: no cover - django-storages[s3] is a dependency
    S3Storage = None

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


if S3Storage is not None:

    def _not_found(exc: ClientError) -> bool:
        return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404 or (
            exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"})

    @contextlib.contextmanager
    def _refusals(what: str, name: str):
        """The client's errors as the storage API's: a missing object is FileNotFoundError,
        anything else (unreachable, refused, timed out) StorageUnavailable."""
        try:
            yield
        except ClientError as exc:
            if _not_found(exc):
                raise FileNotFoundError(f"File does not exist: {name}") from exc
            raise StorageUnavailable(f"the object store refused a {what}: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(f"the object store refused a {what}: {exc}") from exc

    @deconstructible(path="scsp.storage.PrivateS3Storage")
    class PrivateS3Storage(S3Storage):
        """django-storages' S3 backend, kept private: objects are written with the ``private``
        ACL, a name in use is never overwritten, and :meth:`url` refuses (downloads stream
        through the app's views, which check permission and write the access log)."""

        default_acl = "private"
        querystring_auth = False
        file_overwrite = False

        def get_default_settings(self):
            defaults = super().get_default_settings()
            defaults.update(default_acl="private", querystring_auth=False, file_overwrite=False)
            return defaults

        def url(self, name, *args, **kwargs):
            raise NotImplementedError(
                "Stored files have no URL: serve them through a permission-checked view.")

        def _save(self, name, content):
            with _refusals("write", name):
                return super()._save(name, content)

        def _open(self, name, mode="rb"):
            with _refusals("read", name):  # reading: the object's head is fetched now
                return super()._open(name, mode)

        def delete(self, name):
            with _refusals("delete", name):
                super().delete(name)

        def exists(self, name):
            with _refusals("look-up", name):
                return super().exists(name)

        def size(self, name):
            with _refusals("look-up", name):
                return super().size(name)

        def get_modified_time(self, name):
            with _refusals("look-up", name):
                return super().get_modified_time(name)

        def walk(self):
            """Every stored name under the storage's ``location``, one paged listing."""
            prefix = self._normalize_name("")
            prefix = f"{prefix.rstrip('/')}/" if prefix else ""
            paginator = self.connection.meta.client.get_paginator("list_objects_v2")
            with _refusals("listing", prefix):
                for page in paginator.paginate(Bucket=self.bucket_name, Prefix=prefix):
                    for item in page.get("Contents", ()):
                        yield item["Key"][len(prefix):]

        def healthy(self) -> bool:
            """The bucket answers (``/healthz``)."""
            try:
                self.connection.meta.client.head_bucket(Bucket=self.bucket_name)
            except (BotoCoreError, ClientError):
                return False
            return True


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
