"""The customer's Profile page (name, e-mail, password, language and time zone, e-mails received),
the confirmation of a new e-mail address, and the endpoint ``support.js`` reports the browser's zone to.

Routes of the support page (``SupportPageMixin``): ``profile/`` (also ``preferences/``, its old
address), ``profile/email/?token=…`` and ``preferences/time-zone/``. Each form of the page posts its
own ``form`` name; a failed form shows its errors beside the others, unchanged.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wagtail_support.customers import preferences, profile
from wagtail_support.customers.forms import (
    CustomerPasswordChangeForm,
    EmailChangeForm,
    EmailChoicesForm,
    NameForm,
    PreferencesForm,
)
from wagtail_support.customers.models import CustomerProfile
from wagtail_support.customers.translations import translated_page
from wagtail_support.degrade import subpage_url
from wagtail_support.notifications.links import page_url

FORMS = ("name", "email", "password", "language", "emails")


def _render(request, page, forms, status=200):
    from wagtail_support.tickets.views import render

    return render(request, page, "preferences.html", {**forms, "support_tab": "preferences"}, status)


def _forms(request, stored, bound=None, data=None):
    user = request.user
    initial = {
        "language": preferences.supported_language(stored.language)
        or preferences.supported_language(translation.get_language()),
        "time_zone": stored.time_zone or preferences.current_zone_name(),
    }
    # Each form from its data: None leaves it unbound; only the form that was posted gets ``data``.
    makers = {
        "name": lambda given: NameForm(given, instance=user),
        "email": lambda given: EmailChangeForm(given, user=user),
        "password": lambda given: CustomerPasswordChangeForm(user, given),
        "language": lambda given: PreferencesForm(given, instance=stored, initial=None if given else initial),
        "emails": lambda given: EmailChoicesForm(given, instance=stored),
    }
    made = {name: make(data if name == bound else None) for name, make in makers.items()}
    return {f"{name}_form": form for name, form in made.items()}


@require_http_methods(["GET", "POST"])
def preferences_page(request, page):
    """GET shows every form of the profile; POST saves the one named by ``form``."""
    stored = preferences.profile_of(request.user) or CustomerProfile(user=request.user)
    if request.method == "GET":
        return _render(request, page, _forms(request, stored))
    which = request.POST.get("form") or "language"  # the Preferences form of earlier versions
    if which not in FORMS:
        which = "language"
    forms = _forms(request, stored, which, request.POST)
    form = forms[f"{which}_form"]
    if not form.is_valid():
        return _render(request, page, forms, status=400)
    back = subpage_url(request, page, "preferences_route")
    if which == "language":
        form.save()
        language = form.cleaned_data["language"]
        with translation.override(language):
            messages.success(request, _("Your preferences are saved."))
        # The support section in the chosen language, when the site has it translated.
        return redirect(subpage_url(request, translated_page(page, language), "preferences_route"))
    if which == "email":
        new_email = form.cleaned_data["new_email"]
        profile.request_email_change(
            request.user,
            new_email,
            lambda token: page_url(
                page, page.reverse_subpage("confirm_email_route") + "?" + urlencode({"token": token})
            ),
        )
        messages.success(
            request,
            _("We sent a link to %(email)s. Your address changes once you follow it.") % {"email": new_email},
        )
        return redirect(back)
    form.save()
    if which == "password":
        update_session_auth_hash(request, form.user)  # stay logged in here, logged out elsewhere
        messages.success(request, _("Your password is changed."))
    elif which == "name":
        messages.success(request, _("Your name is saved."))
    else:
        messages.success(request, _("Your e-mail choices are saved."))
    return redirect(back)


@require_http_methods(["GET", "POST"])
def confirm_email(request, page):
    """GET shows the new address and a button; POST (CSRF-checked) changes it. Nothing changes on GET."""
    from wagtail_support.tickets.views import render

    token = (request.POST if request.method == "POST" else request.GET).get("token", "")
    try:
        new_email = profile.read_email_change(request.user, token)
        if request.method == "POST":
            profile.confirm_email_change(request.user, token)
            messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": new_email})
            return redirect(subpage_url(request, page, "preferences_route"))
    except profile.EmailChangeError as error:
        context = {"error": str(error), "support_tab": "preferences"}
        return render(request, page, "confirm_email.html", context, status=400)
    context = {"new_email": new_email, "token": token, "support_tab": "preferences"}
    return render(request, page, "confirm_email.html", context)


@require_POST
def detect_zone(request, page):
    """POST ``time_zone`` (the browser's IANA zone): stored unless the customer already has one."""
    if not preferences.remember_zone(request.user, request.POST.get("time_zone", "")):
        return JsonResponse({"error": _("That is not a time zone.")}, status=400)
    return HttpResponse(status=204)
