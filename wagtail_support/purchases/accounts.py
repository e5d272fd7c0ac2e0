"""Customer accounts created by purchases: found or made by e-mail, set up through a set-password link.

Never a password in an e-mail and never a log-in link: the e-mail carries a link to *set* the
password, made with Django's token generator, so it expires with ``PASSWORD_RESET_TIMEOUT`` and
dies once the password is set.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from wagtail_support.customers.preferences import customer_language
from wagtail_support.login.links import login_url
from wagtail_support.notifications.links import absolute_url
from wagtail_support.notifications.outbox import notify
from wagtail_support.notifications.render import register_context
from wagtail_support.purchases.models import CustomerAccount, Purchase


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
    (``open_support_account``), with the purchase.
    """
    [(user, created)] = customers_for([(email, name)]).values()
    return user, created


def customers_for(buyers, *, bulk=False):
    """The buyer of each ``(email, name)``: ``{normalised e-mail: (user, created)}``; the one way buyers
    are found or made.

    A buyer is the oldest active user with the e-mail in any case (``email__iexact``: ``UPPER(email)``,
    which the ``wsupport_user_email_upper`` index holds on PostgreSQL), else the user already holding
    the username a new account would take, else a new user named after the e-mail, with no usable
    password. New users are saved one by one, so the site's own ``post_save`` receivers run, or with
    one ``bulk_create`` when ``bulk`` (the CSV import).
    """
    User = get_user_model()
    max_length = User._meta.get_field(User.USERNAME_FIELD).max_length
    wanted = {}  # normalised e-mail -> (e-mail as given, name) of its first order
    for email, name in buyers:
        wanted.setdefault(email.strip().lower(), (email.strip(), name))
    usernames = {key: key[:max_length] for key in wanted}
    # One query: the active users with these e-mails (any case) and the holders of these usernames.
    if len(wanted) == 1:
        [(email, _)] = wanted.values()
        by_email = Q(email__iexact=email)
    else:
        by_email = Q(email_upper__in=[email.upper() for email, _ in wanted.values()])
    candidates = (
        User.objects.annotate(email_upper=Upper("email"))
        .filter(
            (by_email & Q(is_active=True)) | Q(**{f"{User.USERNAME_FIELD}__in": list(usernames.values())})
        )
        .order_by("pk")
    )
    found, holders = {}, {}
    for user in candidates:
        if user.is_active and (key := user.email.strip().lower()) in wanted:
            found.setdefault(key, (user, False))
        holders.setdefault(user.get_username(), user)
    for key, username in usernames.items():
        if key not in found and (holder := holders.get(username)) is not None:
            found[key] = (holder, False)
    new = []
    for key, username in usernames.items():
        if key in found:
            continue
        email, name = wanted[key]
        first_name, _, last_name = (name or "").strip().partition(" ")
        user = User(email=email, first_name=first_name[:150], last_name=last_name[:150])
        setattr(user, User.USERNAME_FIELD, username)
        user.set_unusable_password()
        new.append(user)
        found[key] = (user, True)
    if bulk:
        User.objects.bulk_create(new)
    else:
        for user in new:
            user.save()
    return found


def open_support_account(user, new_account):
    """The buyer's support account, made unless they have one (users who never bought); set-up is
    pending for a user the purchase created."""
    if new_account:  # a user made a moment ago has no account yet
        CustomerAccount.objects.create(user=user, setup_pending=True)
    else:
        CustomerAccount.objects.get_or_create(user=user)


def is_setup_pending(user):
    account = CustomerAccount.objects.filter(user=user).first()
    return bool(account and account.setup_pending)


def set_password_path(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = setup_token_generator.make_token(user)
    return reverse("wagtail_support:set_password", kwargs={"uidb64": uid, "token": token})


def announce_purchase(purchase, new_account):
    """Queue the e-mail of a saved purchase: a welcome with the set-password link, or "purchase added"."""
    return notify(**purchase_email(purchase, new_account))


def purchase_email(purchase, new_account):
    """``notify``'s arguments for a purchase's e-mail (``notify_many`` takes a list of them).

    Its context names the order, not the purchase's id, and its dedupe key is the order's, so an order
    is announced once however often it is recorded or mapped.
    """
    kind = "welcome" if new_account else "purchase_added"
    return {
        "kind": kind,
        "recipient": purchase.email,
        "context": {
            "user_id": purchase.customer_id,
            "order": {"source": purchase.source, "external_id": purchase.external_id},
            "name": purchase.name,
        },
        "dedupe_key": f"{kind}:{purchase.source}:{purchase.external_id}",
        # A known customer's own language; a new one's is the language active now (the shop's page
        # in a request, else the site's default) until they sign in.
        "language": None if new_account else customer_language(purchase.customer_id),
    }


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
    """The purchase an e-mail's context names by its order, or None."""
    if order := context.get("order"):
        return Purchase.objects.filter(source=order["source"], external_id=order["external_id"]).first()
    return None
