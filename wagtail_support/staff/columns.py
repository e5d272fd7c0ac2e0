"""The queue's table and columns, rendered in Python.

A queue page has 25 rows of 10 cells; a template (and a ``{% component %}`` tag) per cell made the table
most of the page's server time. Headers still use Wagtail's templates: there are only ten of them.
"""

from django.contrib.admin.utils import quote
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, Table, TitleColumn

from wagtail_support.tickets.workflow import is_overdue


def _td(column, content):
    if column.classname:
        return format_html('<td class="{}">{}</td>', column.classname, content)
    return format_html("<td>{}</td>", content)


def _render_state(parent_context):
    """What every row of one rendering shares: the time now, the date format, the words of the cells."""
    state = parent_context.get("queue_render_state")
    if state is None:
        state = parent_context["queue_render_state"] = {
            "now": timezone.now(),
            "format": get_format("SHORT_DATETIME_FORMAT"),
            "ago": _("%(time)s ago"),
            "overdue": format_html(' <span class="w-status w-status--label">{}</span>', _("Overdue")),
            "answered": format_html(' <span class="w-sr-only">{}</span>', _("answered")),
            "unread": format_html(' <span class="w-status w-status--primary">{}</span>', _("Unread")),
            "select": _("Select"),
        }
    return state


def _time(value, state):
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        format_date(local, state["format"]),
        state["ago"] % {"time": timesince(value, state["now"], depth=1)}
        if value <= state["now"]
        else format_date(local, "j M H:i"),
    )


class TextColumn(Column):
    """A plain value, escaped."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return _td(self, "" if value is None else value)


class ChoiceColumn(TextColumn):
    """The label of a choice field's value (``choices``: a ``TextChoices``/``IntegerChoices`` class).

    The labels are looked up once per rendering, not once per cell through ``get_FOO_display``.
    """

    def __init__(self, name, choices, **kwargs):
        super().__init__(name, **kwargs)
        self.choices = choices

    def get_label(self, instance, parent_context):
        key = f"labels:{self.name}"
        labels = parent_context.get(key)
        if labels is None:
            labels = parent_context[key] = {value: str(label) for value, label in self.choices.choices}
        value = getattr(instance, self.name)
        return labels.get(value, value)

    def render_cell_html(self, instance, parent_context):
        return _td(self, self.get_label(instance, parent_context))


class StatusColumn(ChoiceColumn):
    """The status as a tag; ``primary(instance)`` tells which statuses stand out."""

    def __init__(self, name, choices, primary, **kwargs):
        super().__init__(name, choices, **kwargs)
        self.primary = primary

    def render_cell_html(self, instance, parent_context):
        primary = " w-status--primary" if self.primary(instance) else ""
        label = self.get_label(instance, parent_context)
        return _td(self, format_html('<span class="w-status{}">{}</span>', primary, label))


class ActivityColumn(Column):
    """When something last happened, as "3 hours ago" with the exact time on hover."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return _td(self, _time(value, _render_state(parent_context)) if value else "")


class DueColumn(Column):
    """The first-response due time, flagged when it has passed without an answer."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if not value:
            return _td(self, "")
        state = _render_state(parent_context)
        local = timezone.localtime(value)
        when = format_html(
            '<time datetime="{}">{}</time>', local.isoformat(), format_date(local, state["format"])
        )
        if is_overdue(instance, state["now"]):
            flag = state["overdue"]
        elif instance.first_response_at is not None:
            flag = state["answered"]
        else:
            flag = ""
        return _td(self, format_html("{}{}", when, flag))


class CheckboxColumn(BulkActionsCheckboxColumn):
    """The bulk-action checkbox, as Wagtail's ``listing_checkbox_cell.html`` renders it."""

    def render_cell_html(self, instance, parent_context):
        return format_html(
            '<td class="bulk-action-checkbox-cell"><input type="checkbox" data-object-id="{}"'
            ' data-bulk-action-checkbox class="bulk-action-checkbox"'
            ' aria-label="{}" aria-describedby="{}"></td>',
            quote(instance.pk),
            _render_state(parent_context)["select"],
            self.get_aria_describedby(instance),
        )


class ReferenceColumn(TitleColumn):
    """The reference, linking to the ticket screen, flagged while the team has not read the last message.

    Its ``<span>`` carries the id the row's checkbox is described by.
    """

    def get_link_url(self, instance, parent_context):
        # The ticket screen's URL ends in "<pk>/": reverse it once per rendering, not once per row.
        key = f"url:{self.name}"
        prefix = parent_context.get(key)
        if prefix is None:
            prefix = parent_context[key] = reverse(self.url_name, args=(0,))[: -len("0/")]
        return f"{prefix}{quote(instance.pk)}/"

    def render_cell_html(self, instance, parent_context):
        unread = _render_state(parent_context)["unread"] if instance.unread_by_staff else ""
        return format_html(
            '<td class="title"><div class="title-wrapper">'
            '<a href="{}"><span id="{}">{}</span></a>{}</div></td>',
            self.get_link_url(instance, parent_context),
            self.get_title_id(instance, parent_context),
            self.get_value(instance),
            unread,
        )


class QueueTable(Table):
    """Wagtail's listing table, with the rows written in Python (same markup as ``tables/table.html``)."""

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context or {})
        columns = list(self.columns.values())
        caption = self.get_caption()
        return format_html(
            "<table{}>{}<thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
            flatatt(self.attrs),
            format_html('<caption class="w-sr-only">{}</caption>', caption) if caption else "",
            _join(column.render_header_html(context) for column in columns),
            _join(
                format_html("<tr>{}</tr>", _join(column.render_cell_html(row, context) for column in columns))
                for row in self.data
            ),
        )


def _join(fragments):
    """Concatenate HTML fragments that are each already escaped (``format_html`` or a template)."""
    return mark_safe("".join(fragments))  # noqa: S308 - every fragment is safe HTML
