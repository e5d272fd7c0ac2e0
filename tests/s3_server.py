"""A local S3 server for the tests: moto's server mode, on a free loopback port, started by the tests."""

import socket

import pytest

from tests.conftest import need

BUCKET = "support-private"
REGION = "us-east-1"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint URL of a moto S3 server for this test session (skipped without moto, outside CI)."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as error:
        need("moto[server]", str(error))
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_storage_settings(endpoint_url):
    """STORAGES entry of the attachment storage on S3, as docs/deployment.md shows it."""
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": endpoint_url,
            "region_name": REGION,
            "access_key": "test",
            "secret_key": "test",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "client_config": Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 2}),
        },
    }
