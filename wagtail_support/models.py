"""Model registry of the app: each concept keeps its models in its own sub-package."""

from wagtail_support.coverage.models import CoveragePolicy, CoveredItem, ExcludedItem
from wagtail_support.coverage.pages import CoveragePolicyMixin, CoveragePolicyPage
from wagtail_support.customers.models import CustomerProfile
from wagtail_support.inbound.models import InboundMessage, InboundStatus
from wagtail_support.notifications.models import Notification, NotificationStatus
from wagtail_support.purchases.models import (
    CustomerAccount,
    Entitlement,
    Installation,
    ProductKind,
    ProductReference,
    Purchase,
    PurchaseStatus,
    SupportedProduct,
    WebhookDelivery,
)
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.staff.models import CannedResponse, SavedView
from wagtail_support.tickets.events import TicketEvent
from wagtail_support.tickets.models import (
    Attachment,
    Message,
    PendingUpload,
    Ticket,
    TicketColleague,
    TicketPriority,
    TicketSearchDocument,
    TicketStatus,
)
from wagtail_support.tickets.pages import SupportPage, SupportPageMixin
from wagtail_support.tickets.people import AgentProfile
from wagtail_support.tickets.tags import TaggedTicket

__all__ = [
    "AgentProfile",
    "CannedResponse",
    "SavedView",
    "TaggedTicket",
    "TicketEvent",
    "TicketStatus",
    "TicketPriority",
    "TicketSearchDocument",
    "Ticket",
    "Message",
    "Attachment",
    "PendingUpload",
    "TicketColleague",
    "CoveragePolicy",
    "CoveragePolicyMixin",
    "CoveragePolicyPage",
    "CoveredItem",
    "CustomerAccount",
    "CustomerProfile",
    "Entitlement",
    "ExcludedItem",
    "InboundMessage",
    "InboundStatus",
    "Installation",
    "Notification",
    "NotificationStatus",
    "ProductKind",
    "ProductReference",
    "Purchase",
    "PurchaseStatus",
    "SupportPage",
    "SupportPageMixin",
    "SupportSettings",
    "SupportedProduct",
    "WebhookDelivery",
]
