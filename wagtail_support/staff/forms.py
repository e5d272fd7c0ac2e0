"""Forms of the ticket screen: reply or note (canned responses, preview), status, priority, assignee."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail_support.tickets.forms import AttachmentsField
from wagtail_support.tickets.models import Ticket, TicketPriority, TicketStatus, pk_from_reference


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), help_text=_("Markdown."), required=False
    )
    canned = forms.ModelChoiceField(
        label=_("Canned response"), queryset=None, required=False, empty_label=_("Choose a canned response")
    )
    files = AttachmentsField()  # the customer's field: several files, checked by their content

    def __init__(self, *args, canned_responses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["canned"].queryset = canned_responses


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TicketStatus.choices)


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=TicketPriority.choices, coerce=int)


def agents():
    """Users who may reply to tickets: superusers and holders of ``reply_ticket`` (directly or by group)."""
    permission = Permission.objects.filter(content_type__app_label="wagtail_support", codename="reply_ticket")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True) | Q(user_permissions__in=permission) | Q(groups__permissions__in=permission)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class AssignForm(forms.Form):
    assignee = AssigneeChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()


class MergeForm(forms.Form):
    target = forms.CharField(
        label=_("Merge into"), max_length=40, help_text=_("The reference of the customer's other ticket.")
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
