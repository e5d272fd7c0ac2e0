from django import forms
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
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = available_languages()
        self.fields["time_zone"].choices = [(name, name) for name in time_zone_names()]
