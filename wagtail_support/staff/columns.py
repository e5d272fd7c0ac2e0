"""The queue's table and columns, rendered in Python.

A queue page has 25 rows of 10 cells; a template (and a ``{% component %}`` tag) per cell made the table
most of the page's server time. Each column here writes its cell as a string (``cell()``), every value
escaped with ``html.escape`` as Django's ``escape`` does, and the table joins them once. Headers still
use Wagtail's templates: there are only ten of them. ``render_cell_html`` stays for Wagtail's API.
"""

from functools import lru_cache
from html import escape

from django.contrib.admin.utils import quote
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, Table, TitleColumn

from wagtail_support.tickets.workflow import is_overdue


def _text(value):
    return "" if value is None else escape(str(value))


class RenderState(dict):
    """What every row of one rendering shares: the time now, the date format, the words of the cells.

    Also the per-column caches (choice labels, URL prefixes). Kept in the table's context.
    """

    @classmethod
    def of(cls, parent_context):
        state = parent_context.get("queue_render_state")
        if state is None:
            # The words first: xgettext cannot see a gettext() call inside an f-string.
            overdue, answered = escape(_("Overdue")), escape(pgettext("ticket", "answered"))
            unread = escape(pgettext("ticket", "Unread"))
            state = parent_context["queue_render_state"] = cls(
                now=timezone.now(),
                zone=timezone.get_current_timezone_name(),
                language=get_language(),
                format=get_format("SHORT_DATETIME_FORMAT"),
                ago=_("%(time)s ago"),
                overdue=f' <span class="w-status w-status--label">{overdue}</span>',
                answered=f' <span class="w-sr-only">{answered}</span>',
                unread=f' <span class="w-status w-status--primary">{unread}</span>',
                select=escape(_("Select")),
            )
        return state


def exact_time(value, state):
    """``(ISO 8601, escaped short date and time)`` of ``value`` in the agent's zone and language."""
    return _exact_time(value, state["zone"], state["language"], state["format"])


@lru_cache(maxsize=4096)
def _exact_time(value, zone, language, date_format):
    # The same tickets are listed page after page, to every agent: their times are formatted once per
    # zone and language (Django's date formatting was half of the table's time). ``zone`` and
    # ``language`` are the active ones (``RenderState``), part of the key.
    local = timezone.localtime(value)
    return local.isoformat(), escape(format_date(local, date_format))


class StringCellMixin:
    """Wagtail's ``render_cell_html`` for a column whose ``cell(instance, state)`` returns the escaped
    ``<td>`` as a plain string."""

    def render_cell_html(self, instance, parent_context):
        return mark_safe(self.cell(instance, RenderState.of(parent_context)))  # noqa: S308 - escaped in cell()


class QueueColumn(StringCellMixin, Column):
    """A column whose ``cell(instance, state)`` returns the escaped ``<td>`` as a plain string."""

    def td(self, content):
        if self.classname:
            return f'<td class="{escape(self.classname)}">{content}</td>'
        return f"<td>{content}</td>"

    def cell(self, instance, state):
        return self.td(_text(self.get_value(instance)))


class TextColumn(QueueColumn):
    """A plain value, escaped."""


class ChoiceColumn(QueueColumn):
    """The label of a choice field's value (``choices``: a ``TextChoices``/``IntegerChoices`` class).

    The labels are looked up and escaped once per rendering, not once per cell through ``get_FOO_display``.
    """

    def __init__(self, name, choices, **kwargs):
        super().__init__(name, **kwargs)
        self.choices = choices

    def choice_label(self, instance, state):
        key = f"labels:{self.name}"
        labels = state.get(key)
        if labels is None:
            labels = state[key] = {value: escape(str(label)) for value, label in self.choices.choices}
        value = getattr(instance, self.name)
        return labels.get(value) or _text(value)

    def cell(self, instance, state):
        return self.td(self.choice_label(instance, state))


