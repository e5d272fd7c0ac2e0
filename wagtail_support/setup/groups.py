"""The app's own groups and the rights each needs; created only when the owner asks for them.

No migration creates a group or grants a right: ``manage.py support_setup --groups`` calls
``ensure_groups()``. It only ever adds to the app's groups, never to Wagtail's "Editors" or
"Moderators", and never takes away a right an owner gave by hand.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission

AGENTS = "Support agents"
POLICY_EDITORS = "Support policy editors"
APP_GROUPS = (AGENTS, POLICY_EDITORS)

ACCESS_ADMIN = ("wagtailadmin", "access_admin")

# Model permissions by group, as "app_label.codename".
GROUP_PERMISSIONS = {
    AGENTS: [
        "wagtailadmin.access_admin",
        "wagtail_support.view_ticket",
        "wagtail_support.change_ticket",
        "wagtail_support.reply_ticket",
        "wagtail_support.assign_ticket",
        "wagtail_support.view_cannedresponse",
        "wagtail_support.add_cannedresponse",
        "wagtail_support.change_cannedresponse",
        "wagtail_support.view_purchase",
        "wagtail_support.view_supportedproduct",
        "wagtail_support.view_notification",
        "wagtail_support.view_inboundmessage",
        "wagtail_support.view_coveragepolicy",
    ],
    POLICY_EDITORS: [
        "wagtailadmin.access_admin",
        "wagtail_support.view_coveragepolicy",
        "wagtail_support.add_coveragepolicy",
        "wagtail_support.change_coveragepolicy",
        "wagtail_support.publish_coveragepolicy",
        "wagtail_support.lock_coveragepolicy",
        "wagtail_support.unlock_coveragepolicy",
    ],
}

# Page permissions the policy editors get on each coverage-policy page that support_setup placed.
POLICY_PAGE_PERMISSIONS = ["wagtailcore.change_page", "wagtailcore.publish_page"]


def _permission(name):
    app_label, codename = name.split(".", 1)
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist:
        raise ImproperlyConfigured(
            f"The permission {name} does not exist yet. Run `manage.py migrate` first."
        ) from None


def ensure_groups(policy_pages=()):
    """Create the app's groups and give them their rights; returns one line per change made.

    ``policy_pages``: coverage-policy pages the policy editors may edit and publish.
    """
    changes = []
    for name, permission_names in GROUP_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            changes.append(_('Created the group "%(group)s".') % {"group": name})
        wanted = [_permission(permission_name) for permission_name in permission_names]
        held = set(group.permissions.values_list("pk", flat=True))
        missing = [permission for permission in wanted if permission.pk not in held]
        if missing:
            group.permissions.add(*missing)
            changes.append(
                _('Gave "%(group)s": %(permissions)s.')
                % {"group": name, "permissions": ", ".join(p.codename for p in missing)}
            )
    editors = Group.objects.get(name=POLICY_EDITORS)
    for page in policy_pages:
        for permission_name in POLICY_PAGE_PERMISSIONS:
            _grant, created = GroupPagePermission.objects.get_or_create(
                group=editors, page=page, permission=_permission(permission_name)
            )
            if created:
                changes.append(
                    _('Gave "%(group)s" %(permission)s on the page "%(page)s".')
                    % {
                        "group": POLICY_EDITORS,
                        "permission": permission_name.split(".")[1],
                        "page": page.title,
                    }
                )
    return changes
