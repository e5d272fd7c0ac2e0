"""Coverage policies become translatable, step 2 of 2: locale and translation key required, unique together."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_support", "0015_coverage_policy_locale"),
    ]

    operations = [
        migrations.AlterField(
            model_name="coveragepolicy",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="coveragepolicy",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name="coveragepolicy",
            unique_together={("translation_key", "locale")},
        ),
    ]
