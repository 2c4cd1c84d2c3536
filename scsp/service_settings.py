"""Parts of the settings that describe the services around the app: the file store, Redis,
the cache and Celery. Functions of the environment, called by :mod:`scsp.settings` (still
the one settings module: nothing else reads these), so the tests build exactly what a
process with a given environment gets."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.core.exceptions import ImproperlyConfigured

Env = Callable[..., "str | None"]


def mapping_env(values: Mapping[str, str]) -> Env:
    """An ``env(name, default=None)`` reading ``values`` (empty counts as unset)."""

    def env(name: str, default: str | None = None) -> str | None:
        value = values.get(name)
        return default if value in (None, "") else value

    return env


def default_storage(env: Env, base_dir) -> dict:
    """``STORAGES["default"]``: evidence, briefings, report exports and held uploads
    (scsp/storage.py). ``STORAGE_BACKEND=filesystem`` (one web node): a local directory;
    ``STORAGE_BACKEND=s3`` (any number of web nodes): a private S3-compatible bucket. Files are
    never served from the bucket: every download goes through a permission-checked view."""
    backend = env("STORAGE_BACKEND", "filesystem")
    if backend == "filesystem":
        return {"BACKEND": "scsp.storage.SafeFileSystemStorage",
                "OPTIONS": {"location": env("PRIVATE_MEDIA_ROOT", str(base_dir / "private-media"))}}
    if backend != "s3":
        raise ImproperlyConfigured(
            f"STORAGE_BACKEND={backend!r} is not known: set filesystem or s3.")
    if not env("S3_BUCKET"):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET (the private bucket's name).")
    from botocore.config import Config

    endpoint = env("S3_ENDPOINT_URL")  # unset for AWS itself
    sse = env("S3_SERVER_SIDE_ENCRYPTION")
    return {"BACKEND": "scsp.storage.PrivateS3Storage", "OPTIONS": {
        "bucket_name": env("S3_BUCKET"),
        "location": env("S3_PREFIX", ""),
        "endpoint_url": endpoint,
        "region_name": env("S3_REGION"),
        # Unset: boto3's own chain (AWS_* variables, an instance or pod role).
        "access_key": env("S3_ACCESS_KEY_ID"),
        "secret_key": env("S3_SECRET_ACCESS_KEY"),
        "client_config": Config(
            s3={"addressing_style": env("S3_ADDRESSING_STYLE", "path" if endpoint else "auto")},
            signature_version="s3v4",
            connect_timeout=int(env("S3_CONNECT_TIMEOUT_SECONDS", "2")),
            read_timeout=int(env("S3_READ_TIMEOUT_SECONDS", "30")),
            retries={"max_attempts": 2, "mode": "standard"}),
        # A download larger than this is spooled to a temporary file rather than memory.
        "max_memory_size": 2 * 1024 * 1024,
        "object_parameters": {"ServerSideEncryption": sse} if sse else {},
    }}
