"""The example site: demo content, pages, login, and settings from the environment."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from example_site.home.models import ContentPage, HomePage

ROOT = Path(__file__).resolve().parents[2]
SITE_ENV = [
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
]


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in SITE_ENV and k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_demo(capsys):
    call_command("support_demo")
    out = capsys.readouterr().out
    return re.search(r"user: admin\s+password: (\S+)", out).group(1)


@pytest.mark.django_db
def test_demo_content_is_idempotent_and_prints_a_working_admin_login(client, capsys):
    load_demo(capsys)
    password = load_demo(capsys)
    assert HomePage.objects.count() == 2  # English and its Spanish translation
    assert ContentPage.objects.filter(slug="how-to-get-support").count() == 1
    assert ContentPage.objects.filter(slug="como-obtener-soporte").count() == 1
    assert client.login(username="admin", password=password)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_home_and_guide_pages_are_served(client, capsys):
    load_demo(capsys)
    home = client.get("/")
    assert home.status_code == 200
    assert b"Acme Themes" in home.content
    guide = client.get("/how-to-get-support/")
    assert guide.status_code == 200
    content = guide.content.decode()
    assert "How to get professional support" in content
    assert "set your password" in content
    assert 'href="/how-to-get-support/"' in home.content.decode()  # the guide is in the menu


@pytest.mark.django_db
def test_customer_can_log_in_and_out(client, django_user_model):
    django_user_model.objects.create_user("ann", "ann@example.com", "a-good-password")
    assert client.get("/support-center/account/login/").status_code == 200
    login = "/support-center/account/login/"
    response = client.post(login, {"username": "ann", "password": "a-good-password"})
    assert response.status_code == 302
    assert client.get("/").context["user"].is_authenticated
    assert client.post("/support-center/account/logout/").status_code == 302
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_wrong_password_gets_a_clear_error(client, django_user_model):
    django_user_model.objects.create_user("ann", "ann@example.com", "a-good-password")
    response = client.post("/support-center/account/login/", {"username": "ann", "password": "nope"})
    assert response.status_code == 200
    assert "enter the e-mail address and password of your account" in response.content.decode()


def test_production_shaped_settings_pass_the_deploy_check(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-" + "y" * 20,
        ALLOWED_HOSTS="support.example.com",
        SECURE_HSTS_PRELOAD="true",
        REDIS_URL="redis://127.0.0.1:6379/0",
        WAGTAILADMIN_BASE_URL="https://support.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    result = run_manage("check", DEBUG="false", ALLOWED_HOSTS="support.example.com")
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment when DEBUG is off." in result.stderr


SHOW_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
    "'broker': s.CELERY_BROKER_URL, 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
    "'email': s.EMAIL_BACKEND, 'email_path': getattr(s, 'EMAIL_FILE_PATH', None),"
    "'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS}))"
)


def settings_under(**env):
    result = run_manage("shell", "-c", SHOW_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_demo_defaults_need_no_environment():
    shown = settings_under()
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["eager"] is True  # no broker: tasks run in-process
    assert shown["email"] == "django.core.mail.backends.console.EmailBackend"
    assert shown["debug"] is True


def test_settings_come_from_the_environment(tmp_path):
    shown = settings_under(
        DATABASE_URL="postgres://shop:secret@db.internal:5432/support",
        REDIS_URL="redis://cache.internal:6379/2",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
        DEBUG="false",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="a.example.com, b.example.com",
    )
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["name"] == "support"
    assert shown["broker"] == "redis://cache.internal:6379/2"
    assert shown["eager"] is False
    assert shown["email_path"] == str(tmp_path)
    assert shown["hosts"] == ["a.example.com", "b.example.com"]
    assert settings_under(CELERY_BROKER_URL="redis://x:6379/0", REDIS_URL="redis://y:6379/0")["broker"] == (
        "redis://x:6379/0"
    )
