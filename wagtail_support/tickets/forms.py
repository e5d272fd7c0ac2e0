"""Forms of the customer's support pages: a new ticket, a reply, a rating, and the My tickets filter.

Forms check what the customer typed; the rules of tickets live in ``tickets.services``.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from wagtail_support.conf import support_settings
from wagtail_support.dates import support_date
from wagtail_support.purchases.models import Entitlement, Installation, ProductKind
from wagtail_support.purchases.my_products import origin_text
from wagtail_support.tickets import pending, services
from wagtail_support.tickets.attachments import accept_attribute, limits_text, validate_uploads
from wagtail_support.tickets.expectations import first_response_text
from wagtail_support.tickets.models import TicketStatus


class ChosenFiles(list):
    """The files that arrived, and how many the browser said were chosen (None when unknown)."""

    def __init__(self, uploads, chosen):
        super().__init__(uploads)
        self.chosen = chosen


class MultipleFileInput(forms.ClearableFileInput):
    """Several files, and a hidden ``<name>-chosen`` count that ``files-chosen.js`` fills in."""

    allow_multiple_selected = True
    template_name = "wagtail_support/forms/attachments_widget.html"

    def get_context(self, name, value, attrs):
        # The limits, read when the field is shown (settings may change), for the browser's own check
        # before upload (support.js); the server checks everything again.
        limits = {
            "accept": accept_attribute(),
            "data-max-bytes": support_settings.ATTACHMENT_MAX_BYTES,
            "data-max-files": support_settings.ATTACHMENTS_PER_MESSAGE,
        }
        return super().get_context(name, value, {**limits, **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        uploads = super().value_from_datadict(data, files, name)
        chosen = str(data.get(f"{name}-chosen") or "").strip()
        return ChosenFiles(uploads or [], int(chosen) if chosen.isdigit() else None)


class AttachmentsField(forms.FileField):
    """Up to ATTACHMENTS_PER_MESSAGE files, each checked by its content (see ``tickets.attachments``).

    The one attachments field of the customer's and the agents' forms.
    """

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("help_text", attachments_help_text())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [upload for upload in (data or []) if upload]
        # Django's multipart parser drops a part whose file name it cannot use ("", ".", "..", a name
        # ending in "/"): when the page said how many were chosen, the missing ones are reported.
        if (chosen := getattr(data, "chosen", None)) is not None and chosen > len(files):
            missing = chosen - len(files)
            raise ValidationError(
                ngettext(
                    "%(count)d of the files you chose could not be read; nothing was saved. "
                    "Rename it and choose it again.",
                    "%(count)d of the files you chose could not be read; nothing was saved. "
                    "Rename them and choose them again.",
                    missing,
                )
                % {"count": missing},
                code="files_lost",
            )
        files = [super(AttachmentsField, self).clean(upload, initial) for upload in files]
        return validate_uploads(files)  # checked here once; the services take them as they are


def _attachments_help_text():
    return limits_text()


# Fields are built when their form class is, at import: the text is made when it is shown, in the
# visitor's language.
attachments_help_text = lazy(_attachments_help_text, str)


def message_field(label):
    return forms.CharField(
        label=label,
        max_length=support_settings.MESSAGE_MAX_LENGTH,
        help_text=_("You can use Markdown: **bold**, *italic*, `code`, lists and links."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )


def entitlement_hint(entitlement, today=None):
    """The support date of one of the customer's products, in words (one date format: ``support_date``)."""
    if not entitlement.active:
        return _("This purchase was refunded or cancelled, so it no longer includes support.")
    if entitlement.support_until is None:
        return _("This product does not include support.")
    day = support_date(entitlement.support_until)
    if entitlement.has_support(today):
        return _("Support until %(date)s") % {"date": day}
    return _("Support ended on %(date)s") % {"date": day}


def needs_site(entitlement):
    """Themes and plugins with a limited number of installations say which site a ticket is about."""
    return (
        entitlement.product.kind in (ProductKind.THEME, ProductKind.PLUGIN) and not entitlement.is_unlimited
    )


