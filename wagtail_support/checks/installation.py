"""What the app needs from the site: apps in INSTALLED_APPS and middleware.

``REQUIRED_APPS`` is also read by ``WagtailSupportConfig.import_models``: when a missing app makes
the models fail to import, Django stops before any check runs, so that error names the apps instead.
"""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register

# Each app the package needs, with what needs it (shown in the error).
REQUIRED_APPS = {
    "wagtail": "pages, snippets and revisions are Wagtail's",
    "wagtail.admin": "agents and editors work in Wagtail's admin",
    "wagtail.snippets": "coverage policies, products and canned responses are snippets",
    "wagtail.contrib.settings": "Settings → Support settings is a Wagtail site setting",
    "wagtail.contrib.routable_page": "the Support page serves its ticket pages as routes",
    "modelcluster": "a coverage policy keeps its items with it",
    "taggit": "Wagtail's models need it",
    "django.contrib.auth": "customers and staff are users",
    "django.contrib.contenttypes": "permissions and pages need it",
    "django.contrib.sessions": "customers log in",
    "django.contrib.messages": "pages confirm what was done",
    "django.contrib.staticfiles": "the support pages' script and stylesheet are static files",
}

REQUIRED_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]


def missing_apps(registry=apps):
    """{app: why} of the needed apps that ``registry`` (ready for app configs) lacks."""
    return {app: why for app, why in REQUIRED_APPS.items() if not registry.is_installed(app)}


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
