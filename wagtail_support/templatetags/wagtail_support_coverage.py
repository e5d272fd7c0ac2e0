"""Template tags of the coverage policy.

{% load wagtail_support_coverage %}
{% coverage_policy product=form.product.value %}
"""

from django import template
from wagtail.models import Site

from wagtail_support.coverage.services import default_policy, policy_for, products_covered_by

register = template.Library()


@register.inclusion_tag("wagtail_support/coverage/policy.html", takes_context=True)
def coverage_policy(context, product=None, policy=None):
    """Render the published policy that applies to ``product`` (or ``policy``, or the site default).

    With a product, its own rules (support period, installations) are listed beside the policy;
    without one, the rules of every product the policy applies to.
    """
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
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
    return {"policy": chosen, "products": products, "request": request}
