"""Forms of the purchases pages: the customer's account and My products pages, and the admin's."""

import uuid

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext, pgettext, pgettext_lazy
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

from wagtail_support.purchases.models import PurchaseStatus, SupportedProduct
from wagtail_support.purchases.payload import PurchaseData, PurchaseLine


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

    def __init__(self, *args, themes, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes
        if choices is not None:  # one list for every form on a page: one query, not two per form
            self.fields["theme"].choices = choices


class ManualPurchaseForm(forms.Form):
    """Staff record a purchase by hand (Support → Purchases → Add); it goes through the normal service."""

    email = forms.EmailField(label=_("E-mail address of the buyer"), max_length=254)
    name = forms.CharField(label=_("Customer name"), max_length=255, required=False)
    product = forms.ModelChoiceField(
        queryset=None,
        label=pgettext_lazy("supported product", "Product"),
        help_text=_("Only products with a shop reference can be recorded."),
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1000, initial=1)
    purchased_at = forms.DateTimeField(label=_("Purchased at"), widget=AdminDateTimeInput)
    support_until = forms.DateField(
        label=_("Support until"),
        required=False,
        widget=AdminDateInput,
        help_text=_("Leave empty to use the product's support period from the purchase date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = SupportedProduct.objects.filter(references__isnull=False).distinct()
        self.fields["purchased_at"].initial = timezone.now

    def purchase_data(self):
        """The form as the normalised payload every shop sends, with a new order id of its own."""
        product = self.cleaned_data["product"]
        line = PurchaseLine(
            product_ref=product.references.first().reference,
            title=product.name,
            quantity=self.cleaned_data["quantity"],
            support_until=self.cleaned_data["support_until"],
        )
        return PurchaseData(
            source="manual",
            external_id=uuid.uuid4().hex,
            email=self.cleaned_data["email"],
            name=self.cleaned_data["name"],
            purchased_at=self.cleaned_data["purchased_at"],
            lines=(line,),
        )


class MoveInstallationForm(forms.Form):
    site = forms.CharField(label=_("New site address"), max_length=2000)


class RevokePurchaseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Reason"),
        choices=[(s.value, s.label) for s in (PurchaseStatus.REFUNDED, PurchaseStatus.CANCELLED)],
        initial=PurchaseStatus.REFUNDED,
    )


class MapReferenceForm(forms.Form):
    """Staff map an unknown shop reference of an order to a supported product (``purchases.mapping``)."""

    reference = forms.CharField(widget=forms.HiddenInput, max_length=100)
    product = forms.ModelChoiceField(
        label=_("Supported product"),
        queryset=None,
        empty_label=_("Choose a product…"),
        error_messages={"required": _("Choose the product this reference stands for.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = SupportedProduct.objects.filter(active=True)


def password_rules():
    """The password rules of ``AUTH_PASSWORD_VALIDATORS``, each in the app's words for Django's own four
    validators (Django's Spanish addresses the reader as "usted"; the customer pages say "tú"); any other
    validator keeps its own help text."""
    rules = []
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.UserAttributeSimilarityValidator):
            rules.append(
                pgettext("password rule", "Your password can’t be too similar to your name or e-mail.")
            )
        elif isinstance(validator, password_validation.MinimumLengthValidator):
            length = validator.min_length
            rules.append(
                npgettext(
                    "password rule",
                    "Your password must have at least %(count)d character.",
                    "Your password must have at least %(count)d characters.",
                    length,
                )
                % {"count": length}
            )
        elif isinstance(validator, password_validation.CommonPasswordValidator):
            rules.append(pgettext("password rule", "Your password can’t be a commonly used one."))
        elif isinstance(validator, password_validation.NumericPasswordValidator):
            rules.append(pgettext("password rule", "Your password can’t be only numbers."))
        elif text := validator.get_help_text():
            rules.append(text)
    return rules


class CustomerSetPasswordForm(SetPasswordForm):
    """Django's set-password form, its help texts in the customer pages' words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rules = password_rules()
        self.fields["new_password1"].help_text = (
            format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((rule,) for rule in rules)))
            if rules
            else ""
        )
        self.fields["new_password2"].help_text = pgettext(
            "password rule", "Enter the same password again, to be sure it is the one you meant."
        )
