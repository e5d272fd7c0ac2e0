"""Form fields of the customer pages without a template pack.

    {% include "wagtail_support/forms/_field.html" with field=form.title %}

The include renders label, widget, help text and errors; ``support_widget`` renders the widget with
Bootstrap's class names (``form-control``, ``form-select``, ``is-invalid``), which ``support.css``
also styles, and ``aria-describedby`` naming its help text and errors.
"""

from django import template

register = template.Library()

WIDGET_CLASSES = {"select": "form-select", "checkbox": "form-check-input"}


@register.simple_tag
def support_widget(field):
    """The field's widget with its CSS class, ``aria-invalid`` and ``aria-describedby`` set."""
    own = field.field.widget.attrs.get("class", "")
    classes = [own, WIDGET_CLASSES.get(field.widget_type, "form-control")]
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        classes.append("is-invalid")
        described_by.append(f"{field.auto_id}_errors")
    attrs = {"class": " ".join(name for name in classes if name)}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)
