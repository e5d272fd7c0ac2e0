"""Support → Reports: tickets opened and closed per week, first-response times, satisfaction.

Everything is computed in the database: weekly counts with ``TruncWeek``, percentiles with window
functions (nearest-rank: the smallest time at or above the p-th share of answered tickets), so the
report costs the same few queries at 100 or 100,000 tickets.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, IntegerField, Q, Window
from django.db.models.functions import RowNumber, TruncWeek
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from wagtail_support import permissions
from wagtail_support.exports import CsvWriter
from wagtail_support.purchases.models import SupportedProduct
from wagtail_support.tickets.models import Ticket

WEEKS = 12


def weekly_counts(since):
    """``[(week start date, opened, closed)]`` for every week since ``since`` (two grouped queries)."""
    opened = dict(
        Ticket.objects.filter(created_at__gte=since)
        .annotate(week=TruncWeek("created_at"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    closed = dict(
        Ticket.objects.filter(closed_at__gte=since)
        .annotate(week=TruncWeek("closed_at"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    opened = {_as_date(k): v for k, v in opened.items()}
    closed = {_as_date(k): v for k, v in closed.items()}
    first = _as_date(since) - timedelta(days=_as_date(since).weekday())
    weeks = [first + timedelta(weeks=i) for i in range(WEEKS + 1)]
    return [
        (week, opened.get(week, 0), closed.get(week, 0)) for week in weeks if week <= timezone.localdate()
    ]


def _as_date(value):
    return (
        timezone.localtime(value).date()
        if hasattr(value, "hour") and timezone.is_aware(value)
        else (value.date() if hasattr(value, "hour") else value)
    )


def first_response_percentiles(since, by_product):
    """``{product_id or None: (answered, median s, p90 s)}`` of tickets opened since ``since``.

    Nearest rank, in the database: each answered ticket is numbered by its response time (within its
    product when ``by_product``), and only the two rows at the median's and the 90th percentile's rank
    come back, so the query returns at most two rows per product however many tickets it ranks. The
    ranks are integer arithmetic: the smallest ``rn`` with ``rn >= p × n`` is ``ceil(p × n)``.
    """
    partition = [F("product_id")] if by_product else None
    wait = ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
    ranked = (
        Ticket.objects.filter(first_response_at__isnull=False, created_at__gte=since)
        .annotate(
            wait=wait,
            rn=Window(RowNumber(), partition_by=partition, order_by=wait.asc()),
            n=Window(Count("pk"), partition_by=partition),
        )
        .annotate(
            median_rank=ExpressionWrapper((F("n") + 1) / 2, output_field=IntegerField()),
            p90_rank=ExpressionWrapper((F("n") * 9 + 9) / 10, output_field=IntegerField()),
        )
        .filter(Q(rn=F("median_rank")) | Q(rn=F("p90_rank")))
        .values_list("product_id", "wait", "rn", "n", "median_rank", "p90_rank")
        .order_by()
    )
    found = {}
    for product_id, wait_time, rn, n, median_rank, p90_rank in ranked:
        key = product_id if by_product else None
        answered, median, p90 = found.get(key, (n, None, None))
        seconds = wait_time.total_seconds()
        if rn == median_rank:
            median = seconds
        if rn == p90_rank:
            p90 = seconds
        found[key] = (answered, median, p90)
    return found


def report(weeks=WEEKS, now=None):
    """All figures of the report as plain data (the page, the charts and the CSV use the same)."""
    now = now or timezone.now()
    since = now - timedelta(weeks=weeks)
    per_product = (
        Ticket.objects.filter(created_at__gte=since)
        .values("product_id")
        .annotate(
            opened=Count("pk"),
            closed=Count("pk", filter=Q(closed_at__isnull=False)),
            rated=Count("satisfaction"),
            satisfaction=Avg("satisfaction"),
        )
        .order_by()
    )
    names = dict(SupportedProduct.objects.values_list("pk", "name"))
    percentiles = first_response_percentiles(since, by_product=True)
    products = []
    for row in per_product:
        answered, median, p90 = percentiles.get(row["product_id"], (0, None, None))
        products.append(
            {
                **row,
                "name": names.get(row["product_id"], ""),
                "answered": answered,
                "median_hours": _hours(median),
                "p90_hours": _hours(p90),
            }
        )
    products.sort(key=lambda p: (-p["opened"], p["name"]))
    overall = first_response_percentiles(since, by_product=False).get(None, (0, None, None))
    ratings = dict(
        Ticket.objects.filter(created_at__gte=since, satisfaction__isnull=False)
        .values_list("satisfaction")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "since": since,
        "tags": tag_counts(since),
        "weeks": weekly_counts(since),
        "products": products,
        "overall": {
            "answered": overall[0],
            "median_hours": _hours(overall[1]),
            "p90_hours": _hours(overall[2]),
        },
        "ratings": [(score, ratings.get(score, 0)) for score in range(1, 6)],
    }


TAGS_SHOWN = 20


def tag_counts(since):
    """The most used tags on tickets opened since ``since``: ``[(name, opened, closed)]`` (one query)."""
    from wagtail_support.tickets.tags import TaggedTicket

    rows = (
        TaggedTicket.objects.filter(content_object__created_at__gte=since)
        .values("tag__name")
        .annotate(
            opened=Count("content_object", distinct=True),
            closed=Count("content_object", filter=Q(content_object__closed_at__isnull=False), distinct=True),
        )
        .order_by("-opened", "tag__name")[:TAGS_SHOWN]
    )
    return [(row["tag__name"], row["opened"], row["closed"]) for row in rows]


def _hours(seconds):
    return None if seconds is None else round(float(seconds) / 3600, 1)


def bars(values, width=600, height=160, series=1):
    """Geometry for a simple SVG bar chart: ``[(x, y, w, h, value, label)]`` scaled to the largest value."""
    peak = max([v for v, _ in values] or [0]) or 1
    slot = width / max(len(values), 1)
    w = slot * 0.8 / series
    return [
        {
            "x": round(i * slot + slot * 0.1, 1),
            "y": round(height - v / peak * height, 1),
            "w": round(w, 1),
            "h": round(v / peak * height, 1),
            "value": v,
            "label": label,
        }
        for i, (v, label) in enumerate(values)
    ]


class ReportView(TemplateView):
    template_name = "wagtail_support/admin/reports/support.html"

    def dispatch(self, request, *args, **kwargs):
        if not permissions.tickets.user_has_permission(request.user, "view"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        data = report()
        if request.GET.get("export") == "csv":
            return self.csv_response(data)
        return self.render_to_response(self.get_context_data(data=data))

    def get_context_data(self, data, **kwargs):
        context = super().get_context_data(**kwargs)
        weeks = data["weeks"]
        context.update(
            {
                "data": data,
                "opened_bars": bars([(o, w) for w, o, c in weeks], series=2),
                "closed_bars": bars([(c, w) for w, o, c in weeks], series=2),
                "response_bars": bars([(p["median_hours"] or 0, p["name"]) for p in data["products"]][:10]),
                "rating_bars": bars([(n, s) for s, n in data["ratings"]], width=300),
                "header_title": _("Support reports"),
            }
        )
        peak = max([max(o, c) for _, o, c in weeks] or [0]) or 1
        for opened, closed in zip(context["opened_bars"], context["closed_bars"], strict=True):
            closed["x"] = round(opened["x"] + opened["w"], 1)
            opened["h"], opened["y"] = (
                round(opened["value"] / peak * 160, 1),
                round(160 - opened["value"] / peak * 160, 1),
            )
            closed["h"], closed["y"] = (
                round(closed["value"] / peak * 160, 1),
                round(160 - closed["value"] / peak * 160, 1),
            )
        return context

    def csv_response(self, data):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="support-report.csv"'
        writer = CsvWriter(response)  # product names are typed by people: no formulas
        writer.writerow(
            [_("Week"), pgettext("tickets in a report", "Opened"), pgettext("tickets in a report", "Closed")]
        )
        for week, opened, closed in data["weeks"]:
            writer.writerow([week.isoformat(), opened, closed])
        writer.writerow([])
        writer.writerow(
            [
                pgettext("supported product", "Product"),
                pgettext("tickets in a report", "Opened"),
                pgettext("tickets in a report", "Closed"),
                _("Answered"),
                _("Median first response (hours)"),
                _("90th percentile first response (hours)"),
                _("Ratings"),
                _("Average rating"),
            ]
        )
        for p in data["products"]:
            writer.writerow(
                [
                    p["name"],
                    p["opened"],
                    p["closed"],
                    p["answered"],
                    p["median_hours"],
                    p["p90_hours"],
                    p["rated"],
                    round(p["satisfaction"], 2) if p["satisfaction"] else "",
                ]
            )
        overall = data["overall"]
        writer.writerow(
            [_("All products"), "", "", overall["answered"], overall["median_hours"], overall["p90_hours"]]
        )
        writer.writerow([])
        writer.writerow([_("Rating"), _("Tickets")])
        for score, count in data["ratings"]:
            writer.writerow([score, count])
        writer.writerow([])
        writer.writerow(
            [_("Tag"), pgettext("tickets in a report", "Opened"), pgettext("tickets in a report", "Closed")]
        )
        for name, opened, closed in data["tags"]:
            writer.writerow([name, opened, closed])
        return response


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.tickets.user_has_permission(request.user, "view")


class ReportViewSet(ViewSet):
    name = "wagtail_support_reports"
    url_prefix = "support/reports"
    icon = "doc-full"
    menu_label = gettext_lazy("Reports")
    menu_item_class = ReportMenuItem

    def get_urlpatterns(self):
        return [path("", ReportView.as_view(), name="index")]
