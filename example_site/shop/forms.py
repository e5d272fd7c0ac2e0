from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from example_site.shop.catalogue import CATALOGUE


class CheckoutForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send your receipt and the link to set up your support account here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address."),
        },
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name.")},
    )
    product = forms.ChoiceField(
        label=pgettext_lazy("supported product", "Product"),
        choices=[(item.sku, item.title) for item in CATALOGUE],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a product."),
            "invalid_choice": _("Choose one of the products on this page."),
        },
    )
