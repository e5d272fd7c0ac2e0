"""Issue 12: every misconfiguration is a system check naming its fix (docs/troubleshooting.md).

Done-when 3: a ``wagtail start`` site with only "wagtail_support" added fails ``manage.py check``
with one error per missing app, each naming it; with the documented apps the check is clean.
"""

import pytest
from celery import current_app
from django.core.checks import run_checks
from django.test import override_settings

from tests.minimal_host.run import DOCUMENTED_APPS, run
from wagtail_support.checks.installation import missing_apps


def ids(include_deployment_checks=False):
    return [message.id for message in run_checks(include_deployment_checks=include_deployment_checks)]


def test_wagtail_start_site_with_only_the_app_fails_check_naming_each_missing_app(tmp_path):
    result = run(["manage.py", "check"], tmp_path)

    assert result.returncode == 1
    expected = ["wagtail.contrib.settings", "wagtail.contrib.routable_page"]
    for app in expected:
        assert result.stderr.count(f'HINT: Add "{app}" to INSTALLED_APPS.') == 1, result.stderr
    assert result.stderr.count("(wagtail_support.E003)") == len(expected)


def test_wagtail_start_site_with_the_documented_apps_passes_check(tmp_path):
    result = run(["manage.py", "check"], tmp_path, add_apps=DOCUMENTED_APPS)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_apps_the_models_need_are_named_instead_of_a_model_class_error(tmp_path):
    without = ["wagtail", "taggit"]
    result = run(["manage.py", "check"], tmp_path, add_apps=DOCUMENTED_APPS, remove_apps=without)

    assert result.returncode == 1
    error = result.stderr[result.stderr.rindex("ImproperlyConfigured") :]
    assert error.startswith("ImproperlyConfigured: wagtail-support needs apps that are not installed:")
    assert [line.split(" (")[0] for line in error.splitlines()[1:]] == [
        '- Add "wagtail" to INSTALLED_APPS',
        '- Add "taggit" to INSTALLED_APPS',
    ]


def test_installed_site_has_no_missing_app():
    assert missing_apps() == {}
    assert "wagtail_support.E003" not in ids()


@override_settings(
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
)
def test_missing_messages_middleware_is_named():
    [error] = [message for message in run_checks() if message.id == "wagtail_support.E004"]
    assert 'Add "django.contrib.messages.middleware.MessageMiddleware" to MIDDLEWARE' in error.msg


@override_settings(STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}})
def test_attachments_without_a_private_storage_warn():
    assert "wagtail_support.W001" in ids()


# Deploy checks (manage.py check --deploy).

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}


@pytest.mark.parametrize(("caches", "warned"), [(LOCMEM, True), (REDIS, False)])
def test_rate_limits_on_a_per_process_cache_warn_on_deploy(caches, warned):
    with override_settings(CACHES=caches):
        assert ("wagtail_support.W002" in ids(include_deployment_checks=True)) is warned
        assert "wagtail_support.W002" not in ids()


@pytest.mark.parametrize(
    ("admin_base_url", "support", "warned"),
    [
        ("", {}, True),
        ("http://127.0.0.1:8000", {}, True),
        ("https://shop.example.com", {}, False),
        ("", {"BASE_URL": "https://shop.example.com"}, False),
    ],
)
def test_no_public_base_url_warns_on_deploy(admin_base_url, support, warned):
    with override_settings(WAGTAILADMIN_BASE_URL=admin_base_url, WAGTAIL_SUPPORT=support):
        assert ("wagtail_support.W003" in ids(include_deployment_checks=True)) is warned


@pytest.fixture
def celery_conf():
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url
    yield conf
    conf.task_always_eager, conf.broker_url = saved


@pytest.mark.parametrize(
    ("eager", "broker", "debug", "warned"),
    [
        (True, "redis://127.0.0.1:6379/0", False, True),
        (False, "memory://", False, True),
        (False, None, False, True),
        (False, "redis://127.0.0.1:6379/0", False, False),
        (True, "memory://", True, False),
    ],
)
def test_no_broker_outside_debug_warns_on_deploy(celery_conf, eager, broker, debug, warned):
    celery_conf.task_always_eager, celery_conf.broker_url = eager, broker
    with override_settings(DEBUG=debug):
        assert ("wagtail_support.W004" in ids(include_deployment_checks=True)) is warned


REDIS_WITHOUT_TIMEOUT = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
REDIS_WITH_TIMEOUT = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.mark.parametrize(
    ("email_timeout", "caches", "warned"),
    [(None, REDIS_WITH_TIMEOUT, True), (10, REDIS_WITHOUT_TIMEOUT, True), (10, REDIS_WITH_TIMEOUT, False)],
)
def test_outside_calls_without_a_timeout_warn_on_deploy(email_timeout, caches, warned):
    """Issue 19.3: no request or task may hang on the mail server, the database or Redis."""
    with override_settings(EMAIL_TIMEOUT=email_timeout, CACHES=caches):
        assert ("wagtail_support.W005" in ids(include_deployment_checks=True)) is warned


def test_object_storage_without_a_client_timeout_warns_on_deploy(settings):
    s3 = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "private"}}
    with override_settings(EMAIL_TIMEOUT=10, CACHES=REDIS_WITH_TIMEOUT):
        with override_settings(STORAGES={**settings.STORAGES, "wagtail_support_attachments": s3}):
            assert "wagtail_support.W005" in ids(include_deployment_checks=True)
        s3["OPTIONS"]["client_config"] = object()
        with override_settings(STORAGES={**settings.STORAGES, "wagtail_support_attachments": s3}):
            assert "wagtail_support.W005" not in ids(include_deployment_checks=True)
