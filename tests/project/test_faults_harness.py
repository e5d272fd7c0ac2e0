"""Issue 13, "Done when": the load harness (bench/faults.py) in a tiny configuration. A killed worker,
a database fault and a cache outage under load leave no duplicate e-mail, no silent outbox row and no
500 after a committed write. Real gunicorn, PostgreSQL, Redis, Celery worker and SMTP sink; ~1 minute."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def postgres_url():
    """A PostgreSQL server to create the harness's own database on: DATABASE_URL's, else the local one."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    candidates = [url] if url.startswith("postgres") else []
    candidates += ["postgres://postgres@127.0.0.1:5432/", "postgres://root@127.0.0.1:5432/"]
    for candidate in candidates:
        parts = urlsplit(candidate)
        try:
            psycopg.connect(
                host=parts.hostname,
                port=parts.port or 5432,
                user=parts.username,
                dbname="postgres",
                connect_timeout=3,
            ).close()
        except psycopg.Error:
            continue
        return candidate
    return None


def redis_answers(port=6379):
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_faults_under_load_leave_no_duplicate_no_silent_row_and_no_500_after_a_commit():
    url = postgres_url()
    if url is None:
        need("PostgreSQL", "nothing answers on 127.0.0.1:5432")
    if not redis_answers():
        need("Redis", "nothing answers on 127.0.0.1:6379")
    if shutil.which("redis-server") is None:
        need("redis-server", "the harness starts its own cache server and it is not on PATH")

    command = [sys.executable, "bench/faults.py", "--customers", "5", "--seconds", "20", "--outage", "4"]
    command += ["--sending-timeout", "5", "--database", "bench_faults_ci"]
    result = subprocess.run(  # noqa: S603 - our own script
        command,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=400,
    )

    report = result.stdout
    assert result.returncode == 0, report + result.stderr[-3000:]
    assert "worker SIGKILLed while the sink held a message: True" in report
    assert "500s after a committed write: 0" in report
    assert "duplicates 0" in report
    assert "silent rows     0" in report
    assert "the admin's Support menu shows it: True" in report
    assert report.rstrip().endswith("PASS")
