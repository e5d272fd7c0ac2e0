"""Customer accounts created by purchases: found or made by e-mail, set up through a set-password link.

Never a password in an e-mail and never a log-in link: the e-mail carries a link to *set* the
password, made with Django's token generator, so it expires with ``PASSWORD_RESET_TIMEOUT`` and
dies once the password is set.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import connections, router
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from wagtail_support.customers.preferences import customer_language
from wagtail_support.login.links import login_url
from wagtail_support.notifications.links import absolute_url
from wagtail_support.notifications.outbox import enqueue, new_notification, notify
from wagtail_support.notifications.render import register_context
from wagtail_support.purchases.models import CustomerAccount


class SetupTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for set-password links; a salt of their own so they never pass as password-reset tokens."""

    key_salt = "wagtail_support.purchases.accounts.SetupTokenGenerator"


setup_token_generator = SetupTokenGenerator()


def find_customer(email):
    """The active user with this e-mail address (any case), or None."""
    return get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).order_by("pk").first()


def customer_for(email, name=""):
    """Return ``(user, created)`` for a buyer's e-mail; a new user has no usable password yet.

    Call it in a transaction that is retried on ``IntegrityError`` (``record_purchase`` is): when the
    same buyer's other order creates the account at the same moment, the loser's insert fails, and
    its next attempt finds the account. The user's support account is the caller's to write
    (``support_account``), with the purchase. A user found holds only their id, e-mail and active flag
    (other fields load on first use).
    """
    User = get_user_model()
    email = email.strip()
    username = email.lower()[: User._meta.get_field(User.USERNAME_FIELD).max_length]
    using = router.db_for_write(User)
    with connections[using].cursor() as cursor:
        cursor.execute(_candidates_sql(User, using), [email, username])
        candidates = cursor.fetchall()  # (pk, is_active, email), oldest first
    by_email = (row for row in candidates if row[1] and row[2].upper() == email.upper())
    if found := next(by_email, None) or next(iter(candidates), None):
        return User.from_db(using, [User._meta.pk.attname, *_FOUND_FIELDS], found), False
    first_name, _, last_name = name.strip().partition(" ")
    user = User(email=email, first_name=first_name[:150], last_name=last_name[:150])
    setattr(user, User.USERNAME_FIELD, username)
    user.set_unusable_password()
    user.save(using=using)  # through the ORM, so the site's own post_save receivers for users run
    return user, True


_FOUND_FIELDS = ("is_active", "email")  # what the lookup reads of a user, besides the id


@functools.cache
def _candidates_sql(User, using):
    """One query, written once per process: the buyer by e-mail (any case, active), and any user
    already holding the username a new account would take.

    Plain SQL rather than the ORM's ``email__iexact``: it is the hottest query of a purchase, and
    ``UPPER(email)`` is what the ``wsupport_user_email_upper`` index (PostgreSQL) holds.
    """
    quote = connections[using].ops.quote_name
    opts = User._meta
    pk = quote(opts.pk.column)
    is_active, email = (quote(opts.get_field(name).column) for name in _FOUND_FIELDS)
    username = quote(opts.get_field(User.USERNAME_FIELD).column)
    return (
        f"SELECT {pk}, {is_active}, {email} FROM {quote(opts.db_table)} "  # noqa: S608 - names from _meta
        f"WHERE (UPPER({email}) = UPPER(%s) AND {is_active}) OR {username} = %s ORDER BY {pk}"
    )


def support_account(user, new_account):
    """The unsaved support account of a buyer; written unless they have one (users who never bought)."""
    return CustomerAccount(user=user, setup_pending=new_account)


def is_setup_pending(user):
    account = CustomerAccount.objects.filter(user=user).first()
    return bool(account and account.setup_pending)


def set_password_path(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = setup_token_generator.make_token(user)
    return reverse("wagtail_support:set_password", kwargs={"uidb64": uid, "token": token})


def purchase_email(purchase, new_account):
    """The unsaved outbox row of a purchase's e-mail: a welcome with the set-password link, or "added".

    Its context names the order, not the purchase's id, so the row can be written in the same
    statement as the purchase (``writing.insert_purchase``).
    """
    kind = "welcome" if new_account else "purchase_added"
    return new_notification(
        kind,
        purchase.email,
        {
            "user_id": purchase.customer_id,
            "order": {"source": purchase.source, "external_id": purchase.external_id},
            "name": purchase.name,
        },
        dedupe_key=f"{kind}:{purchase.source}:{purchase.external_id}",
        # A known customer's own language; a new one's is the language active now (the shop's page
        # in a request, else the site's default) until they sign in.
        language=None if new_account else customer_language(purchase.customer_id),
    )


def announce_purchase(purchase, new_account):
    """Queue the e-mail of a purchase already saved (the CSV import, a claimed theme)."""
    return enqueue(purchase_email(purchase, new_account))


def send_setup_link(user):
    """Queue a new set-password link (the resend page); for accounts already set up, a reset link."""
    notify(
        "setup_link",
        user.email,
        {"user_id": user.pk, "name": user.get_full_name()},
        language=customer_language(user),
    )


def complete_setup(user):
    """The customer has set their password: the account is fully set up."""
    CustomerAccount.objects.update_or_create(
        user=user, defaults={"setup_pending": False, "setup_completed_at": timezone.now()}
    )


@register_context("welcome")
@register_context("purchase_added")
@register_context("setup_link")
def _account_email_context(context):
    user = get_user_model().objects.filter(pk=context.get("user_id")).first()
    if user is None:
        return {}
    purchase = _purchase_of(context)
    extra = {
        "setup_pending": is_setup_pending(user),
        "login_url": _absolute(login_url()),
    }
    if extra["setup_pending"] or purchase is None:
        extra["set_password_url"] = absolute_url(set_password_path(user))
    if purchase is not None:
        extra["entitlements"] = [
            {"product": e.product.name, "support_until": e.support_until}
            for e in purchase.entitlements.select_related("product")
        ]
    return extra


def _absolute(url):
    """A log-in URL for an e-mail: the app's path on the site's base URL, or the owner's own full URL."""
    return url if url.startswith(("http://", "https://")) else absolute_url(url)


def _purchase_of(context):
    """The purchase an e-mail's context names: by its order, or by id (rows queued by earlier builds)."""
    from wagtail_support.purchases.models import Purchase

    if order := context.get("order"):
        return Purchase.objects.filter(source=order["source"], external_id=order["external_id"]).first()
    if purchase_id := context.get("purchase_id"):
        return Purchase.objects.filter(pk=purchase_id).first()
    return None
