"""The outbox screen in the Wagtail admin: what was sent, what failed and why, and a retry."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from wagtail_support import permissions
from wagtail_support.admin_viewsets import RecordViewSetMixin, RetryColumn, next_url
from wagtail_support.notifications import delivery, outbox
from wagtail_support.notifications.menu import OutboxAttentionMenuItemMixin
from wagtail_support.notifications.models import Notification, NotificationStatus


class OutboxIndexView(IndexView):
    """The outbox listing; ``?attention=1`` shows only the rows that need a person, a banner counts them."""

    template_name = "wagtail_support/admin/outbox_index.html"

    @property
    def attention_only(self):
        return self.request.GET.get("attention") == "1"

    def get_base_queryset(self):
        queryset = super().get_base_queryset().defer("context")
        if self.attention_only:
            queryset = queryset.filter(pk__in=outbox.needs_a_person().values("pk"))
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        index = reverse("wagtail_support_outbox:index")
        context |= {
            "attention_count": outbox.needs_a_person_count(self.request),
            "attention_only": self.attention_only,
            "attention_url": f"{index}?attention=1",
            "all_url": index,
        }
        return context


class OutboxInspectView(InspectView):
    template_name = "wagtail_support/admin/outbox_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.can_retry and permissions.outbox.user_has_permission(self.request.user, "retry"):
            context["retry_url"] = reverse("wagtail_support_outbox:retry", args=(quote(self.object.pk),))
        if self.object.can_retry:
            context["accepted_at"] = delivery.accepted_at(self.object.pk)
        return context


class RetryView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        if not permissions.outbox.user_has_permission(request.user, "retry"):
            raise PermissionDenied
        notification = get_object_or_404(Notification, pk=pk)
        try:
            queued = outbox.retry(notification, confirmed=request.POST.get("confirm") == "1")
        except outbox.AlreadyAccepted:
            messages.warning(
                request,
                _(
                    "The mail server accepted this message already; retrying sends it a second time. "
                    "Confirm on this page if the recipient did not get it."
                ),
            )
            return redirect("wagtail_support_outbox:inspect", quote(notification.pk))
        if queued:
            messages.success(request, _("The message to %s is queued again.") % notification.recipient)
        else:
            messages.warning(request, _("Only failed messages can be retried."))
        return redirect(next_url(request, "wagtail_support_outbox:index"))


class OutboxViewSet(RecordViewSetMixin, ModelViewSet):
    """Written by the pipeline only: nobody adds, edits or deletes rows by hand."""

    model = Notification
    icon = "mail"
    menu_label = _("Outbox")
    url_prefix = "support/outbox"
    name = "wagtail_support_outbox"
    index_view_class = OutboxIndexView
    inspect_view_class = OutboxInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "kind", "dedupe_key"]
    inspect_view_fields = [
        "kind",
        "recipient",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "bounced_at",
        "bounce_reason",
        "message_id",
        "ticket",
        "dedupe_key",
        "language",
    ]
    list_display = [
        TitleColumn(
            "recipient",
            label=_("Recipient"),
            url_name="wagtail_support_outbox:inspect",
            sort_key="recipient",
        ),
        Column("kind_label", label=_("Kind"), sort_key="kind"),
        StatusTagColumn(
            "get_status_display",
            label=_("Status"),
            sort_key="status",
            primary=lambda n: n.status == NotificationStatus.SENT,
        ),
        Column("attempts", label=_("Attempts"), sort_key="attempts"),
        Column("last_error", label=_("Last error")),
        DateColumn("created_at", label=_("Created"), sort_key="created_at"),
        DateColumn("sent_at", label=_("Sent"), sort_key="sent_at"),
        DateColumn("bounced_at", label=_("Bounced"), sort_key="bounced_at"),
        RetryColumn("retry", "wagtail_support_outbox:retry", permissions.outbox, label=""),
    ]

    @cached_property
    def menu_item_class(self):
        return type("OutboxMenuItem", (OutboxAttentionMenuItemMixin, super().menu_item_class), {})

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
            path("retry/<str:pk>/", RetryView.as_view(), name="retry"),
        ]
