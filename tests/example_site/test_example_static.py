"""Issue 13.4: the example site's production mode builds its static files.

``DEBUG=false manage.py collectstatic`` uses WhiteNoise's manifest storage, which follows every
``url()`` and ``sourceMappingURL`` in the files and stops at a missing one (``MissingFileError``).
"""

import json

from django.core.management import call_command
from django.test import override_settings

from example_site import settings as site_settings

PRODUCTION_STATIC = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_collectstatic_with_the_production_storage_builds(tmp_path):
    storages = {**site_settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STATIC}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert "vendor/bootstrap/bootstrap.min.css" in manifest
    assert "vendor/bootstrap/bootstrap.bundle.min.js" in manifest
