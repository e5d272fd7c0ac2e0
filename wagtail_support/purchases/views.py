"""Customer account pages: set the password from the e-mailed link, and ask for a new link.

Built on Django's own auth views; thin: the rules live in ``purchases.accounts``.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django_ratelimit.core import is_ratelimited

from wagtail_support.conf import support_settings
from wagtail_support.degrade import from_cache
from wagtail_support.purchases import accounts
from wagtail_support.purchases.forms import ResendSetupForm


def after_setup_url():
    """Where a customer goes once the account is set up: the support section when the site has one."""
    if support_settings.AFTER_SETUP_URL:
        return resolve_url(support_settings.AFTER_SETUP_URL)
    from wagtail_support.tickets.pages import support_page_url

    return support_page_url() or resolve_url(settings.LOGIN_REDIRECT_URL)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The page behind the e-mailed link: choose a password, be signed in, land in Support."""

    template_name = "wagtail_support/account/set_password.html"
    token_generator = accounts.setup_token_generator
    post_reset_login = True
    reset_url_token = "set-password"  # noqa: S105 - a URL segment, not a secret

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.complete_setup(form.user)
        messages.success(self.request, _("Your password is set and your account is ready."))
        return response

    def get_success_url(self):
        return after_setup_url()


@method_decorator(never_cache, name="dispatch")
class ResendSetupView(FormView):
    """'Didn't get the e-mail?': the same answer for every address, and rate limited."""

    template_name = "wagtail_support/account/resend.html"
    form_class = ResendSetupForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].lower()
        rate = support_settings.RESEND_SETUP_RATE
        limited = any(
            from_cache(  # open while the cache is down: the answer is the same for every address
                lambda key=key: is_ratelimited(
                    self.request, group="wagtail_support.resend", key=key, rate=rate, increment=True
                ),
                default=False,
                what="rate limit resend",
            )
            for key in ("ip", lambda group, request: email)
        )
        if limited:
            form.add_error(None, _("Too many requests. Please wait an hour and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if user := accounts.find_customer(email):
            accounts.send_setup_link(user)
        return redirect(reverse("wagtail_support:resend_setup_done"))


def resend_setup_done(request):
    return render(request, "wagtail_support/account/resend_done.html")
