"""The support section: a page type the editor places in the tree (the example site: /support/).

``SupportPageMixin`` holds the fields and routes; ``SupportPage`` adds Wagtail's ``Page``. A project
that swaps Wagtail's base page model builds its own: ``class MySupportPage(SupportPageMixin, MyBasePage)``.
Every route needs a signed-in customer; anonymous visitors are sent to the app's log-in page
(or ``WAGTAIL_SUPPORT["LOGIN_URL"]``) and come back.
"""

from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from wagtail_support import degrade
from wagtail_support.customers import views as customer_views
from wagtail_support.customers.preferences import customer_zone_name
from wagtail_support.layout import layout_context
from wagtail_support.login.links import login_url
from wagtail_support.tickets import products, views

REFERENCE = r"(?P<reference>[A-Za-z]+-[0-9]+)"


class SupportPageMixin(RoutablePageMixin, models.Model):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul", "ol"])

    content_panels = [FieldPanel("intro")]
    search_fields = [index.SearchField("intro")]
    subpage_types = []
    max_count_per_parent = 1

    #: Marks the page types of the support section for ``links.support_page_models``.
    serves_support_section = True

    class Meta:
        abstract = True

    # Every link of the support pages is built from these two; a cache outage must not turn them into 500s.
    def get_url_parts(self, request=None):
        if request is None:
            return degrade.url_parts(self, request, super().get_url_parts)
        # A page links to itself many times (tabs, one link per ticket): worked out once per request.
        memo = request.__dict__.setdefault("_wagtail_support_url_parts", {})
        if self.pk not in memo:
            memo[self.pk] = degrade.url_parts(self, request, super().get_url_parts)
        return memo[self.pk]

    def get_url(self, request=None, current_site=None):
        parent = super().get_url
        return degrade.url(self, request, lambda: parent(request=request, current_site=current_site))

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url())
        # Times in the customer's zone (the server's until they have one), the page rendered here.
        request.support_zone_name = customer_zone_name(request.user)
        with timezone.override(request.support_zone_name or None):
            response = super().serve(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.setdefault("support_tab", "tickets")
        if getattr(request, "support_zone_name", None) == "":  # support.js reports the browser's zone
            context["support_zone_url"] = degrade.subpage_url(request, self, "detect_zone_route")
        context.update(layout_context())
        return context

    def serve_preview(self, request, mode_name):
        return self.render(request, context_overrides={"preview": True})

    @path("")
    def index_route(self, request):
        return views.my_tickets(request, self)

    @path("new/")
    def new_route(self, request):
        return views.new_ticket(request, self)

    @path("preview/")
    def preview_route(self, request):
        return views.preview(request, self)

    @path("suggest/")
    def suggest_route(self, request):
        return views.suggest(request, self)

    @re_path(rf"^{REFERENCE}/$")
    def ticket_route(self, request, reference):
        return views.ticket_detail(request, self, reference)

    @re_path(rf"^{REFERENCE}/reply/$")
    def reply_route(self, request, reference):
        return views.reply(request, self, reference)

    @re_path(rf"^{REFERENCE}/reply/preview/$")
    def reply_preview_route(self, request, reference):
        return views.reply_preview(request, self, reference)

    @re_path(rf"^{REFERENCE}/close/$")
    def close_route(self, request, reference):
        return views.close(request, self, reference)

    @re_path(rf"^{REFERENCE}/reopen/$")
    def reopen_route(self, request, reference):
        return views.reopen(request, self, reference)

    @re_path(rf"^{REFERENCE}/rate/$")
    def rate_route(self, request, reference):
        return views.rate(request, self, reference)

    @re_path(rf"^{REFERENCE}/attachments/(?P<pk>[0-9]+)/$")
    def attachment_route(self, request, reference, pk):
        return views.attachment(request, self, reference, int(pk))

    @re_path(rf"^{REFERENCE}/colleagues/$")
    def add_colleague_route(self, request, reference):
        return views.add_colleague(request, self, reference)

    @re_path(rf"^{REFERENCE}/colleagues/(?P<pk>[0-9]+)/remove/$")
    def remove_colleague_route(self, request, reference, pk):
        return views.remove_colleague(request, self, reference, int(pk))

    @re_path(rf"^{REFERENCE}/attachments/(?P<pk>[0-9]+)/thumbnail/$")
    def attachment_thumbnail_route(self, request, reference, pk):
        return views.attachment_thumbnail(request, self, reference, int(pk))

    @path("profile/")
    @path("preferences/", name="preferences_route_old")
    def preferences_route(self, request):
        return customer_views.preferences_page(request, self)

    @path("profile/email/")
    def confirm_email_route(self, request):
        return customer_views.confirm_email(request, self)

    @path("preferences/time-zone/")
    def detect_zone_route(self, request):
        return customer_views.detect_zone(request, self)

    @path("products/")
    def products_route(self, request):
        return products.products(request, self)

    @path("products/<int:entitlement_id>/installations/")
    def add_installation_route(self, request, entitlement_id):
        return products.add_installation(request, self, entitlement_id)

    @path("products/<int:entitlement_id>/claim/")
    def claim_theme_route(self, request, entitlement_id):
        return products.claim_theme(request, self, entitlement_id)


class SupportPage(SupportPageMixin, Page):  # noqa: DJ008 - Page.__str__ is the title
    content_panels = Page.content_panels + SupportPageMixin.content_panels
    search_fields = Page.search_fields + SupportPageMixin.search_fields
    template = "wagtail_support/support/index.html"

    class Meta:
        verbose_name = _("support section")
        verbose_name_plural = _("support sections")


#: Page models that serve the support section, as first shipped. Every page type built from the mixin is
#: found by itself now (``links.support_page_models``); a site that still appends to this list is harmless.
SUPPORT_PAGE_MODELS = [SupportPage]
