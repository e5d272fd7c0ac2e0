"""System checks: configuration mistakes a site owner should hear about at start-up, not as a 500.

Each message names its fix; docs/troubleshooting.md lists every id. ``manage.py check`` runs the
installation checks, ``manage.py check --deploy`` adds the production ones.
"""

from wagtail_support.checks import app_settings, deploy, installation  # noqa: F401 - registers the checks
