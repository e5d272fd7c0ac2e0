"""A friendly 503 page when the database cannot be reached, instead of the server's bare 500.

Two pieces, both rendering one static template (``wagtail_support/unavailable.html``) with no request
context, so nothing on the way touches the database (no session, no user, no site settings):

- ``DatabaseUnavailableMiddleware`` answers a view's (or its template's) ``OperationalError`` or
  ``InterfaceError`` with the 503 page;
- ``server_error`` is a ``handler500`` for the site's root URLconf that does the same for a database error
  raised outside a view (a middleware reading the session, for example) and renders ``500.html`` for
  anything else.

The page says ``Retry-After`` so that load balancers and crawlers come back later.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

logger = logging.getLogger("wagtail_support.unavailable")

TEMPLATE = "wagtail_support/unavailable.html"
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def is_database_down(error):
    """True for the errors Django raises when it cannot reach or keep a database connection."""
    return isinstance(error, DATABASE_ERRORS)


def unavailable_response():
    """The 503 page, rendered without a request so that no context processor reads the database."""
    response = HttpResponse(loader.render_to_string(TEMPLATE), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 (the friendly page) when a view fails because the database is unreachable.

    Add it to ``MIDDLEWARE`` (anywhere; it only acts on exceptions). Other errors pass through.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_down(exception):
            return None
        logger.error("The database cannot be reached; answered %s with the 503 page.", request.path)
        return unavailable_response()


def server_error(request, template_name="500.html"):
    """``handler500``: the 503 page when the error is the database's, else the site's ``500.html``."""
    error = sys.exc_info()[1]
    if is_database_down(error):
        logger.error("The database cannot be reached; answered %s with the 503 page.", request.path)
        return unavailable_response()
    try:
        return HttpResponseServerError(loader.render_to_string(template_name))
    except Exception:  # no 500.html, or one that fails: Django's own words
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError("<h1>Server Error (500)</h1>")
