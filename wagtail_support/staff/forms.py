"""Forms of the ticket screen: reply or note (canned responses, preview), the ticket panel (status,
priority, assignee, tags in one form), merge, saved views, bulk tagging."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail_support.staff.agents import agent_choices, agents, label
from wagtail_support.tickets.forms import AttachmentsField
from wagtail_support.tickets.models import Ticket, TicketPriority, TicketStatus, pk_from_reference
from wagtail_support.tickets.tags import parse_tags


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), help_text=_("Markdown."), required=False
    )
    canned = forms.ModelChoiceField(
        label=_("Canned response"), queryset=None, required=False, empty_label=_("Choose a canned response")
    )
    files = AttachmentsField()  # the customer's field: several files, checked by their content
    # Set by the page's script when a macro is inserted: its status, priority, assignee and tags
    # apply on send.
    macro = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The newest message when the page was drawn: a newer one from someone else warns before sending.
    seen = forms.IntegerField(required=False, widget=forms.HiddenInput)
    send_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, canned_responses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["canned"].queryset = canned_responses

    def clean_macro(self):
        pk = self.cleaned_data.get("macro")
        if pk is None:
            return None
        macro = self.fields["canned"].queryset.filter(pk=pk).first()
        if macro is None:
            raise forms.ValidationError(_("That canned response is no longer available; choose another."))
        return macro


class TagsField(forms.CharField):
    """Comma-separated tags. A plain text box: Wagtail's tag widget draws an input without a label."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Tags"))
        kwargs.setdefault("help_text", _("Comma-separated, e.g. refund, billing."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        tags = parse_tags(value)
        if any(len(tag) > 100 for tag in tags):
            raise forms.ValidationError(_("Each tag may be at most 100 characters long."))
        return tags


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TicketStatus.choices)


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=TicketPriority.choices, coerce=int)


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return label(user)


class AssignForm(forms.Form):
    assignee = AssigneeChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()


class TicketPanelForm(forms.Form):
    """Status, priority, assignee and tags of one ticket, saved together in one request."""

    status = forms.ChoiceField(label=_("Status"), choices=TicketStatus.choices)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=TicketPriority.choices, coerce=int)
    assignee = AssigneeChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody")
    )
    tags = TagsField()

    def __init__(self, *args, ticket, can_assign=True, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "status": ticket.status,
                "priority": ticket.priority,
                "assignee": ticket.assignee_id,
                "tags": ", ".join(sorted(ticket.tags.names())),
            },
        )
        super().__init__(*args, **kwargs)
        if not can_assign:
            del self.fields["assignee"]
            return
        field = self.fields["assignee"]
        if self.is_bound:
            field.queryset = agents()  # a save is checked against the agents as they are now
        else:
            field.choices = [("", field.empty_label), *agent_choices()]


class ConfirmForm(forms.Form):
    """A button and nothing to fill in (undo a merge)."""


class BulkTagForm(forms.Form):
    tags = TagsField(label=_("Tags to add"), required=True)


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=80)
    query = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        from wagtail_support.staff.models import SavedView

        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the view a name."))
        if SavedView.objects.filter(user=self.user, name__iexact=name).exists():
            raise forms.ValidationError(_("You already have a view with this name; choose another."))
        return name


class MergeForm(forms.Form):
    # Not "required" in the form's sense: the field sits on every ticket screen, and an empty one
    # is answered with the same message as a wrong one.
    target = forms.CharField(
        label=_("Merge into"),
        max_length=40,
        required=False,
        help_text=_("The reference of the customer's other ticket."),
    )

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket

    def clean_target(self):
        pk = pk_from_reference(self.cleaned_data["target"])
        target = Ticket.objects.filter(pk=pk, customer_id=self.ticket.customer_id).first() if pk else None
        if target is None:
            raise forms.ValidationError(_("Enter the reference of another ticket of the same customer."))
        return target
