"""What the app needs from the site: apps in INSTALLED_APPS, middleware, a crispy template pack.

``REQUIRED_APPS`` is also read by ``WagtailSupportConfig.import_models``: when a missing app makes
the models fail to import, Django stops before any check runs, so that error names the apps instead.
"""

from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register

# Each app the package needs, with what needs it (shown in the error).
REQUIRED_APPS = {
    "wagtail": "pages, snippets and revisions are Wagtail's",
    "wagtail.admin": "agents and editors work in Wagtail's admin",
    "wagtail.snippets": "coverage policies, products and canned responses are snippets",
    "wagtail.contrib.settings": "Settings → Support is a Wagtail site setting",
    "wagtail.contrib.routable_page": "the Support page serves its ticket pages as routes",
    "modelcluster": "a coverage policy keeps its items with it",
    "taggit": "Wagtail's models need it",
    "django.contrib.auth": "customers and staff are users",
    "django.contrib.contenttypes": "permissions and pages need it",
    "django.contrib.sessions": "customers log in",
    "django.contrib.messages": "pages confirm what was done",
    "django.contrib.staticfiles": "the support pages' script and stylesheet are static files",
}
CRISPY_APP = ("crispy_forms", "the customer pages' forms are rendered with django-crispy-forms")

REQUIRED_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@cache
def templates_need_crispy():
    """True while one of the app's templates loads ``crispy_forms_tags``."""
    return any("crispy_forms_tags" in path.read_text() for path in TEMPLATES_DIR.rglob("*.html"))


def required_apps():
    """{app: why} of every app the package needs, in the order the errors list them."""
    needed = dict(REQUIRED_APPS)
    if templates_need_crispy():
        needed[CRISPY_APP[0]] = CRISPY_APP[1]
    return needed


def missing_apps(registry=apps):
    """{app: why} of the needed apps that ``registry`` (ready for app configs) lacks."""
    return {app: why for app, why in required_apps().items() if not registry.is_installed(app)}


def add_app_line(app):
    return f'Add "{app}" to INSTALLED_APPS'


@register()
def required_apps_installed(app_configs, **kwargs):
    return [
        Error(
            f"{add_app_line(app)}: wagtail-support needs it ({why}).",
            hint=f"{add_app_line(app)}.",
            id="wagtail_support.E003",
        )
        for app, why in missing_apps().items()
    ]


@register()
def required_middleware_installed(app_configs, **kwargs):
    middleware = settings.MIDDLEWARE or []
    return [
        Error(
            f'Add "{name}" to MIDDLEWARE: the support pages need it.',
            hint=f'Add "{name}" to MIDDLEWARE, in the order of Django\'s project template.',
            id="wagtail_support.E004",
        )
        for name in REQUIRED_MIDDLEWARE
        if name not in middleware
    ]


@register()
def crispy_template_pack_set(app_configs, **kwargs):
    if not templates_need_crispy() or getattr(settings, "CRISPY_TEMPLATE_PACK", None):
        return []
    return [
        Error(
            "CRISPY_TEMPLATE_PACK is not set, so the customer forms cannot be rendered.",
            hint=(
                'Set CRISPY_TEMPLATE_PACK, e.g. "bootstrap5" with "crispy_bootstrap5" in INSTALLED_APPS '
                'and CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5".'
            ),
            id="wagtail_support.E005",
        )
    ]
