"""Prometheus metrics, read from the database at each scrape (prometheus-client, the ``metrics`` extra).

Reading the tables rather than counting in each process gives the same figures from every web process and
worker, with no shared state to set up.

The running totals (tickets opened, replies, the first-response histogram) never count the whole table
at a scrape: counting five million messages took 900 ms. Rows older than ``SETTLED`` are counted once and
kept in the cache as a checkpoint (the last id, or for first responses the time, counted up to, and the
totals so far); each scrape counts only the rows after it, from an index (the primary key's, the first
responses'). They are Prometheus counters: a deleted ticket or message is not taken back, and a cleared
cache costs one full count at the next scrape. A row whose transaction commits more than ``SETTLED``
after it was written (none of the app's do) would be missed. The outbox and inbound families group
small tables by status.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, DurationField, F, Max, Q, Sum
from django.utils import timezone

from wagtail_support.degrade import from_cache
from wagtail_support.health import probes

#: Buckets of the first-response histogram, in seconds: 5 and 15 minutes, 1, 4, 8, 24 and 72 hours.
FIRST_RESPONSE_BUCKETS = (300, 900, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 72 * 3600)
#: Rows younger than this are counted at every scrape; older ones once, into the checkpoint.
SETTLED = timedelta(minutes=5)
CHECKPOINT_KEY = "wagtail_support:metrics-checkpoint:"


def running_totals(name, queryset, now, **counts):
    """``{name: total}`` of the ``Count`` aggregates ``counts`` over ``queryset`` (rows with a
    ``created_at``), counting only the rows after the cached checkpoint ``name``."""
    key = CHECKPOINT_KEY + name
    checkpoint = from_cache(lambda: cache.get(key), what="metrics checkpoint") or dict.fromkeys(
        ["last", *counts], 0
    )
    settled = (
        queryset.filter(pk__gt=checkpoint["last"], created_at__lt=now - SETTLED)
        .order_by()
        .aggregate(last=Max("pk"), **counts)
    )
    if settled["last"] is not None:
        checkpoint = {"last": settled["last"], **{k: checkpoint[k] + settled[k] for k in counts}}
        from_cache(lambda: cache.set(key, checkpoint, None), what="metrics checkpoint")
    recent = queryset.filter(pk__gt=checkpoint["last"]).order_by().aggregate(**counts)
    return {k: checkpoint[k] + recent[k] for k in counts}


def ticket_families(now):
    from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily

    from wagtail_support.tickets.models import Message, Ticket

    opened = running_totals("tickets", Ticket.objects.all(), now, opened=Count("pk"))["opened"]
    yield CounterMetricFamily("wagtail_support_tickets_opened", "Tickets opened.", value=opened)
    written = running_totals(
        "replies",
        Message.objects.filter(is_internal=False),
        now,
        team=Count("pk", filter=Q(from_staff=True)),
        customer=Count("pk", filter=Q(from_staff=False)),
    )
    replies = CounterMetricFamily(
        "wagtail_support_replies", "Public replies on tickets, by who wrote them.", labels=["by"]
    )
    replies.add_metric(["team"], written["team"])
    replies.add_metric(
        ["customer"], max(0, written["customer"] - opened)
    )  # less each ticket's opening message
    yield replies

    counts = first_responses(now)
    buckets = [(str(float(s)), counts[f"le{s}"]) for s in FIRST_RESPONSE_BUCKETS] + [
        ("+Inf", counts["total"])
    ]
    yield HistogramMetricFamily(
        "wagtail_support_first_response_seconds",
        "Time from opening to the team's first reply, of every ticket answered.",
        buckets=buckets,
        sum_value=counts["waited"].total_seconds(),
    )


def _first_response_counts(answered):
    counts = answered.order_by().aggregate(
        **{
            f"le{seconds}": Count("pk", filter=Q(first_response_at__lte=_plus(seconds)))
            for seconds in FIRST_RESPONSE_BUCKETS
        },
        total=Count("pk"),
        waited=Sum(F("first_response_at") - F("created_at"), output_field=DurationField()),
    )
    return {**counts, "waited": counts["waited"] or timedelta(0)}


def first_responses(now):
    """The first-response histogram's counts (``le<seconds>``, ``total``, ``waited``) of every ticket
    answered so far. Tickets answered more than ``SETTLED`` ago are counted once, into a checkpoint in
    the cache (the time counted up to, and the counts); a scrape reads only the tickets answered since,
    from the index of first responses (which holds ``created_at`` too: no ticket row is read)."""
    from wagtail_support.tickets.models import Ticket

    key = CHECKPOINT_KEY + "first-responses"
    checkpoint = from_cache(lambda: cache.get(key), what="metrics checkpoint")
    settled_until = now - SETTLED
    answered = Ticket.objects.filter(first_response_at__lt=settled_until)
    if checkpoint is not None:
        answered = answered.filter(first_response_at__gte=checkpoint["until"])
    settled = _first_response_counts(answered)
    if checkpoint is not None:
        settled = {k: checkpoint[k] + settled[k] for k in settled}
    from_cache(lambda: cache.set(key, {**settled, "until": settled_until}, None), what="metrics checkpoint")
    recent = _first_response_counts(Ticket.objects.filter(first_response_at__gte=settled_until))
    return {k: settled[k] + recent[k] for k in settled}


def _plus(seconds):
    return F("created_at") + timedelta(seconds=seconds)


def outbox_families(now):
    from prometheus_client.core import GaugeMetricFamily

    from wagtail_support.notifications.models import Notification

    by_status = GaugeMetricFamily(
        "wagtail_support_outbox_messages", "Outbox rows by status.", labels=["status"]
    )
    counts = dict(Notification.objects.order_by().values_list("status").annotate(n=Count("pk")))
    for status in ("pending", "sending", "sent", "failed"):
        by_status.add_metric([status], counts.get(status, 0))
    yield by_status
    state = probes.outbox(now)
    yield GaugeMetricFamily(
        "wagtail_support_outbox_needs_a_person",
        "Outbox rows only a person can settle (failed, or interrupted mid-send).",
        value=state["needs_a_person"],
    )
    yield GaugeMetricFamily(
        "wagtail_support_outbox_oldest_unsent_seconds",
        "How long the oldest pending or sending outbox row has waited.",
        value=state["oldest_unsent_seconds"],
    )


def inbound_families():
    from prometheus_client.core import GaugeMetricFamily

    from wagtail_support.inbound.models import InboundMessage, InboundStatus

    family = GaugeMetricFamily(
        "wagtail_support_inbound_messages", "Inbound e-mails by what became of them.", labels=["status"]
    )
    counts = dict(InboundMessage.objects.order_by().values_list("status").annotate(n=Count("pk")))
    for status in InboundStatus.values:
        family.add_metric([status], counts.get(status, 0))
    yield family


def part_families():
    from prometheus_client.core import GaugeMetricFamily

    family = GaugeMetricFamily("wagtail_support_up", "1 when the part can be reached.", labels=["part"])
    for part, probe in (
        ("database", probes.database),
        ("cache", probes.cache_server),
        ("broker", probes.broker),
    ):
        state = probe()
        if state != probes.NOT_USED:
            family.add_metric([part], 1 if state == probes.UP else 0)
    yield family


class SupportCollector:
    """A prometheus-client collector of every family above, read at scrape time."""

    def collect(self):
        now = timezone.now()
        yield from part_families()
        yield from ticket_families(now)
        yield from outbox_families(now)
        yield from inbound_families()


def exposition():
    """(body, content type) of one scrape, in Prometheus' text format."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(SupportCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST
