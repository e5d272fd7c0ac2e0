"""Who may read the details of the health endpoint and the metrics: a bearer token from the settings, or
(health only) a signed-in user who may see the outbox. Compared in constant time."""

import hmac

OUTBOX_PERMISSION = "wagtail_support.view_notification"


def bearer_token(request):
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def has_token(request, expected):
    given = bearer_token(request)
    return bool(expected and given) and hmac.compare_digest(given.encode(), str(expected).encode())


def is_staff_watcher(request):
    """A signed-in user who may see the outbox; False when the user cannot be read (database down)."""
    try:
        return request.user.is_authenticated and request.user.has_perm(OUTBOX_PERMISSION)
    except Exception:  # the session or user table unreachable: answer as to the public
        return False
