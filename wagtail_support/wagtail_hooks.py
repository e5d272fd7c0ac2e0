from wagtail import hooks
from wagtail.snippets.models import register_snippet

from wagtail_support.health.panels import add_outbox_alert
from wagtail_support.menu import SupportMenuGroup
from wagtail_support.staff.account import PublicNameSettingsPanel
from wagtail_support.staff.bulk_actions import (
    AssignTicketsBulkAction,
    CloseTicketsBulkAction,
    TagTicketsBulkAction,
)
from wagtail_support.staff.panels import add_queue_panel
from wagtail_support.tickets.events import register_log_actions

register_snippet(SupportMenuGroup)

hooks.register("construct_homepage_panels", add_queue_panel)
hooks.register("construct_homepage_panels", add_outbox_alert)
hooks.register("register_bulk_action", AssignTicketsBulkAction)
hooks.register("register_bulk_action", CloseTicketsBulkAction)
hooks.register("register_bulk_action", TagTicketsBulkAction)
hooks.register("register_log_actions", register_log_actions)
hooks.register("register_account_settings_panel", PublicNameSettingsPanel)
