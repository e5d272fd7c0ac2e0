"""How people are named: agents by their name, never by their e-mail address.

Used by the staff ticket screen, the customer's ticket page and the ticket e-mails alike.
"""

from django.utils.translation import gettext as _


def display_name(user, for_customer=False):
    """``user``'s name as others should read it.

    To customers an agent is their first name (the team's voice), else "Support team"; to the team,
    the full name, else the user name (an e-mail address only when the user name is one and no name
    is set, its local part).
    """
    if user is None:
        return _("Deleted user")
    if for_customer:
        return user.first_name or _("Support team")
    name = user.get_full_name()
    if name:
        return name
    username = user.get_username() or ""
    return username.split("@", 1)[0] if "@" in username else username
