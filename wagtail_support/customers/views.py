"""The customer's Preferences page and the endpoint ``support.js`` reports the browser's zone to.

Routes of the support page (``SupportPageMixin``): ``preferences/`` and ``preferences/time-zone/``.
"""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagtail_support.customers import preferences
from wagtail_support.customers.forms import PreferencesForm
from wagtail_support.customers.models import CustomerProfile
from wagtail_support.customers.translations import translated_page
from wagtail_support.degrade import subpage_url


def preferences_page(request, page):
    """GET shows the customer's language and zone (as they are used now); POST saves them."""
    from wagtail_support.tickets.views import render

    profile = preferences.profile_of(request.user) or CustomerProfile(user=request.user)
    initial = {
        "language": preferences.supported_language(profile.language)
        or preferences.supported_language(translation.get_language()),
        "time_zone": profile.time_zone or preferences.current_zone_name(),
    }
    if request.method == "POST":
        form = PreferencesForm(request.POST, instance=profile)
        if form.is_valid():
            form.save()
            language = form.cleaned_data["language"]
            with translation.override(language):
                messages.success(request, _("Your preferences are saved."))
            # The support section in the chosen language, when the site has it translated.
            return redirect(subpage_url(request, translated_page(page, language), "preferences_route"))
        status = 400
    else:
        form = PreferencesForm(instance=profile, initial=initial)
        status = 200
    return render(request, page, "preferences.html", {"form": form, "support_tab": "preferences"}, status)


@require_POST
def detect_zone(request, page):
    """POST ``time_zone`` (the browser's IANA zone): stored unless the customer already has one."""
    if not preferences.remember_zone(request.user, request.POST.get("time_zone", "")):
        return JsonResponse({"error": _("That is not a time zone.")}, status=400)
    return HttpResponse(status=204)
