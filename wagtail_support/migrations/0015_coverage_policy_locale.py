"""Coverage policies become translatable (Wagtail's TranslatableMixin), step 1 of 2.

As Wagtail documents for existing models: add ``locale`` and ``translation_key`` as nullable, give
every existing policy its own translation key and the default locale, then (0016) make them required
and unique together. Two migrations, so PostgreSQL alters the table after the rows are written.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from wagtail.coreutils import get_supported_content_language_variant


def bootstrap_translation_keys(apps, schema_editor):
    CoveragePolicy = apps.get_model("wagtail_support", "CoveragePolicy")
    Locale = apps.get_model("wagtailcore", "Locale")
    policies = CoveragePolicy.objects.filter(translation_key__isnull=True)
    if not policies.exists():
        return
    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale = Locale.objects.filter(language_code=language).first() or Locale.objects.order_by("pk").first()
    if locale is None:
        locale = Locale.objects.create(language_code=language)
    for policy in policies.iterator():
        policy.translation_key = uuid.uuid4()
        policy.locale = locale
        policy.save(update_fields=["translation_key", "locale"])


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_support", "0014_customer_profile"),
        ("wagtailcore", "0054_initial_locale"),
    ]

    operations = [
        migrations.AddField(
            model_name="coveragepolicy",
            name="locale",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="coveragepolicy",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(bootstrap_translation_keys, migrations.RunPython.noop),
    ]
