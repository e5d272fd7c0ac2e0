"""Views of the customer's support section, called by the routes of ``SupportPageMixin``.

Each takes ``(request, page, ...)``. They read forms and call ``tickets.services``; the rules live there.
A ticket is found by its reference *and* its customer: another customer's ticket is a 404, like a missing one.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from wagtail.models import Page, Site

from wagtail_support.conf import support_settings
from wagtail_support.degrade import from_cache, subpage_url
from wagtail_support.purchases import installations
from wagtail_support.purchases.my_products import customer_entitlements
from wagtail_support.sitesettings import settings_for_site
from wagtail_support.text import without_unsafe_characters
from wagtail_support.tickets import colleagues, pending, services
from wagtail_support.tickets.attachments import FILE_TYPES
from wagtail_support.tickets.expectations import ticket_expectation
from wagtail_support.tickets.forms import (
    ColleagueForm,
    NewTicketForm,
    RateForm,
    ReplyForm,
    TicketFilterForm,
)
from wagtail_support.tickets.markdown import render_markdown
from wagtail_support.tickets.models import (
    OPEN_STATUSES,
    Attachment,
    Message,
    Ticket,
    pk_from_reference,
)

TICKETS_PER_PAGE = 25
SUGGESTIONS = 5
TEMPLATES = "wagtail_support/support/"
#: Types an attachment may be served as; anything else goes out as an opaque download.
SAFE_DOWNLOAD_TYPES = FILE_TYPES


def render(request, page, template, context, status=200):
    return TemplateResponse(
        request, TEMPLATES + template, page.get_context(request) | {"page": page, **context}, status=status
    )


def ticket_url(page, ticket, request=None):
    return subpage_url(request, page, "ticket_route", ticket.reference)


def rate_limited(request, group, rate):
    """True when the user has used up ``rate``; counts this attempt. Open when the cache is down."""
    return from_cache(
        lambda: is_ratelimited(
            request, group=f"wagtail_support.{group}", key="user", rate=rate, increment=True
        ),
        default=False,
        what=f"rate limit {group}",
    )


def too_many(form, what):
    form.add_error(
        None,
        _("You have sent many %(what)s in a short time. Please wait a little and try again.")
        % {"what": what},
    )


def customer_ticket(request, reference, queryset=None, owner_only=False):
    """The signed-in customer's ticket with this reference (or one they were added to as a colleague,
    unless ``owner_only``); 404 for a missing or someone else's."""
    pk = pk_from_reference(reference)
    if pk is None:
        raise Http404
    # ``queryset or ...`` would evaluate the whole unfiltered queryset (QuerySet.__bool__).
    tickets = Ticket.objects.all() if queryset is None else queryset
    tickets = (
        tickets.filter(customer=request.user) if owner_only else colleagues.visible_to(request.user, tickets)
    )
    try:
        return tickets.get(pk=pk)
    except Ticket.DoesNotExist as error:
        raise Http404 from error


# My tickets


def my_tickets(request, page):
    form = TicketFilterForm(request.GET or None)
    tickets = colleagues.visible_to(request.user).select_related("product", "installation")
    if form.is_valid():
        tickets = filter_tickets(tickets, **form.cleaned_data)
    listing = Paginator(tickets.order_by("-last_activity_at", "-pk"), TICKETS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, page, "index.html", {"filter_form": form, "tickets": listing, "support_tab": "tickets"}
    )


def filter_tickets(tickets, status="", q=""):
    if status == "open":
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    elif status:
        tickets = tickets.filter(status=status)
    if q := q.strip():
        in_messages = Message.objects.filter(ticket=OuterRef("pk"), is_internal=False, body__icontains=q)
        match = Q(title__icontains=q) | Exists(in_messages)
        if (pk := pk_from_reference(q)) is not None:
            match |= Q(pk=pk)
        tickets = tickets.filter(match)
    return tickets


# New ticket


def response_hours_for(request, page):
    """``kind → hours`` of the first-response target of this site (the one the ticket will belong to)."""
    site = Site.find_for_request(request) or page.get_site()
    settings = settings_for_site(site.pk if site else None)
    return settings.first_response_hours_for


