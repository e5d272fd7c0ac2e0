"""Columns of the queue. Most render their cell in Python: a queue page has hundreds of cells, and a
template per cell is most of the page's server time."""

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from wagtail.admin.ui.tables import Column, StatusTagColumn

from wagtail_support.tickets.workflow import is_overdue


def _td(column, content):
    if column.classname:
        return format_html('<td class="{}">{}</td>', column.classname, content)
    return format_html("<td>{}</td>", content)


def _time(value):
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        format_date(local, get_format("SHORT_DATETIME_FORMAT")),
        _("%(time)s ago") % {"time": timesince(value)}
        if value <= timezone.now()
        else format_date(local, "j M H:i"),
    )


class TextColumn(Column):
    """A plain value, escaped."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return _td(self, "" if value is None else value)


class StatusColumn(StatusTagColumn):
    def render_cell_html(self, instance, parent_context):
        primary = " w-status--primary" if self.get_primary(instance) else ""
        return _td(self, format_html('<span class="w-status{}">{}</span>', primary, self.get_value(instance)))


class ActivityColumn(Column):
    """When something last happened, as "3 hours ago" with the exact time on hover."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return _td(self, _time(value) if value else "")


class DueColumn(Column):
    """The first-response due time, flagged when it has passed without an answer."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if not value:
            return _td(self, "")
        local = timezone.localtime(value)
        when = format_html(
            '<time datetime="{}">{}</time>',
            local.isoformat(),
            format_date(local, get_format("SHORT_DATETIME_FORMAT")),
        )
        if is_overdue(instance, parent_context.setdefault("now", timezone.now())):
            flag = format_html(' <span class="w-status w-status--label">{}</span>', _("Overdue"))
        elif instance.first_response_at is not None:
            flag = format_html(' <span class="w-sr-only">{}</span>', _("answered"))
        else:
            flag = ""
        return _td(self, format_html("{}{}", when, flag))


class UnreadTitleColumnMixin:
    cell_template_name = "wagtail_support/admin/tickets/title_cell.html"
