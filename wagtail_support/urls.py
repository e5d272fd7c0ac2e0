"""Public endpoints of wagtail-support (shop webhooks), for ``include()`` in a site's urls."""

app_name = "wagtail_support"

urlpatterns = []
