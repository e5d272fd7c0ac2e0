"""Public endpoints of wagtail-support, for ``include()`` in a site's urls:

    path("support-center/", include("wagtail_support.urls")),

Account pages (log in and out, password reset, set password, resend the link) and the shop
webhooks live here; the support section itself is a Wagtail page the editor places in the page tree.
"""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from wagtail_support.health import views as health_views
from wagtail_support.login import views as login_views
from wagtail_support.purchases import views
from wagtail_support.purchases.adapters import views as webhook_views

app_name = "wagtail_support"

urlpatterns = [
    path("account/login/", login_views.LoginView.as_view(), name="login"),
    path("account/logout/", login_views.LogoutView.as_view(), name="logout"),
    path("account/password-reset/", login_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password-reset/sent/",
        login_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/password-reset/complete/",
        login_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The reset link's confirm step is the set-password page below (one token, one page).
    path("account/set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("account/resend/", views.ResendSetupView.as_view(), name="resend_setup"),
    path("account/resend/sent/", views.resend_setup_done, name="resend_setup_done"),
    # The words of support.js in the visitor's language (only this app's djangojs catalogue).
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["wagtail_support"]), name="jsi18n"),
    # For load balancers and Prometheus (docs/deployment.md#health-and-metrics).
    path("health/", health_views.health, name="health"),
    path("metrics/", health_views.metrics, name="metrics"),
    path("webhooks/stripe/", webhook_views.stripe_webhook, name="stripe_webhook"),
    path("webhooks/partners/<slug:slug>/", webhook_views.partner_webhook, name="partner_webhook"),
]
