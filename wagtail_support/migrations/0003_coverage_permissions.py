"""Editors maintain coverage policies and publish pages; support agents may only view policies.

Permissions for the new models are created here (Django would create them after migrating,
too late to assign them), with the codenames and names Django and Wagtail give them.
"""

from django.db import migrations

EDITORS = "Editors"
AGENTS = "Support agents"

EDITOR_POLICY_ACTIONS = ["add", "change", "delete", "view", "publish", "lock", "unlock"]
AGENT_POLICY_ACTIONS = ["view"]


def policy_permissions(apps, actions):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtail_support", model="coveragepolicy")
    return [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_coveragepolicy",
            defaults={"name": f"Can {action} coverage policy"},
        )[0]
        for action in actions
    ]


def admin_access(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Page = apps.get_model("wagtailcore", "Page")
    Permission = apps.get_model("auth", "Permission")
    access = admin_access(apps)

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*policy_permissions(apps, EDITOR_POLICY_ACTIONS))
    root = Page.objects.filter(depth=1).first()
    publish_page = Permission.objects.filter(content_type__app_label="wagtailcore", codename="publish_page").first()
    if root is not None and publish_page is not None:
        GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=publish_page)

    agents, _ = Group.objects.get_or_create(name=AGENTS)
    agents.permissions.add(*policy_permissions(apps, AGENT_POLICY_ACTIONS))
    if access is not None:
        editors.permissions.add(access)
        agents.permissions.add(access)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    policy_perms = Permission.objects.filter(
        content_type__app_label="wagtail_support", content_type__model="coveragepolicy"
    )
    for group in Group.objects.filter(name__in=[EDITORS, AGENTS]):
        group.permissions.remove(*policy_perms)


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_support", "0002_coverage_policy_products_settings"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