@require_http_methods(["GET", "POST"])
def new_ticket(request, page):
    entitlements = list(customer_entitlements(request.user))
    if request.method == "GET" and not any(entitlement.has_support() for entitlement in entitlements):
        return render(request, page, "no_products.html", {"entitlements": entitlements, "support_tab": "new"})
    context = {"entitlements": entitlements}
    status = 200
    options = {"entitlements": entitlements, "response_hours": response_hours_for(request, page)}
    if request.method == "GET":
        form = NewTicketForm(initial={"product": request.GET.get("product")}, **options)
    elif "preview" in request.POST:
        # Re-show what was typed, unbound so that no errors show yet; the files chosen are held as after
        # an error, so the preview keeps them too.
        checked = NewTicketForm(request.POST, request.FILES, kept=kept_files(request), **options)
        checked.is_valid()
        hold_files(request, checked)
        form = NewTicketForm(initial=request.POST.dict(), kept=checked.kept, **options)
        context["preview_html"] = render_markdown(request.POST.get("description", ""))
    else:
        kept = kept_files(request)
        form = NewTicketForm(request.POST, request.FILES, kept=kept, **options)
        if form.is_valid():
            if rate_limited(request, "ticket_create", support_settings.TICKET_CREATE_RATE):
                too_many(form, _("new tickets"))
                status = 429
            elif ticket := create_ticket(request, form, page):
                pending.release(kept)
                confirmation = _("Ticket %(reference)s is open. We have e-mailed you a confirmation.") % {
                    "reference": ticket.reference
                }
                messages.success(request, f"{confirmation} {ticket_expectation(ticket)}".strip())
                return redirect(ticket_url(page, ticket, request))
        hold_files(request, form)
        status = status if status != 200 else 400
    title = (form["title"].value() or "").strip()
    context |= {
        "form": form,
        "policy_product": form.chosen_product(),
        "suggestions": suggested_pages(request, title, page) if title else [],
        "support_tab": "new",
    }
    return render(request, page, "new.html", context, status=status)


def kept_files(request):
    """The files held for this session that the form's ``kept`` boxes still name."""
    return pending.kept_files(request, request.POST.getlist("kept"))


def hold_files(request, form):
    """Keep the checked files of a form that failed, for the customer's next try (``tickets.pending``)."""
    if held := pending.hold(request, form.files_to_hold()):
        form.kept = [*form.kept, *held]


