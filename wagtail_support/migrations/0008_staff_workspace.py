"""The staff workspace: canned responses, targets per product kind and auto-close.

On PostgreSQL, full-text (GIN) indexes serve the queue's search. No group gets any right here:
``manage.py support_setup --groups`` creates the app's groups.
"""

import django.db.models.deletion
import modelsearch.index
from django.db import migrations, models

SEARCH_INDEXES = {
    "wsupport_ticket_title_fts": "wagtail_support_ticket USING gin (to_tsvector('simple', title))",
    "wsupport_message_body_fts": "wagtail_support_message USING gin (to_tsvector('simple', body))",
}


def add_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in SEARCH_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_support", "0007_tickets"),
    ]

    operations = [
        migrations.AddField(
            model_name="supportsettings",
            name="auto_close_days",
            field=models.PositiveIntegerField(
                default=7,
                help_text="The customer is told when it happens; 0 never closes tickets automatically.",
                verbose_name="close tickets awaiting the customer after (days)",
            ),
        ),
        migrations.AddField(
            model_name="supportsettings",
            name="breach_warning_hours",
            field=models.PositiveIntegerField(
                default=2,
                help_text="Unanswered tickets this close to their due time are sent to the team; 0 is off.",
                verbose_name="warn before a target is missed (hours)",
            ),
        ),
        migrations.AddField(
            model_name="supportsettings",
            name="first_response_hours_hosting",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Leave empty to use the general target.",
                null=True,
                verbose_name="first response target for hosting plans (hours)",
            ),
        ),
        migrations.AddField(
            model_name="supportsettings",
            name="first_response_hours_plugin",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Leave empty to use the general target.",
                null=True,
                verbose_name="first response target for plugins (hours)",
            ),
        ),
        migrations.AddField(
            model_name="supportsettings",
            name="first_response_hours_service",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Leave empty to use the general target.",
                null=True,
                verbose_name="first response target for services (hours)",
            ),
        ),
        migrations.AddField(
            model_name="supportsettings",
            name="first_response_hours_theme",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Leave empty to use the general target.",
                null=True,
                verbose_name="first response target for themes (hours)",
            ),
        ),
        migrations.AlterField(
            model_name="supportsettings",
            name="first_response_hours",
            field=models.PositiveIntegerField(
                default=24, help_text="0 means no target.", verbose_name="first response target (hours)"
            ),
        ),
        migrations.CreateModel(
            name="CannedResponse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("body", models.TextField(help_text="Markdown, as in a reply.", verbose_name="text")),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        help_text="Leave empty to offer it on every ticket.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="canned_responses",
                        to="wagtail_support.supportedproduct",
                        verbose_name="product",
                    ),
                ),
            ],
            options={
                "verbose_name": "canned response",
                "verbose_name_plural": "canned responses",
                "ordering": ["title", "pk"],
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.RunPython(add_search_indexes, drop_search_indexes),
    ]
