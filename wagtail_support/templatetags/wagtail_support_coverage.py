"""Template tags of the coverage policy.

{% load wagtail_support_coverage %}
{% coverage_policy product=form.product.value %}
"""

from django import template
from django.template.loader import render_to_string
from wagtail.models import Site

from wagtail_support.coverage import fragments
from wagtail_support.coverage.services import default_policy, policy_for, products_covered_by

register = template.Library()

TEMPLATE = "wagtail_support/coverage/policy.html"


@register.simple_tag(takes_context=True)
def coverage_policy(context, product=None, policy=None):
    """Render the published policy that applies to ``product`` (or ``policy``, or the site default).

    With a product, its own rules (support period, installations) are listed beside the policy;
    without one, the rules of every product the policy applies to. A product's or the site's policy
    is the same for every visitor, and kept in the cache (``coverage.fragments``).
    """
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None

    def render():
        return render_to_string(TEMPLATE, policy_context(site, product, policy) | {"request": request})

    if policy is not None:
        return render()
    return fragments.cached_html(site.pk if site else None, getattr(product, "pk", None), render)


def policy_context(site, product=None, policy=None):
    if product is None and policy is None:
        # The site's default policy: read once, for the policy and for the products it covers.
        chosen = default_policy(site)
        products = products_covered_by(chosen, site, default=chosen) if chosen else []
    else:
        chosen = policy_for(product=product, site=site, policy=policy)
        if product is not None:
            products = [product] if chosen else []
        else:
            products = products_covered_by(chosen, site) if chosen else []
    return {"policy": chosen, "products": products}
