"""Customer log-in, log-out and password-reset pages: Django's auth views, subclassed.

The reset link is the app's set-password page (``purchases.views.SetPasswordView``): one token,
one page, for a first password and a forgotten one.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from wagtail_support.layout import LayoutMixin
from wagtail_support.links import support_page_url
from wagtail_support.login import throttle
from wagtail_support.login.forms import CustomerLoginForm, CustomerPasswordResetForm
from wagtail_support.login.links import login_url

TEMPLATES = "wagtail_support/account/"


def after_login_url():
    """Where a customer lands without a ``next``: the support section, else ``LOGIN_REDIRECT_URL``
    when the site sets it, else the home page."""
    if url := support_page_url():
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL) if settings.is_overridden("LOGIN_REDIRECT_URL") else "/"


class LoginView(LayoutMixin, auth_views.LoginView):
    """``next`` is followed only to this host (Django's own check, url_has_allowed_host_and_scheme)."""

    template_name = TEMPLATES + "login.html"
    form_class = CustomerLoginForm

    def get_default_redirect_url(self):
        return after_login_url()

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django's); back to the log-in page unless ``LOGOUT_REDIRECT_URL`` says otherwise."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are logged out."))
        return response

    def get_default_redirect_url(self):
        if self.next_page or settings.LOGOUT_REDIRECT_URL:
            return super().get_default_redirect_url()
        return login_url()


class PasswordResetView(LayoutMixin, auth_views.PasswordResetView):
    """The same answer for every address; requests are throttled per address and per client."""

    template_name = TEMPLATES + "password_reset.html"
    form_class = CustomerPasswordResetForm
    success_url = reverse_lazy("wagtail_support:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if minutes := throttle.minutes_blocked(self.request, "password_reset", email):
            form.add_error(None, throttle.too_many_message(minutes))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        throttle.count_attempt(self.request, "password_reset", email)
        return super().form_valid(form)


class PasswordResetDoneView(LayoutMixin, auth_views.PasswordResetDoneView):
    template_name = TEMPLATES + "password_reset_done.html"


class PasswordResetCompleteView(LayoutMixin, auth_views.PasswordResetCompleteView):
    """Shown after a new password when the site has nowhere better to send the customer."""

    template_name = TEMPLATES + "password_reset_complete.html"
