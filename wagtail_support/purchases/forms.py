from django import forms
from django.utils.translation import gettext_lazy as _


class ResendSetupForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of your purchase"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class InstallationForm(forms.Form):
    site = forms.CharField(
        label=_("Your site's address"),
        max_length=2000,
        help_text=_("For example shop.example.com"),
        widget=forms.TextInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )


class ClaimThemeForm(forms.Form):
    theme = forms.ModelChoiceField(queryset=None, label=_("Your free premium theme"), empty_label=None)

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes
