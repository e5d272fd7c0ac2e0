"""How a Wagtail admin URL answered a user, in the words the access-matrix tests use."""

from django.urls import reverse

LOGIN, DENIED, OK, NOT_ALLOWED = "login", "denied", "ok", "405"


def outcome(response):
    """Wagtail's admin answers a refused permission with a redirect to its dashboard."""
    if response.status_code == 200:
        return OK
    if response.status_code == 405:
        return NOT_ALLOWED
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    if location.startswith(reverse("wagtailadmin_login")):
        return LOGIN
    return DENIED if location == reverse("wagtailadmin_home") else OK
