"""Run in a subprocess on a fresh SQLite file (``python -m tests.minimal_host.install_run``):

1. migrate every app but wagtail_support, as a site looks before installing the app;
2. give groups page, collection and model permissions, and note what every group holds;
3. ``migrate`` (the app's migrations), note it again;
4. ``support_setup --groups``, then open admin and site pages as a superuser.

Prints one JSON object: {"before": ..., "after": ..., "statuses": {url: status}}.
"""

import json

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.sql import emit_post_migrate_signal  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site  # noqa: E402


def migrate_all_but_the_app():
    executor = MigrationExecutor(connection)
    executor.migrate([key for key in executor.loader.graph.leaf_nodes() if key[0] != "wagtail_support"])
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)


def permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def build_groups():
    """Wagtail's own groups as its migrations made them, plus a group of the owner's with rights of
    every kind, one of them on the app's own models."""
    home = Site.objects.get(is_default_site=True).root_page
    shop, _ = Group.objects.get_or_create(name="Shop staff")
    shop.permissions.add(
        permission("wagtailadmin", "access_admin"),
        permission("wagtail_support", "view_purchase"),
        permission("wagtailimages", "add_image"),
    )
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=shop, page=home, permission=permission("wagtailcore", codename)
        )
    GroupCollectionPermission.objects.create(
        group=shop,
        collection=Collection.get_first_root_node(),
        permission=permission("wagtaildocs", "add_document"),
    )
    Group.objects.get_or_create(name="Empty group")


def rights():
    """{group: {"model": [...], "page": [...], "collection": [...]}} of every group."""
    held = {}
    for group in Group.objects.order_by("name"):
        held[group.name] = {
            "model": sorted(
                f"{p.content_type.app_label}.{p.codename}"
                for p in group.permissions.select_related("content_type")
            ),
            "page": sorted(
                f"{g.page_id}:{g.permission.codename}"
                for g in GroupPagePermission.objects.filter(group=group).select_related("permission")
            ),
            "collection": sorted(
                f"{g.collection_id}:{g.permission.codename}"
                for g in GroupCollectionPermission.objects.filter(group=group).select_related("permission")
            ),
        }
    return held


def statuses():
    """What a superuser gets from the admin's screens and the site's support pages."""
    call_command("support_setup", "--groups", verbosity=0)
    user = get_user_model().objects.create_superuser("root", "root@example.com", "password")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    site = Site.objects.get(is_default_site=True)
    policy_page = Page.objects.get(slug="what-support-covers")
    urls = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[site.root_page_id]),
        reverse("wagtailadmin_pages:edit", args=[policy_page.pk]),
        reverse("wagtailsettings:edit", args=["wagtail_support", "supportsettings", site.pk]),
        reverse("wagtailsnippets_wagtail_support_coveragepolicy:list"),
        reverse("wagtailsnippets_wagtail_support_supportedproduct:list"),
        reverse("wagtailsnippets_wagtail_support_cannedresponse:list"),
        reverse("wagtail_support_tickets:index"),
        reverse("wagtail_support_outbox:index"),
        reverse("wagtail_support_reports:index"),
        reverse("wagtailusers_groups:index"),
        "/what-support-covers/",
        "/support/",
    ]
    return {url: client.get(url).status_code for url in urls}


if __name__ == "__main__":
    migrate_all_but_the_app()
    build_groups()
    before = rights()
    call_command("migrate", verbosity=0)
    after = rights()
    print(json.dumps({"before": before, "after": after, "statuses": statuses()}))
