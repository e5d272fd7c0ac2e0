"""Support → Inbound e-mail: every message received, what became of it and why, a retry, the raw file."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from wagtail_support import permissions
from wagtail_support.admin_viewsets import RecordViewSetMixin, RetryColumn, next_url
from wagtail_support.inbound import services
from wagtail_support.inbound.models import InboundMessage, InboundStatus

DONE_STATUSES = (InboundStatus.ATTACHED, InboundStatus.OPENED_TICKET)


class InboundIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("ticket")


class InboundInspectView(InspectView):
    template_name = "wagtail_support/admin/inbound_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if self.object.can_retry and permissions.inbound.user_has_permission(user, "retry"):
            context["retry_url"] = reverse("wagtail_support_inbound:retry", args=(quote(self.object.pk),))
        if permissions.inbound.user_has_permission(user, "download"):
            context["raw_url"] = reverse("wagtail_support_inbound:raw", args=(quote(self.object.pk),))
        if self.object.ticket_id and permissions.tickets.user_has_permission(user, "view"):
            context["ticket_url"] = reverse("wagtail_support_tickets:inspect", args=(self.object.ticket_id,))
        return context


class RetryView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        if not permissions.inbound.user_has_permission(request.user, "retry"):
            raise PermissionDenied
        row = get_object_or_404(InboundMessage, pk=pk)
        if services.retry(row):
            messages.success(request, _("The e-mail from %s will be processed again.") % (row.sender or "?"))
        else:
            messages.warning(request, _("Only failed or held e-mails can be retried."))
        return redirect(next_url(request, "wagtail_support_inbound:index"))


class RawDownloadView(View):
    """The raw message as received, as a download (never shown inline: it is the sender's content)."""

    http_method_names = ["get"]

    def get(self, request, pk):
        if not permissions.inbound.user_has_permission(request.user, "download"):
            raise PermissionDenied
        row = get_object_or_404(InboundMessage, pk=pk)
        try:
            file = row.raw.open("rb")
        except (OSError, ValueError) as error:
            raise Http404 from error
        response = FileResponse(
            file, as_attachment=True, filename=f"inbound-{row.pk}.eml", content_type="message/rfc822"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class InboundMessageViewSet(RecordViewSetMixin, ModelViewSet):
    """Written by the inbound pipeline only; people read it, retry a row, download the raw message."""

    model = InboundMessage
    icon = "mail"
    menu_label = _("Inbound e-mail")
    url_prefix = "support/inbound"
    name = "wagtail_support_inbound"
    index_view_class = InboundIndexView
    inspect_view_class = InboundInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_filter = ["status", "via"]
    search_fields = ["sender", "subject", "message_id"]
    inspect_view_fields = [
        "sender",
        "subject",
        "status",
        "reason",
        "ticket",
        "via",
        "received_at",
        "processed_at",
        "attempts",
        "size",
        "message_id",
    ]
    list_display = [
        TitleColumn(
            "sender", label=_("Sender"), url_name="wagtail_support_inbound:inspect", sort_key="sender"
        ),
        Column("subject", label=_("Subject")),
        StatusTagColumn(
            "get_status_display",
            label=_("Status"),
            sort_key="status",
            primary=lambda row: row.status in DONE_STATUSES,
        ),
        Column("reason", label=_("Reason")),
        Column("ticket", label=_("Ticket")),
        DateColumn("received_at", label=_("Received"), sort_key="received_at"),
        RetryColumn("retry", "wagtail_support_inbound:retry", permissions.inbound, label=""),
    ]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
            path("retry/<str:pk>/", RetryView.as_view(), name="retry"),
            path("raw/<str:pk>/", RawDownloadView.as_view(), name="raw"),
        ]
