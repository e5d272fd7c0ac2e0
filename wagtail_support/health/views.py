"""``health/`` for load balancers and ``metrics/`` for Prometheus (docs/deployment.md#health-and-metrics).

``health/`` tells the public only "up" (200) or "down" (503: the database cannot be reached); with
``HEALTH_TOKEN`` as a bearer token, or to a signed-in user who may see the outbox, it adds each part
(database, cache, broker), the outbox's lag and the inbound e-mail waiting. ``metrics/`` answers 404 until
``METRICS_TOKEN`` is set, then only to requests that carry it.
"""

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wagtail_support.conf import support_settings
from wagtail_support.health import probes
from wagtail_support.health.access import has_token, is_staff_watcher


@never_cache
@require_GET
def health(request):
    if has_token(request, support_settings.HEALTH_TOKEN) or is_staff_watcher(request):
        body = probes.report()
    else:
        body = {"status": probes.UP if probes.database() == probes.UP else probes.DOWN}
    return JsonResponse(body, status=200 if body["status"] == probes.UP else 503)


@never_cache
@require_GET
def metrics(request):
    if not support_settings.METRICS_TOKEN:
        raise Http404("Metrics are off: set WAGTAIL_SUPPORT['METRICS_TOKEN'].")
    if not has_token(request, support_settings.METRICS_TOKEN):
        response = HttpResponse("A bearer token is needed.", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    from wagtail_support.health.metrics import exposition

    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)
