"""The outbox alert on the Wagtail dashboard, for users who may see the outbox."""

from django.urls import reverse
from wagtail.admin.ui.components import Component

from wagtail_support.health.alerts import outbox_alert

OUTBOX_PERMISSION = "wagtail_support.view_notification"


class OutboxAlertPanel(Component):
    name = "wagtail_support_outbox_alert"
    template_name = "wagtail_support/admin/dashboard/outbox_alert.html"
    order = 10  # above every other panel: mail is not flowing

    def __init__(self, alert):
        self.alert = alert

    def get_context_data(self, parent_context):
        index = reverse("wagtail_support_outbox:index")
        return {
            "alert": self.alert,
            "minutes": self.alert["oldest_unsent_seconds"] // 60,
            "attention_url": f"{index}?attention=1",
            "outbox_url": index,
        }


def add_outbox_alert(request, panels):
    if not request.user.has_perm(OUTBOX_PERMISSION):
        return
    if alert := outbox_alert():
        panels.append(OutboxAlertPanel(alert))
