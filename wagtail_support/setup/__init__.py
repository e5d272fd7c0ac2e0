"""Setting a site up for support in one step (``manage.py support_setup``), and what is left to do.

``set_up_site()`` is idempotent: run again, it finds everything in place and changes nothing.
The example site's ``support_demo`` command uses it too.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from wagtail_support.conf import support_settings
from wagtail_support.setup.groups import APP_GROUPS, ensure_groups
from wagtail_support.setup.site import ensure_default_policy, ensure_pages

__all__ = ["APP_GROUPS", "SetupReport", "ensure_groups", "left_to_do", "set_up_site"]


@dataclass
class SetupReport:
    changes: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    left_to_do: list = field(default_factory=list)
    support_page: object = None
    policy_page: object = None
    policy: object = None


def set_up_site(site, *, groups=False, policy=None, support_page=None, policy_page=None):
    """Give ``site`` a default coverage policy, a support page and a coverage-policy page under its
    root, and with ``groups`` the app's groups ("Support agents", "Support policy editors").

    ``policy`` is the default policy to use when the site has none (else the first published one,
    else a new default policy); ``support_page``/``policy_page`` override the new pages' fields
    (title, slug, intro...). Returns a ``SetupReport``; empty ``changes`` means nothing was changed.
    """
    report = SetupReport()
    report.policy, changes = ensure_default_policy(site, policy)
    report.changes += changes
    if not report.policy.live:
        report.problems.append(
            _(
                'The default coverage policy "%(title)s" is not published: '
                "publish it in Support → Coverage policies."
            )
            % {"title": report.policy}
        )
    report.support_page, report.policy_page, changes, problems = ensure_pages(site, support_page, policy_page)
    report.changes += changes
    report.problems += problems
    if groups:
        report.changes += ensure_groups(policy_pages=[report.policy_page] if report.policy_page else [])
    report.left_to_do = left_to_do(site)
    return report


def left_to_do(site):
    """What only the owner can do, each line saying where to do it."""
    from celery import current_app

    from wagtail_support.purchases.models import Purchase, SupportedProduct
    from wagtail_support.sitesettings import SupportSettings

    lines = []
    if not SupportSettings.for_site(site).team_email_list:
        lines.append(
            _(
                "Team addresses: in the admin, Settings → Support settings → team e-mail addresses "
                "(site %(site)s)."
            )
            % {"site": site}
        )
    if not SupportedProduct.objects.exists():
        lines.append(
            _(
                "Products: in the admin, Support → Products: "
                "add each product you sell with its shop reference."
            )
        )
    shop_connected = support_settings.STRIPE_WEBHOOK_SECRET or support_settings.PARTNER_WEBHOOK_SECRETS
    if not shop_connected and not Purchase.objects.exists():
        lines.append(
            _(
                "Shop connection: connect your shop (Stripe, a partner webhook, django-oscar or the CSV "
                "import) as docs/shop-integration.md shows; settings in WAGTAIL_SUPPORT."
            )
        )
    if current_app.conf.task_always_eager:
        lines.append(
            _(
                "Celery worker: tasks run in the web process (CELERY_TASK_ALWAYS_EAGER), which is for a "
                "trial only; on a real site turn it off and run `celery -A <your project> worker` "
                "(docs/workers.md)."
            )
        )
    elif not current_app.conf.broker_url:
        lines.append(
            _(
                "Celery worker: set CELERY_BROKER_URL (Redis or RabbitMQ) in your settings and run "
                "`celery -A <your project> worker`, as docs/workers.md shows."
            )
        )
    else:
        lines.append(
            _(
                "Celery worker: keep `celery -A <your project> worker` running beside the site "
                "(docs/workers.md)."
            )
        )
    return lines
