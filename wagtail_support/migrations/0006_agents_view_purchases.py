"""Nothing: installing the app grants no rights.

This step once let a "Support agents" group view purchases. ``manage.py support_setup --groups``
creates that group with its rights; the step stays so that the migrations after it keep their numbers.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("wagtail_support", "0005_purchases_entitlements_support_page")]

    operations = []