class InstallationSelect(forms.Select):
    """Each site says which product it belongs to, so that the page can show only the chosen product's."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if instance := getattr(value, "instance", None):
            option["attrs"]["data-product"] = str(instance.entitlement_id)
        return option


class EntitlementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.product.name


class KeepsFilesMixin:
    """Files that passed their checks are kept when the form fails for another reason.

    ``kept``: ``PendingUpload`` rows of an earlier try (``tickets.pending``), sent again with the
    form's ``kept`` checkboxes. ``files_to_hold()`` names the new ones the view should hold.
    """

    def __init__(self, *args, kept=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = list(kept)
        self._new_files = []

    def clean_attachments(self):
        new = list(self.cleaned_data.get("attachments") or [])
        self._new_files = new
        return validate_uploads([pending.as_checked(row) for row in self.kept] + new)

    def files_to_hold(self):
        """The new files that passed their checks (none when the files themselves were refused)."""
        return [] if "attachments" in self.errors else self._new_files


class NewTicketForm(KeepsFilesMixin, forms.Form):
    """A new ticket about one of the customer's products with active support."""

    product = EntitlementChoiceField(
        label=pgettext_lazy("supported product", "Product"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose the product you need help with."),
            "invalid_choice": _("Choose one of your own products."),
        },
    )
    installation = forms.ModelChoiceField(
        label=_("Your registered sites"),
        queryset=None,
        required=False,
        widget=InstallationSelect,
        empty_label=_("Another site: type its address below"),
        error_messages={"invalid_choice": _("Choose one of your own sites.")},
    )
    new_site = forms.CharField(
        label=_("Address of the site"),
        required=False,
        max_length=2000,
        help_text=_("For example shop.example.com. It is registered for the product with the ticket."),
        widget=forms.TextInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )
    title = forms.CharField(
        label=pgettext_lazy("ticket title", "Title"),
        max_length=200,
        help_text=_("A short summary, e.g. “Checkout page shows an error”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = message_field(_("Description"))
    attachments = AttachmentsField()

    def __init__(self, *args, entitlements, response_hours=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entitlements = list(entitlements)
        self.response_hours = response_hours or (lambda kind: 0)
        ids = [entitlement.pk for entitlement in self.entitlements]
        self.fields["product"].queryset = Entitlement.objects.filter(pk__in=ids).select_related("product")
        self.fields["installation"].queryset = Installation.objects.filter(
            entitlement__in=ids, released_at__isnull=True
        ).select_related("entitlement__product")
        self.fields["installation"].label_from_instance = lambda site: (
            _("%(site)s (%(product)s)")
            % {
                "site": site.domain,
                "product": site.entitlement.product.name,
            }
        )

    def chosen_product(self):
        """The product whose radio button is checked, for the coverage policy beside the form."""
        value = str(self["product"].value() or "")
        return next((e.product for e in self.entitlements if str(e.pk) == value), None)

    def product_options(self):
        """The radio buttons: every product of the customer, the unsupported ones disabled, each told
        apart by where it came from (order and date, or the plan it came with) and its support end."""
        value = str(self["product"].value() or "")
        return [
            {
                "entitlement": entitlement,
                "value": str(entitlement.pk),
                "label": entitlement.product.name,
                "origin": origin_text(entitlement),
                "hint": entitlement_hint(entitlement),
                "response": first_response_text(self.response_hours(entitlement.product.kind))
                if entitlement.has_support()
                else "",
                "supported": entitlement.has_support(),
                "checked": value == str(entitlement.pk),
                "needs_site": needs_site(entitlement),
            }
            for entitlement in self.entitlements
        ]

    def products_needing_site(self):
        """Names of the supported products whose tickets say which site (the site question's hint)."""
        names = [e.product.name for e in self.entitlements if e.has_support() and needs_site(e)]
        return list(dict.fromkeys(names))

    def clean_product(self):
        entitlement = self.cleaned_data["product"]
        services.ensure_supported(entitlement)  # the service's rule and words, found before anything is sent
        return entitlement

    def clean(self):
        cleaned = super().clean()
        entitlement = cleaned.get("product")
        installation = cleaned.get("installation")
        new_site = (cleaned.get("new_site") or "").strip()
        if installation and new_site:
            self.add_error("new_site", _("Choose a registered site or type a new one, not both."))
        if entitlement is None:
            return cleaned
        if not needs_site(entitlement) and not new_site:
            cleaned["installation"] = installation = None  # a hidden choice of another product's site
        if installation and installation.entitlement_id != entitlement.pk:
            self.add_error(
                "installation",
                _("%(site)s is registered for another product. Choose a site of %(product)s.")
                % {"site": installation.domain, "product": entitlement.product.name},
            )
        elif not installation and not new_site and needs_site(entitlement):
            registered = [
                site for site in self.fields["installation"].queryset if site.entitlement_id == entitlement.pk
            ]
            if len(registered) == 1:  # the product's only site: the one the ticket is about
                cleaned["installation"] = registered[0]
            else:
                self.add_error(
                    "installation" if registered else "new_site",
                    _("Choose the site this ticket is about, or type its address."),
                )
        return cleaned


class ReplyForm(KeepsFilesMixin, forms.Form):
    body = message_field(_("Your reply"))
    attachments = AttachmentsField()


class ColleagueForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of a colleague"),
        max_length=254,
        help_text=_("They get this ticket's e-mails and can read and reply to it, and nothing else."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter an e-mail address, for example sam@example.com.")},
    )


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with the help you received?"),
        coerce=int,
        choices=[
            (5, _("5 – very satisfied")),
            (4, _("4 – satisfied")),
            (3, _("3 – neither satisfied nor dissatisfied")),
            (2, _("2 – dissatisfied")),
            (1, _("1 – very dissatisfied")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


STATUS_FILTERS = [
    ("", _("All tickets")),
    ("open", pgettext_lazy("ticket status", "Open")),
    (TicketStatus.AWAITING_CUSTOMER, pgettext_lazy("ticket status", "Awaiting you")),
    (TicketStatus.AWAITING_STAFF, _("Awaiting the team")),
    (TicketStatus.NEW, pgettext_lazy("ticket status", "New")),
    (TicketStatus.CLOSED, pgettext_lazy("ticket status", "Closed")),
]


class TicketFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTERS, required=False)
    q = forms.CharField(
        label=_("Search my tickets"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
