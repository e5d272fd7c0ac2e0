"""A site shaped like ``wagtail start``'s settings with only "wagtail_support" added, for the checks
and migration tests that run ``manage.py`` in a subprocess.

``MINIMAL_HOST_ADD_APPS`` / ``MINIMAL_HOST_REMOVE_APPS`` (JSON lists) change INSTALLED_APPS;
``MINIMAL_HOST_DB`` is the SQLite file.
"""

import json
import os
import tempfile
from pathlib import Path

SCRATCH = Path(os.environ.get("MINIMAL_HOST_DB", Path(tempfile.gettempdir()) / "minimal-host.sqlite3")).parent

# wagtail start's INSTALLED_APPS without its project apps ("home", "search").
WAGTAIL_START_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
_removed = set(json.loads(os.environ.get("MINIMAL_HOST_REMOVE_APPS", "[]")))
INSTALLED_APPS = [
    "wagtail_support",
    *json.loads(os.environ.get("MINIMAL_HOST_ADD_APPS", "[]")),
    *(app for app in WAGTAIL_START_APPS if app not in _removed),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "tests.minimal_host.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],  # Wagtail's project base.html
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("MINIMAL_HOST_DB", str(SCRATCH / "minimal-host.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECRET_KEY = "minimal-host-only-for-tests"  # noqa: S105
DEBUG = True
ALLOWED_HOSTS = ["*"]
LANGUAGE_CODE = "en-us"
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_ROOT = str(SCRATCH / "minimal-host-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "wagtail_support_attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(SCRATCH / "minimal-host-private")},
    },
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAIL_SITE_NAME = "Minimal host"
WAGTAILADMIN_BASE_URL = "http://example.com"
CRISPY_TEMPLATE_PACK = os.environ.get("MINIMAL_HOST_CRISPY_PACK", "bootstrap5")
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
