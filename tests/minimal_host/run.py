"""Run ``manage.py`` or a script in a subprocess under the minimal host's settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a wagtail start site must add beside "wagtail_support" (docs/installation.md).
DOCUMENTED_APPS = [
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
]


def run(args, tmp_path, add_apps=(), remove_apps=(), timeout=300):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.minimal_host.settings",
        "MINIMAL_HOST_DB": str(tmp_path / "db.sqlite3"),
        "MINIMAL_HOST_ADD_APPS": json.dumps(list(add_apps)),
        "MINIMAL_HOST_REMOVE_APPS": json.dumps(list(remove_apps)),
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
