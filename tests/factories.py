"""factory-boy factories for the test suite. One factory per model; keep them small and obvious."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from wagtail_support.models import (
    CoveragePolicy,
    CoveredItem,
    ExcludedItem,
    ProductReference,
    SupportedProduct,
)
from wagtail_support.setup import APP_GROUPS, ensure_groups


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("password")

    @factory.post_generation
    def groups(user, create, names, **kwargs):
        """``UserFactory(groups=["Editors"])`` puts the user in existing groups by name; the app's own
        groups ("Support agents", "Support policy editors") are made as ``support_setup --groups`` does."""
        if create and names:
            if set(names) & set(APP_GROUPS):
                ensure_groups()
            groups = list(Group.objects.filter(name__in=names))
            if len(groups) != len(set(names)):  # e.g. a transactional test flushed the migrations' groups
                raise LookupError(f"No such group(s): {sorted(set(names) - {g.name for g in groups})}")
            user.groups.add(*groups)


class CoveragePolicyFactory(factory.django.DjangoModelFactory):
    """A policy with items; published unless ``publish=False``.

    ``CoveragePolicyFactory(covered=["Bugs"], excluded=["Customisation"])``
    """

    class Meta:
        model = CoveragePolicy
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Coverage policy {n}")
    intro = "<p>We help with our own products.</p>"
    live = False

    @factory.post_generation
    def covered(policy, create, texts, **kwargs):
        policy.covered_items = [CoveredItem(text=text) for text in (texts or ["Bugs and errors"])]

    @factory.post_generation
    def excluded(policy, create, texts, **kwargs):
        policy.excluded_items = [ExcludedItem(text=text) for text in (texts or ["Server configuration"])]

    @factory.post_generation
    def publish(policy, create, value, **kwargs):
        if not create:
            return
        policy.save()
        if value is None or value:
            policy.save_revision().publish()
            policy.refresh_from_db()


class SupportedProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportedProduct
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Theme {n}")
    kind = "theme"
    support_period_days = 365
    installations_per_unit = 1

    @factory.post_generation
    def references(product, create, values, **kwargs):
        if create:
            product.references = [
                ProductReference(reference=value) for value in (values or [f"SKU-{product.name}"])
            ]
            product.save()


def _now():
    from django.utils import timezone

    return timezone.now()


def _in_a_year():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.localdate() + timedelta(days=365)


class PurchaseFactory(factory.django.DjangoModelFactory):
    """A paid order of ``customer``; ``PurchaseFactory(customer=None)`` for one without an account."""

    class Meta:
        model = "wagtail_support.Purchase"

    source = "test-shop"
    external_id = factory.Sequence(lambda n: f"order-{n}")
    customer = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda p: p.customer.email if p.customer else "buyer@example.com")
    name = "Ann Buyer"
    purchased_at = factory.LazyFunction(_now)


class EntitlementFactory(factory.django.DjangoModelFactory):
    """Support for one product, a year from today; the limits come from the product."""

    class Meta:
        model = "wagtail_support.Entitlement"

    purchase = factory.SubFactory(PurchaseFactory)
    customer = factory.SelfAttribute("purchase.customer")
    product = factory.SubFactory(SupportedProductFactory)
    support_until = factory.LazyFunction(_in_a_year)
    installations_allowed = factory.LazyAttribute(lambda e: e.product.installations_per_unit)
    bundled_claims_allowed = factory.LazyAttribute(lambda e: e.product.bundled_theme_claims)


class InstallationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wagtail_support.Installation"

    entitlement = factory.SubFactory(EntitlementFactory)
    domain = factory.Sequence(lambda n: f"site{n}.example.com")


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket of the entitlement's customer (no message; add ``MessageFactory(ticket=...)``)."""

    class Meta:
        model = "wagtail_support.Ticket"

    entitlement = factory.SubFactory(EntitlementFactory)
    customer = factory.SelfAttribute("entitlement.customer")
    product = factory.SelfAttribute("entitlement.product")
    title = factory.Sequence(lambda n: f"Question {n}")


class MessageFactory(factory.django.DjangoModelFactory):
    """A customer's message; ``from_staff=True, author=agent`` for the team's."""

    class Meta:
        model = "wagtail_support.Message"

    ticket = factory.SubFactory(TicketFactory)
    author = factory.SelfAttribute("ticket.customer")
    body = "It does not work."
    body_html = factory.LazyAttribute(lambda m: f"<p>{m.body}</p>")


def publish_support_page(slug="support", **fields):
    """A live support section under the default site's root (``/support/``)."""
    from wagtail.models import Site

    from wagtail_support.tickets.pages import SupportPage

    root = Site.objects.get(is_default_site=True).root_page
    page = root.add_child(instance=SupportPage(title="Support", slug=slug, **fields))
    page.save_revision().publish()
    return page


class CannedResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wagtail_support.CannedResponse"

    title = factory.Sequence(lambda n: f"Canned response {n}")
    body = "Thanks for writing in! Please **clear your cache** and try again."
