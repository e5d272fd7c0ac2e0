"""How people are named: agents by their name, never by their e-mail address.

Used by the staff ticket screen, the customer's ticket page and the ticket e-mails alike. An agent may
choose a public name that customers see (Account → Name shown to customers).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class AgentProfile(models.Model):
    """What an agent shows of themselves to customers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("agent"),
        on_delete=models.CASCADE,
        related_name="support_agent_profile",
    )
    public_name = models.CharField(
        gettext_lazy("name shown to customers"),
        max_length=80,
        blank=True,
        help_text=gettext_lazy("Customers see this name on replies and in e-mails; empty: your first name."),
    )

    class Meta:
        verbose_name = gettext_lazy("agent profile")
        verbose_name_plural = gettext_lazy("agent profiles")

    def __str__(self):
        return self.public_name


def public_names(user_ids):
    """``{user id: public name}`` of the agents among ``user_ids`` who chose one (one query)."""
    return dict(
        AgentProfile.objects.filter(user_id__in=set(user_ids))
        .exclude(public_name="")
        .values_list("user_id", "public_name")
    )


def customer_name(user):
    """A customer (or a colleague they added) as e-mails and the queue name them: their full name, else
    their e-mail address."""
    return user.get_full_name() or user.email


def display_name(user, for_customer=False):
    """``user``'s name as others should read it.

    To customers an agent is their public name, else their first name, else "Support team"; to the team,
    the full name, else the user name (an e-mail address only when the user name is one and no name
    is set, its local part).
    """
    if user is None:
        return _("Deleted user")
    if for_customer:
        profile = getattr(user, "support_agent_profile", None)
        return (profile and profile.public_name) or user.first_name or _("Support team")
    name = user.get_full_name()
    if name:
        return name
    username = user.get_username() or ""
    return username.split("@", 1)[0] if "@" in username else username
