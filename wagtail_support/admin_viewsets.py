"""What the app's admin listings share: rows that the app writes and people only read, some of which
(outbox e-mails, inbound e-mails) a person may send back through the pipeline with Retry."""

from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.admin.ui.tables import Column


class RecordViewSetMixin:
    """For a ``ModelViewSet`` of records the app writes itself (outbox rows, purchases, tickets):
    no edit, delete, copy, history or usage screens. ``allow_add`` keeps a custom "add" screen."""

    allow_add = False
    hidden_url_names = (
        "edit_url_name",
        "delete_url_name",
        "copy_url_name",
        "history_url_name",
        "usage_url_name",
    )

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in self.hidden_url_names if self.allow_add else ("add_url_name", *self.hidden_url_names):
            view_kwargs.pop(name, None)
        return view_kwargs


class RetryColumn(Column):
    """A Retry button on rows that may be tried again (``instance.can_retry``), for users whose permission
    ``policy`` lets them retry; it posts to ``url_name`` and comes back to the listing as it was."""

    cell_template_name = "wagtail_support/admin/outbox_retry_cell.html"

    def __init__(self, name, url_name, policy, **kwargs):
        super().__init__(name, **kwargs)
        self.url_name, self.policy = url_name, policy

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context["retry_url"] = (
            reverse(self.url_name, args=(quote(instance.pk),))
            if instance.can_retry and self.policy.user_has_permission(request.user, "retry")
            else None
        )
        context["next_url"] = request.get_full_path()
        return context


def next_url(request, fallback_url_name):
    """Where a POST from a listing returns: its ``next`` when it is a path on this site, else ``fallback``."""
    url = request.POST.get("next", "")
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return reverse(fallback_url_name)
