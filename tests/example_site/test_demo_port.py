"""`PORT=8101 make demo`: the logins, the demo site and the links in e-mails all say 8101 (issue 13, 7)."""

import os
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Site

from tests.example_site.test_example_site import ROOT, run_manage
from wagtail_support.notifications.models import Notification


def demo_on(port):
    out = StringIO()
    call_command("support_demo", port=port, admin_password="demo-password", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_site_and_email_links_follow_the_port(settings):
    settings.WAGTAILADMIN_BASE_URL = None  # the links come from the demo site itself

    printed = demo_on(8101)

    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "http://127.0.0.1:8101"
    assert "Admin login: http://127.0.0.1:8101/admin/" in printed
    assert "Customer login: http://127.0.0.1:8101/support/" in printed
    links = Notification.objects.filter(kind="ticket_opened_customer").values_list(
        "context__ticket_url", flat=True
    )
    assert links and all(link.startswith("http://127.0.0.1:8101/support/SUP-") for link in links)


@pytest.mark.django_db
def test_running_the_demo_on_another_port_moves_the_site_once():
    demo_on(8101)
    demo_on(8102)
    demo_on(8102)

    assert list(Site.objects.values_list("hostname", "port")) == [("127.0.0.1", 8102)]


@pytest.mark.django_db
def test_the_port_comes_from_the_environment_by_default(monkeypatch):
    monkeypatch.setenv("PORT", "8103")
    out = StringIO()
    call_command("support_demo", admin_password="demo-password", stdout=out)
    # call_command builds the parser now, so the default is read from PORT at this point.
    assert Site.objects.get(is_default_site=True).port == 8103
    assert "http://127.0.0.1:8103/admin/" in out.getvalue()


def test_example_settings_link_to_the_served_port():
    show = "from django.conf import settings; print(settings.WAGTAILADMIN_BASE_URL)"
    assert (
        run_manage("shell", "-c", show, PORT="8101").stdout.strip().splitlines()[-1]
        == "http://127.0.0.1:8101"
    )
    assert run_manage("shell", "-c", show, PORT="").stdout.strip().splitlines()[-1] == "http://127.0.0.1:8000"


def test_make_demo_passes_the_port_to_every_step():
    env = {**os.environ, "PORT": "8101"}
    dry_run = subprocess.run(
        ["make", "-n", "demo"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "support_demo --port 8101" in dry_run
    assert "runserver 127.0.0.1:8101" in dry_run
