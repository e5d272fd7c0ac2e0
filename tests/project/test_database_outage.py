"""Issue 19.3: with the database unreachable, a customer sees the friendly 503 page, not a bare 500.

The example site runs in a subprocess whose DATABASE_URL points at a port where nothing listens (as
when PostgreSQL is stopped); its requests go through the whole middleware stack and URLconf.
"""

import json
import os
import subprocess
import sys

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from tests.conftest import ROOT
from wagtail_support import unavailable

PATHS = ["/", "/support/", "/es/support/", "/support-center/account/login/", "/shop/"]

SCRIPT = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
answers = {}
for path in json.loads(sys.argv[1]):
    response = client.get(path)
    answers[path] = [response.status_code, response.get("Retry-After"), response.content.decode()]
login = client.post("/support-center/account/login/", {"username": "ann@example.com", "password": "x"})
answers["POST login"] = [login.status_code, login.get("Retry-After"), login.content.decode()]
health = client.get("/support-center/health/")
answers["health"] = [health.status_code, None, health.content.decode()]
print(json.dumps(answers))
"""


def requests_with_the_database_down(language=None):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/stopped",
        "DATABASE_CONNECT_TIMEOUT": "2",
        "DEBUG": "false",
        "HTTPS": "false",
        "SECRET_KEY": "test-only",
        "ALLOWED_HOSTS": "testserver",
        "SERVE_STATIC_FROM_APPS": "true",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(PATHS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_page_answers_the_friendly_503_page_when_the_database_is_down():
    answers = requests_with_the_database_down()
    assert answers.pop("health")[::2] == [503, '{"status": "down"}']  # the load balancer's answer
    for path, (status, retry_after, body) in answers.items():
        assert status == 503, (path, status, body[:300])
        assert retry_after == "30"
        # In the visitor's language, with no database needed to choose it.
        assert ("Volvemos enseguida" if path.startswith("/es/") else "Back in a moment") in body
        assert "Traceback" not in body


def test_the_503_page_needs_no_database():
    request = RequestFactory().get("/support/")
    response = unavailable.DatabaseUnavailableMiddleware(lambda r: None).process_exception(
        request, OperationalError("connection refused")
    )
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_other_errors_are_left_to_the_sites_500_page():
    request = RequestFactory().get("/support/")
    middleware = unavailable.DatabaseUnavailableMiddleware(lambda r: None)
    assert middleware.process_exception(request, ValueError("a bug")) is None
    try:
        raise ValueError("a bug")
    except ValueError:
        response = unavailable.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.parametrize("error", [OperationalError, unavailable.InterfaceError])
def test_the_500_handler_answers_503_for_a_database_error_outside_a_view(error):
    request = RequestFactory().get("/support/")
    try:
        raise error("server closed the connection unexpectedly")
    except error:
        response = unavailable.server_error(request)
    assert response.status_code == 503
