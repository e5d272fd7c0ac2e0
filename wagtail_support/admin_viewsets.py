"""What the app's admin listings share: rows that the app writes and people only read."""


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
