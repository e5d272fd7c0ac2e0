"""What every customer page's template needs from its view: the host site's base template.

Customer templates extend ``wagtail_support/layout.html``, which extends the template named by
``WAGTAIL_SUPPORT["BASE_TEMPLATE"]`` and fills only the blocks of Wagtail's project template
(``title``, ``extra_css``, ``content``, ``extra_js``).
"""

from wagtail_support.conf import support_settings


def layout_context():
    """Context for ``wagtail_support/layout.html``; merge it into every customer page's context.

    ``support_shows_messages`` tells a base template that also renders Django messages to leave
    them to the page, so that none shows twice.
    """
    return {"support_base_template": support_settings.BASE_TEMPLATE, "support_shows_messages": True}


class LayoutMixin:
    """For class-based views rendering a customer page."""

    def get_context_data(self, **kwargs):
        return {**layout_context(), **super().get_context_data(**kwargs)}
