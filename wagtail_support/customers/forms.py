from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from wagtail_support.customers.models import CustomerProfile
from wagtail_support.customers.preferences import available_languages, time_zone_names


class PreferencesForm(forms.ModelForm):
    """The customer's language and time zone, chosen from the site's languages and the IANA zones."""

    language = forms.ChoiceField(label=_("Language"), help_text=_("Pages and e-mails use this language."))
    time_zone = forms.ChoiceField(
        label=_("Time zone"), help_text=_("Dates and times on these pages and in e-mails use this zone.")
    )

    class Meta:
        model = CustomerProfile
        fields = ["language", "time_zone"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_preferences_%s")
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = available_languages()
        self.fields["time_zone"].choices = [(name, name) for name in time_zone_names()]


class NameForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name"]
        labels = {"first_name": _("First name"), "last_name": _("Last name")}
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_name_%s")
        super().__init__(*args, **kwargs)


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=254,
        help_text=_("We e-mail a link to this address; your address changes only once you follow it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("auto_id", "id_email_%s")
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_email(self):
        email = self.cleaned_data["new_email"].strip()
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError(_("That is already your e-mail address."))
        return email


class CustomerPasswordChangeForm(PasswordChangeForm):
    """Django's own form: the current password, then the new one twice, checked by the site's validators."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_password_%s")
        super().__init__(*args, **kwargs)


class EmailChoicesForm(forms.ModelForm):
    """Which optional e-mails the customer receives; replies from the team are always sent."""

    class Meta:
        model = CustomerProfile
        fields = ["email_confirmations", "email_status_changes"]
        labels = {
            "email_confirmations": _("Confirmation when I open a ticket"),
            "email_status_changes": _("When the team closes, reopens or merges my ticket"),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_emails_%s")
        super().__init__(*args, **kwargs)
