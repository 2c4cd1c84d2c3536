"""An S3-compatible object store for the tests: moto in server mode on a free loopback port,
spoken to over HTTP by the same django-storages backend production uses
(``scsp.storage.PrivateS3Storage``, ``STORAGE_BACKEND=s3``).

Locally the tests that need it skip when moto is not installed; with REQUIRE_SERVICES=1 (CI)
they fail instead (:func:`tests.services.need`)."""

from __future__ import annotations

import importlib.util
import uuid

from tests.services import free_port, need

#: moto accepts any credentials; these only have to look like keys.
ACCESS_KEY = "AKIASCSPTESTKEY00000"
SECRET_KEY = "scsp-test-secret-key-not-a-secret-0000000"
REGION = "eu-west-2"


def need_moto() -> None:
    need("moto (S3 emulator)", importlib.util.find_spec("moto") is not None
         and importlib.util.find_spec("flask") is not None,
         "pip install 'moto[server]' (a dev dependency in requirements.lock)")


class MotoS3:
    """moto's ThreadedMotoServer on a free loopback port, stopped when the session ends."""

    def __init__(self):
        need_moto()
        from moto.server import ThreadedMotoServer

        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    def start(self):
        self.server.start()
        return self

    def stop(self):
        self.server.stop()

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)

    def new_bucket(self) -> str:
        name = f"scsp-test-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name,
                                    CreateBucketConfiguration={"LocationConstraint": REGION})
        return name

    def environment(self, bucket: str) -> dict[str, str]:
        """The settings' environment variables of a process that uses ``bucket``."""
        return {"STORAGE_BACKEND": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": self.endpoint,
                "S3_REGION": REGION, "S3_ACCESS_KEY_ID": ACCESS_KEY,
                "S3_SECRET_ACCESS_KEY": SECRET_KEY}

    def storage_settings(self, bucket: str) -> dict:
        """``STORAGES["default"]`` exactly as ``scsp.settings`` builds it from :meth:`environment`."""
        from scsp.service_settings import default_storage, mapping_env

        return default_storage(mapping_env(self.environment(bucket)), base_dir=None)
