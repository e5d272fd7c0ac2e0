"""The customer's profile: their name, a new e-mail address (confirmed by that address), and which
optional e-mails they receive.

The e-mail change is a signed token (Django's ``signing``, like its password-reset links): it names the
user, the old and the new address, and expires after ``EMAIL_CHANGE_MAX_AGE``; nothing is stored until
the new address confirms, and a link made before another change no longer works.
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from wagtail_support.customers.preferences import customer_language, profile_of
from wagtail_support.notifications.outbox import notify

EMAIL_CHANGE_SALT = "wagtail_support.customers.email_change"
EMAIL_CHANGE_MAX_AGE = 3 * 24 * 3600

#: E-mails a customer may turn off, and the profile field that says whether they want them.
#: Replies from the team are not listed: they are always sent.
OPTIONAL_EMAILS = {
    "ticket_opened_customer": "email_confirmations",
    "ticket_status_customer": "email_status_changes",
    "ticket_auto_closed": "email_status_changes",
    "ticket_merged": "email_status_changes",
}


class EmailChangeError(ValueError):
    """The link cannot be used; the message says why."""


def wants_email(user, kind):
    """False when ``user`` turned off e-mails of ``kind`` on their profile."""
    field = OPTIONAL_EMAILS.get(kind)
    if field is None or user is None:
        return True
    profile = profile_of(user)
    return profile is None or getattr(profile, field) is not False


def _signer():
    # "~" rather than the default ":", which does not survive in a page route's path.
    return signing.TimestampSigner(salt=EMAIL_CHANGE_SALT, sep="~")


def email_change_token(user, new_email):
    return _signer().sign_object({"user": user.pk, "old": user.email.lower(), "new": new_email.strip()})


def request_email_change(user, new_email, confirm_url_for):
    """E-mail a confirmation link to ``new_email``; the account keeps its address until it is used.

    ``confirm_url_for(token)`` is the absolute URL of the confirmation page.
    """
    token = email_change_token(user, new_email)
    return notify(
        "email_change",
        new_email.strip(),
        {"name": user.get_full_name(), "new_email": new_email.strip(), "confirm_url": confirm_url_for(token)},
        language=customer_language(user),
    )


def read_email_change(user, token):
    """The new address a valid ``token`` of ``user`` names; raises ``EmailChangeError``."""
    try:
        data = _signer().unsign_object(token, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.SignatureExpired as error:
        raise EmailChangeError(_("This link has expired. Ask for a new one on your profile.")) from error
    except signing.BadSignature as error:
        raise EmailChangeError(_("This link is not valid.")) from error
    if data.get("user") != user.pk:
        raise EmailChangeError(_("This link is for another account. Log in with that account to use it."))
    if data.get("old") != (user.email or "").lower():
        raise EmailChangeError(
            _("This link was made before another change of your address; ask for a new one.")
        )
    return data["new"]


def confirm_email_change(user, token):
    """Use the link: the account's address (and its log-in name, when that was the address) change."""
    new_email = read_email_change(user, token)
    User = get_user_model()
    with transaction.atomic():
        taken = User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists()
        username_field = User.USERNAME_FIELD
        old_username = getattr(user, username_field)
        follows_email = username_field != "email" and old_username == (user.email or "").lower()
        if (
            follows_email
            and User.objects.filter(**{username_field: new_email.lower()}).exclude(pk=user.pk).exists()
        ):
            taken = True
        if taken:
            raise EmailChangeError(_("Another account already uses %(email)s.") % {"email": new_email})
        user.email = new_email
        fields = ["email"]
        if follows_email:
            setattr(user, username_field, new_email.lower())
            fields.append(username_field)
        user.save(update_fields=fields)
    return user
