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
        """``UserFactory(groups=["Editors"])`` puts the user in existing groups by name."""
        if create and names:
            user.groups.add(*Group.objects.filter(name__in=names))


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
