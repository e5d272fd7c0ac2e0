"""Nothing: installing the app grants no rights.

This step once gave Wagtail's "Editors" group the coverage-policy permissions and publishing on the
root page. No migration creates groups or grants permissions; ``manage.py support_setup --groups``
creates the app's own groups. The step stays so that the migrations after it keep their numbers.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("wagtail_support", "0002_coverage_policy_products_settings")]

    operations = []
