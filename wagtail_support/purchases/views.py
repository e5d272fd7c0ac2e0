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
from wagtail.models import Site

from wagtail_support.conf import support_settings
from wagtail_support.layout import LayoutMixin, layout_context
from wagtail_support.links import support_page_url
from wagtail_support.login import throttle
from wagtail_support.purchases import accounts
from wagtail_support.purchases.forms import CustomerSetPasswordForm, ResendSetupForm


def after_setup_url(request=None):
    """Where a customer goes once the account is set up: the support section of the site they are on
    (or any) when there is one, else ``LOGIN_REDIRECT_URL`` when the site sets it, else a page saying the
    password is set."""
    if support_settings.AFTER_SETUP_URL:
        return resolve_url(support_settings.AFTER_SETUP_URL)
    site = Site.find_for_request(request) if request is not None else None
    if url := support_page_url(site):
        return url
    if settings.is_overridden("LOGIN_REDIRECT_URL"):
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    return reverse("wagtail_support:password_reset_complete")


class SetPasswordView(LayoutMixin, auth_views.PasswordResetConfirmView):
    """The page behind the e-mailed link: choose a password, be signed in, land in Support.

    The same page serves a forgotten password: the reset request e-mails this link too.
    """

    template_name = "wagtail_support/account/set_password.html"
    form_class = CustomerSetPasswordForm
    token_generator = accounts.setup_token_generator
    post_reset_login = True
    reset_url_token = "set-password"  # noqa: S105 - a URL segment, not a secret

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.complete_setup(form.user)
        messages.success(self.request, _("Your password is set and your account is ready."))
        return response

    def get_success_url(self):
        return after_setup_url(self.request)


@method_decorator(never_cache, name="dispatch")
class ResendSetupView(LayoutMixin, FormView):
    """'Didn't get the e-mail?': the same answer for every address, and rate limited."""

    template_name = "wagtail_support/account/resend.html"
    form_class = ResendSetupForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].lower()
        if throttle.over_rate(self.request, "resend", email, support_settings.RESEND_SETUP_RATE):
            form.add_error(None, _("Too many requests. Please wait an hour and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if user := accounts.find_customer(email):
            accounts.send_setup_link(user)
        return redirect(reverse("wagtail_support:resend_setup_done"))


def resend_setup_done(request):
    return render(request, "wagtail_support/account/resend_done.html", layout_context())