def create_ticket(request, form, page=None):
    """Open the ticket (and register a new site) in one transaction; refusals become form errors."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            installation = data["installation"]
            if data["new_site"].strip():
                installation = installations.register_installation(data["product"], data["new_site"])
            return services.open_ticket(
                request.user,
                data["product"],
                data["title"],
                data["description"],
                files=data["attachments"],
                installation=installation,
                page=page,
                request=request,
            )
    except installations.InstallationError as error:
        form.add_error("new_site", str(error))
    except ValidationError as error:
        form.add_error(None, error.messages)
    return None


@require_POST
def preview(request, page):
    """The sanitised HTML of a Markdown text (POST, CSRF-checked); writes nothing."""
    source = request.POST.get("body", "")[: support_settings.MESSAGE_MAX_LENGTH]
    response = HttpResponse(render_markdown(source), content_type="text/html; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def suggested_pages(request, query, page=None):
    """Up to five live, public pages of the current site matching ``query`` (Wagtail search)."""
    query = without_unsafe_characters(query or "").strip()[:200]
    site = Site.find_for_request(request) or (page.get_site() if page is not None else None)
    if len(query) < 3 or site is None:
        return []
    pages = Page.objects.live().public().in_site(site).exclude(depth__lte=1)
    return list(pages.search(query)[:SUGGESTIONS])


@require_GET
def suggest(request, page):
    """Help pages matching the title being typed, as an HTML fragment; read-only."""
    results = suggested_pages(request, request.GET.get("q", ""), page)
    return TemplateResponse(request, TEMPLATES + "_suggestions.html", {"suggestions": results})


# One ticket


def ticket_queryset():
    public = (
        Message.objects.filter(is_internal=False).select_related("author").prefetch_related("attachments")
    )
    return Ticket.objects.select_related("product", "installation").prefetch_related(
        Prefetch("messages", queryset=public, to_attr="public_messages")
    )


def ticket_detail(request, page, reference, forms=None, status=200):
    if request.method != "GET" and not forms:
        return HttpResponseNotAllowed(["GET"])
    ticket = customer_ticket(request, reference, ticket_queryset())
    if status == 200:
        services.mark_read(ticket, request.user)  # a read receipt; the ticket itself is unchanged
    forms = forms or {}
    return render(
        request,
        page,
        "ticket.html",
        {
            "ticket": ticket,
            "conversation": ticket.public_messages,
            "reply_form": forms.get("reply") or ReplyForm(),
            "rate_form": forms.get("rate") or RateForm(initial={"score": ticket.satisfaction}),
            "can_reopen": services.can_reopen(ticket),
            "is_owner": ticket.customer_id == request.user.pk,
            "colleagues": list(ticket.colleagues.all()) if ticket.customer_id == request.user.pk else [],
            "colleague_form": forms.get("colleague") or ColleagueForm(),
            "first_response_text": ticket_expectation(ticket)
            if ticket.first_response_at is None and not ticket.is_closed
            else "",
            "reopen_days": support_settings.REOPEN_DAYS,
        },
        status=status,
    )


@require_POST
def reply(request, page, reference):
    ticket = customer_ticket(request, reference)
    kept = kept_files(request)
    form = ReplyForm(request.POST, request.FILES, kept=kept)
    status = 400
    if form.is_valid():
        if rate_limited(request, "ticket_reply", support_settings.TICKET_REPLY_RATE):
            too_many(form, _("replies"))
            status = 429
        else:
            try:
                message = services.reply(
                    ticket, request.user, form.cleaned_data["body"], files=form.cleaned_data["attachments"]
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                pending.release(kept)
                messages.success(request, _("Your reply was sent to the team."))
                return redirect(f"{ticket_url(page, ticket, request)}#message-{message.pk}")
    hold_files(request, form)
    return ticket_detail(request, page, reference, forms={"reply": form}, status=status)


@require_POST
def close(request, page, reference):
    ticket = customer_ticket(request, reference, owner_only=True)
    if not ticket.is_closed:
        services.close(ticket, request.user)
        if ticket.first_response_at:
            messages.success(request, _("The ticket is closed. You can rate the help you received below."))
        else:
            messages.success(request, _("The ticket is closed."))
    return redirect(ticket_url(page, ticket, request))


@require_POST
def reopen(request, page, reference):
    ticket = customer_ticket(request, reference, owner_only=True)
    if not ticket.is_closed:
        return redirect(ticket_url(page, ticket, request))
    try:
        services.reopen(ticket, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The ticket is open again. Add a reply to tell the team what is wrong."))
    return redirect(ticket_url(page, ticket, request))


@require_POST
def rate(request, page, reference):
    ticket = customer_ticket(request, reference, owner_only=True)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.rate(ticket, request.user, form.cleaned_data["score"], form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect(ticket_url(page, ticket, request))
    return ticket_detail(request, page, reference, forms={"rate": form}, status=400)


@require_POST
def add_colleague(request, page, reference):
    ticket = customer_ticket(request, reference, owner_only=True)
    form = ColleagueForm(request.POST)
    if form.is_valid():
        try:
            colleague = colleagues.add_colleague(ticket, request.user, form.cleaned_data["email"])
        except ValidationError as error:
            form.add_error("email", error.messages)
        else:
            messages.success(
                request,
                _("%(email)s is on this ticket now. We have e-mailed them a link to it.")
                % {"email": colleague.email},
            )
            return redirect(f"{ticket_url(page, ticket, request)}#colleagues-heading")
    return ticket_detail(request, page, reference, forms={"colleague": form}, status=400)


@require_POST
def remove_colleague(request, page, reference, pk):
    ticket = customer_ticket(request, reference, owner_only=True)
    colleagues.remove_colleague(ticket, request.user, pk)
    messages.success(request, _("They are no longer on this ticket."))
    return redirect(f"{ticket_url(page, ticket, request)}#colleagues-heading")


@require_POST
def reply_preview(request, page, reference):
    """The reply's Preview button without JavaScript: the ticket page again, the text and files kept; no
    message is written."""
    customer_ticket(request, reference)  # a stranger's reference holds nothing
    body = request.POST.get("body", "")[: support_settings.MESSAGE_MAX_LENGTH]
    checked = ReplyForm(request.POST, request.FILES, kept=kept_files(request))
    checked.is_valid()
    hold_files(request, checked)  # the files chosen stay for the reply, as after an error
    form = ReplyForm(initial={"body": body}, kept=checked.kept)
    form.preview_html = render_markdown(body)
    return ticket_detail(request, page, reference, forms={"reply": form})


# Attachments


@require_GET
def attachment(request, page, reference, pk):
    ticket = customer_ticket(request, reference)
    try:
        found = Attachment.objects.get(pk=pk, message__ticket=ticket, message__is_internal=False)
    except Attachment.DoesNotExist as error:
        raise Http404 from error
    return attachment_response(found)


@require_GET
def attachment_thumbnail(request, page, reference, pk):
    """The thumbnail of an image attachment, with the same checks as the attachment itself."""
    ticket = customer_ticket(request, reference)
    try:
        found = Attachment.objects.get(pk=pk, message__ticket=ticket, message__is_internal=False)
    except Attachment.DoesNotExist as error:
        raise Http404 from error
    return thumbnail_response(found)


def thumbnail_response(attachment):
    """The server-made PNG thumbnail of ``attachment``, shown inline (its pixels were decoded and
    written anew, never the sent bytes); 404 when it has none. The caller checks that the user may see it."""
    if not attachment.thumbnail:
        raise Http404
    try:
        handle = attachment.thumbnail.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def attachment_response(attachment):
    """Stream ``attachment`` as a download that no browser renders as a page (customer and staff views).

    The caller checks that the user may see it.
    """
    content_type = attachment.content_type if attachment.content_type in SAFE_DOWNLOAD_TYPES else None
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
