"""Who may be assigned tickets: ``agents()``, and the choices the ticket screen draws from it, kept in
the cache.

Finding who may reply takes a permission query that costs more to plan than to run; the screen draws
it on every visit. The list only draws the select: saving an assignee checks ``agents()``
itself, so a list a moment old can never assign someone who is no longer an agent. Any change to a
user, a group or their permissions forgets it; ``CHOICES_SECONDS`` bounds what a bulk ``update()``
(which sends no signal) leaves behind.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from wagtail_support.degrade import from_cache

CHOICES_KEY = "wagtail_support:agent_choices"
CHOICES_SECONDS = 60


def agents():
    """Users who may reply to tickets: superusers and holders of ``reply_ticket`` (directly or by group).

    Subqueries rather than joins: no DISTINCT over every user row, and the holders are found from the
    (small) permission tables.
    """
    User = get_user_model()
    permission = Permission.objects.filter(content_type__app_label="wagtail_support", codename="reply_ticket")
    direct = User.user_permissions.through.objects.filter(permission__in=permission).values("user_id")
    by_group = User.groups.through.objects.filter(group__permissions__in=permission).values("user_id")
    return User.objects.filter(
        Q(is_superuser=True) | Q(pk__in=direct) | Q(pk__in=by_group), is_active=True
    ).order_by("first_name", "last_name", "username")


def label(user):
    return user.get_full_name() or user.get_username()


def agent_choices():
    """``[(pk, name), ...]`` of the users who may reply to tickets, in ``agents()`` order."""
    choices = from_cache(lambda: cache.get(CHOICES_KEY), what="agent choices")
    if choices is None:
        choices = [(user.pk, label(user)) for user in agents()]
        from_cache(lambda: cache.set(CHOICES_KEY, choices, CHOICES_SECONDS), what="agent choices")
    return choices


def forget_agent_choices(**kwargs):
    from_cache(lambda: cache.delete(CHOICES_KEY), what="agent choices")


def connect():
    User = get_user_model()
    for model in (User, Group):
        post_save.connect(
            forget_agent_choices, sender=model, dispatch_uid=f"wagtail_support.agents.{model}.save"
        )
        post_delete.connect(
            forget_agent_choices, sender=model, dispatch_uid=f"wagtail_support.agents.{model}.delete"
        )
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            forget_agent_choices, sender=through, dispatch_uid=f"wagtail_support.agents.{through}"
        )
