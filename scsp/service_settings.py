"""Parts of the settings that describe the services around the app: the file store, the cache
and Celery (Redis). Functions called by :mod:`scsp.settings`, which stays the one settings
module (it reads the environment and names every setting's variable; nothing else imports
these), so the tests can build exactly what a process with a given environment gets."""

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


def caches(redis_url: str | None, timeout: float) -> dict:
    """``CACHES``: Redis when there is one, treated as optional (``scsp.cache``: a failure is a
    miss, and the cache is left alone for ``CACHE_RETRY_SECONDS``); else this process's memory."""
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {"default": {"BACKEND": "scsp.cache.OptionalRedisCache", "LOCATION": redis_url,
                        "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout}}}


def celery(*, redis_url: str | None, timeout: float, time_zone: str, always_eager: bool,
           beat_lock_seconds: int) -> dict:
    """Every ``CELERY_*`` setting (the ``CELERY`` namespace of ``scsp/celery.py``) but the beat
    schedule, which stays in settings.py with the reminder settings it uses."""
    conf = {
        "CELERY_BROKER_URL": redis_url or "memory://",
        # Every task is fire-and-forget (progress and results are rows in the database), so
        # there is no result backend: publishing never subscribes to Redis for a result that
        # nobody reads.
        "CELERY_RESULT_BACKEND": None,
        "CELERY_TASK_IGNORE_RESULT": True,
        "CELERY_TASK_ALWAYS_EAGER": always_eager,
        "CELERY_TASK_EAGER_PROPAGATES": True,
        "CELERY_TIMEZONE": time_zone,
        "CELERY_TASK_SOFT_TIME_LIMIT": 240,
        "CELERY_TASK_TIME_LIMIT": 300,
        "CELERY_WORKER_PREFETCH_MULTIPLIER": 1,
        "CELERY_TASK_ACKS_LATE": False,
        # Publishing tries the broker twice, at once, then gives up (kombu's default waits 2 s
        # a try).
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "visibility_timeout": 3600, "socket_connect_timeout": timeout,
            "socket_timeout": max(timeout, 5.0), "max_retries": 1, "interval_start": 0,
            "interval_step": 0.1, "interval_max": 0.2},
        "CELERY_BROKER_CONNECTION_TIMEOUT": timeout,
        "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP": True,
        "CELERY_TASK_PUBLISH_RETRY": False,  # a web request never waits on a dead broker
        # The lock holder renews its lock, and a standby beat tries for it, this often.
        "CELERY_BEAT_MAX_LOOP_INTERVAL": max(1, beat_lock_seconds // 5),
    }
    if redis_url:
        # Exactly one beat schedules, however many are started: RedBeat (celery-redbeat)
        # keeps the schedule in Redis and lets only the holder of a Redis lock send anything;
        # another beat waits for the lock as a standby and takes over when the holder stops
        # (at once) or dies (after ``beat_lock_seconds``). See README "Production".
        conf.update({
            "CELERY_BEAT_SCHEDULER": "redbeat.RedBeatScheduler",
            "CELERY_REDBEAT_REDIS_URL": redis_url,
            "CELERY_REDBEAT_KEY_PREFIX": "scsp:beat",
            "CELERY_REDBEAT_LOCK_TIMEOUT": beat_lock_seconds,
            # Redis gone for a while: beat keeps retrying (up to 30 s apart), not exiting.
            "CELERY_REDBEAT_REDIS_OPTIONS": {"socket_connect_timeout": timeout,
                                             "socket_timeout": max(timeout, 5.0),
                                             "retry_period": -1},
        })
    return conf
