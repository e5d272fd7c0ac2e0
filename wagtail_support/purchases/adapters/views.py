"""The webhook endpoints: thin wrappers that turn an adapter's answer or ``WebhookError`` into JSON."""

import functools
import logging

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from wagtail_support.purchases.adapters import partner, stripe
from wagtail_support.purchases.adapters.signing import WebhookError

logger = logging.getLogger(__name__)


def webhook(view):
    """CSRF-exempt (the signature replaces the token); any refusal becomes ``{"error": ...}``."""

    @csrf_exempt
    @never_cache
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            response = JsonResponse({"error": "Webhooks must be sent with POST."}, status=405)
            response["Allow"] = "POST"
            return response
        try:
            result = view(request, *args, **kwargs)
        except WebhookError as error:
            logger.info("Webhook %s refused (%s): %s", request.path, error.status, error.message)
            return JsonResponse({"error": error.message}, status=error.status)
        return JsonResponse(result.as_json(), status=getattr(result, "http_status", 200))

    return wrapped


@webhook
def partner_webhook(request, slug):
    return partner.handle(request, slug)


@webhook
def stripe_webhook(request):
    return stripe.handle(request)
