"""The one view of the benchmarks: a request that queues an e-mail, as a real view would."""

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from example_site.urls import urlpatterns as site_urlpatterns
from wagtail_support.notifications.outbox import notify


@csrf_exempt
@require_POST
def notify_view(request):
    n = request.POST.get("n", "0")
    with transaction.atomic():
        notification = notify(
            "test_message",
            f"customer{n}@example.com",
            {"note": f"Benchmark request {n}."},
        )
    return JsonResponse({"id": notification.pk, "status": notification.status}, status=201)


urlpatterns = [
    path("bench/notify/", notify_view, name="bench-notify"),
    # The site's own URLs, so that e-mails rendered in the workers can link to the admin and pages.
    *site_urlpatterns,
]
