import importlib.util

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

# The database unreachable outside a view (a session read by a middleware): the 503 page, not a 500.
handler500 = "wagtail_support.unavailable.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

# Replies by e-mail from an ESP (docs/inbound-email.md): django-anymail's inbound webhooks, e.g.
# /anymail/mailgun/inbound_mime/ and /anymail/postmark/inbound/, when anymail is installed.
if importlib.util.find_spec("anymail"):
    urlpatterns.append(path("anymail/", include("anymail.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# What visitors read, in their language: English without a prefix, Spanish under /es/. The app's
# account pages are here too, so that a Spanish customer's set-password link opens in Spanish; its
# webhooks answer at /support-center/webhooks/… as before (and under /es/, harmlessly).
urlpatterns += i18n_patterns(
    path("support-center/", include("wagtail_support.urls")),
    path("shop/", include("example_site.shop.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
