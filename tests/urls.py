"""The example site's URLs plus one endpoint that notifies, standing in for any feature's request."""

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from example_site.urls import urlpatterns as site_urlpatterns
from wagtail_support.notifications.outbox import notify


@require_POST
def notify_view(request):
    with transaction.atomic():
        notification = notify(
            "test_message",
            request.POST.get("to", "customer@example.com"),
            {"note": request.POST.get("note", "")},
            dedupe_key=request.POST.get("key") or None,
        )
    return JsonResponse({"id": notification.pk}, status=201)


urlpatterns = [path("test-notify/", notify_view, name="test_notify"), *site_urlpatterns]
