"""The customer log-in and password-reset forms: Django's, with e-mail log-in and throttling."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail_support.login import throttle
from wagtail_support.purchases import accounts


class CustomerLoginForm(AuthenticationForm):
    """Log in with the purchase e-mail (any case) or a username; failed attempts are throttled."""

    username = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "inputmode": "email", "spellcheck": "false"}
        ),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the e-mail address and password of your account. The password is case-sensitive."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.throttled = False

    def clean(self):
        submitted = self.cleaned_data.get("username") or ""
        if minutes := throttle.minutes_blocked(self.request, "login", submitted):
            self.throttled = True
            raise ValidationError(throttle.too_many_message(minutes), code="throttled")
        if "@" in submitted and (customer := accounts.find_customer(submitted)):
            self.cleaned_data["username"] = customer.get_username()  # accounts are made per purchase e-mail
        try:
            return super().clean()
        except ValidationError:
            if self.cleaned_data.get("password"):
                throttle.count_attempt(self.request, "login", submitted)
            self.cleaned_data["username"] = submitted
            raise


class CustomerPasswordResetForm(PasswordResetForm):
    """Asks for a new set-password link; the answer never says whether the address has an account.

    The link is the set-password e-mail of ``purchases.accounts`` (one token, one page, through the
    notification outbox), so it also finishes an account whose set-up is still pending.
    """

    def save(self, **kwargs):
        if user := accounts.find_customer(self.cleaned_data["email"]):
            accounts.send_setup_link(user)
