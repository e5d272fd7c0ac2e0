"""Support agents may see purchases (Support → Purchases) for the context of their tickets.

Only viewing: adding, changing and revoking purchases stay with the groups a site owner chooses.
The permission is created here because Django creates it only after all migrations ran.
"""

from django.db import migrations

AGENTS = "Support agents"


def view_purchase(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtail_support", model="purchase")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="view_purchase", defaults={"name": "Can view purchase"}
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    agents, _ = Group.objects.get_or_create(name=AGENTS)
    agents.permissions.add(view_purchase(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    agents = Group.objects.filter(name=AGENTS).first()
    if agents is not None:
        agents.permissions.remove(view_purchase(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_support", "0005_purchases_entitlements_support_page"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