class StatusColumn(ChoiceColumn):
    """The status as a tag; ``primary(instance)`` tells which statuses stand out."""

    def __init__(self, name, choices, primary, **kwargs):
        super().__init__(name, choices, **kwargs)
        self.primary = primary

    def cell(self, instance, state):
        primary = " w-status--primary" if self.primary(instance) else ""
        return self.td(f'<span class="w-status{primary}">{self.choice_label(instance, state)}</span>')


class ActivityColumn(QueueColumn):
    """When something last happened, as "3 hours ago" with the exact time on hover."""

    def cell(self, instance, state):
        value = self.get_value(instance)
        if not value:
            return self.td("")
        if value <= state["now"]:
            shown = state["ago"] % {"time": timesince(value, state["now"], depth=1)}
        else:
            shown = format_date(timezone.localtime(value), "j M H:i")
        iso, exact = exact_time(value, state)
        return self.td(f'<time datetime="{iso}" title="{exact}">{escape(shown)}</time>')


class DueColumn(QueueColumn):
    """The first-response due time, flagged when it has passed without an answer."""

    def cell(self, instance, state):
        value = self.get_value(instance)
        if not value:
            return self.td("")
        if is_overdue(instance, state["now"]):
            flag = state["overdue"]
        elif instance.first_response_at is not None:
            flag = state["answered"]
        else:
            flag = ""
        iso, when = exact_time(value, state)
        return self.td(f'<time datetime="{iso}">{when}</time>{flag}')


class CheckboxColumn(StringCellMixin, BulkActionsCheckboxColumn):
    """The bulk-action checkbox, as Wagtail's ``listing_checkbox_cell.html`` renders it."""

    def cell(self, instance, state):
        return (
            '<td class="bulk-action-checkbox-cell"><input type="checkbox"'
            f' data-object-id="{escape(str(quote(instance.pk)))}" data-bulk-action-checkbox'
            f' class="bulk-action-checkbox" aria-label="{state["select"]}"'
            f' aria-describedby="{escape(str(self.get_aria_describedby(instance)))}"></td>'
        )


class ReferenceColumn(StringCellMixin, TitleColumn):
    """The reference, linking to the ticket screen, flagged while the team has not read the last message.

    Its ``<span>`` carries the id the row's checkbox is described by.
    """

    def url(self, instance, state):
        # The ticket screen's URL ends in "<pk>/": reverse it once per rendering, not once per row.
        key = f"url:{self.name}"
        prefix = state.get(key)
        if prefix is None:
            prefix = state[key] = reverse(self.url_name, args=(0,))[: -len("0/")]
        return f"{prefix}{quote(instance.pk)}/"

    def get_link_url(self, instance, parent_context):
        return self.url(instance, RenderState.of(parent_context))

    def cell(self, instance, state):
        unread = state["unread"] if instance.unread_by_staff else ""
        title_id = escape(str(self.get_title_id(instance, None)))
        return (
            '<td class="title"><div class="title-wrapper">'
            f'<a href="{escape(self.url(instance, state))}">'
            f'<span id="{title_id}">{_text(self.get_value(instance))}</span>'
            f"</a>{unread}</div></td>"
        )


class QueueTable(Table):
    """Wagtail's listing table, with the rows written in Python (same markup as ``tables/table.html``).

    Every column must have ``cell(instance, state)``: the queue's columns above do.
    """

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context or {})
        state = RenderState.of(context)
        columns = list(self.columns.values())
        caption = self.get_caption()
        headers = "".join(column.render_header_html(context) for column in columns)
        rows = "".join(
            "<tr>" + "".join(column.cell(row, state) for column in columns) + "</tr>" for row in self.data
        )
        caption = f'<caption class="w-sr-only">{escape(str(caption))}</caption>' if caption else ""
        # Headers come from Wagtail's templates (safe HTML); every cell escaped its values.
        return mark_safe(  # noqa: S308
            f"<table{flatatt(self.attrs)}>{caption}<thead><tr>{headers}</tr></thead><tbody>{rows}</tbody></table>"
        )
