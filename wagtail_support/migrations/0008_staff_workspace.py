"""The staff workspace: canned responses, targets per product kind, auto-close, and who may do what.

Support agents get the ticket permissions and may maintain canned responses; editors may maintain
canned responses but see no tickets. On PostgreSQL, full-text (GIN) indexes serve the queue's search.
Permissions are created here because Django creates them only after all migrations ran.
"""

import django.db.models.deletion
import modelsearch.index
from django.db import migrations, models

AGENTS = "Support agents"
EDITORS = "Editors"
AGENT_PERMISSIONS = {
    "ticket": ["view_ticket", "change_ticket", "reply_ticket", "assign_ticket"],
    "cannedresponse": ["view_cannedresponse", "add_cannedresponse", "change_cannedresponse"],
    "purchase": ["view_purchase"],
    "supportedproduct": ["view_supportedproduct"],
}
EDITOR_PERMISSIONS = {
    "cannedresponse": ["view_cannedresponse", "add_cannedresponse", "change_cannedresponse"]
}
NAMES = {
    "reply_ticket": "Can reply to tickets and write internal notes",
    "assign_ticket": "Can assign tickets",
}
SEARCH_INDEXES = {
    "wsupport_ticket_title_fts": "wagtail_support_ticket USING gin (to_tsvector('simple', title))",
    "wsupport_message_body_fts": "wagtail_support_message USING gin (to_tsvector('simple', body))",
}


def permissions(apps, wanted):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    found = []
    for model, codenames in wanted.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="wagtail_support", model=model)
        for codename in codenames:
            action = codename.split("_", 1)[0]
            default_name = NAMES.get(
                codename, f"Can {action} {model.replace('cannedresponse', 'canned response')}"
            )
            found.append(
                Permission.objects.get_or_create(
                    content_type=content_type, codename=codename, defaults={"name": default_name}
                )[0]
            )
    return found


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    agents, _ = Group.objects.get_or_create(name=AGENTS)
    agents.permissions.add(*permissions(apps, AGENT_PERMISSIONS))
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*permissions(apps, EDITOR_PERMISSIONS))
    if access is not None:
        agents.permissions.add(access)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, wanted in ((AGENTS, AGENT_PERMISSIONS), (EDITORS, EDITOR_PERMISSIONS)):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            granted = [p for p in permissions(apps, wanted) if p.codename not in ("view_purchase",)]
            group.permissions.remove(*granted)


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
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
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
        migrations.RunPython(grant, revoke),
        migrations.RunPython(add_search_indexes, drop_search_indexes),
    ]
