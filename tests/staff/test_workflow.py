"""First-response targets, overdue, breach reminders and auto-close (done-when 4 of the workspace issue)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Site

from tests.factories import EntitlementFactory, SupportedProductFactory, TicketFactory, UserFactory
from wagtail_support.notifications.models import Notification
from wagtail_support.schedule import beat_schedule
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.tickets import services, workflow
from wagtail_support.tickets.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_settings():
    settings = SupportSettings.for_site(Site.objects.get(is_default_site=True))
    settings.team_emails = "team@example.com"
    settings.save()
    return settings


def test_first_response_due_uses_the_general_target(support_settings):
    opened = timezone.now()
    product = SupportedProductFactory(kind="plugin")
    assert services.first_response_due(product, opened) == opened + timedelta(hours=24)


def test_first_response_due_uses_the_target_of_the_product_kind(support_settings):
    support_settings.first_response_hours_hosting = 4
    support_settings.save()
    opened = timezone.now()
    assert services.first_response_due(SupportedProductFactory(kind="hosting"), opened) == opened + timedelta(
        hours=4
    )
    assert services.first_response_due(SupportedProductFactory(kind="theme"), opened) == opened + timedelta(
        hours=24
    )


def test_zero_hours_means_no_target(support_settings):
    support_settings.first_response_hours = 0
    support_settings.save()
    assert services.first_response_due(SupportedProductFactory(), timezone.now()) is None


def test_open_ticket_stores_the_due_time(support_settings):
    entitlement = EntitlementFactory()
    ticket = services.open_ticket(entitlement.customer, entitlement, "Broken", "It is broken")
    assert abs(ticket.first_response_due_at - (ticket.created_at + timedelta(hours=24))) < timedelta(
        seconds=5
    )


def test_overdue_is_past_due_without_a_first_response_and_not_closed():
    past = timezone.now() - timedelta(minutes=1)
    late = TicketFactory(first_response_due_at=past)
    TicketFactory(first_response_due_at=past, first_response_at=timezone.now())
    TicketFactory(first_response_due_at=past, status=TicketStatus.CLOSED)
    TicketFactory(first_response_due_at=timezone.now() + timedelta(hours=1))
    TicketFactory(first_response_due_at=None)
    assert list(Ticket.objects.filter(workflow.overdue_q())) == [late]
    assert workflow.is_overdue(late)


def test_a_staff_reply_answers_the_target():
    ticket = TicketFactory(first_response_due_at=timezone.now() - timedelta(minutes=1))
    services.reply(ticket, UserFactory(groups=["Support agents"]), "On it")
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None and not workflow.is_overdue(ticket)


def test_breach_reminder_goes_once_for_tickets_about_to_miss_their_target(support_settings):
    soon = TicketFactory(first_response_due_at=timezone.now() + timedelta(hours=1))
    TicketFactory(first_response_due_at=timezone.now() + timedelta(hours=5))  # not yet
    TicketFactory(first_response_due_at=timezone.now() - timedelta(hours=1))  # already overdue
    assert workflow.remind_breaching() == 1
    call_command("support_remind_breaching")
    [reminder] = Notification.objects.filter(kind="ticket_breach_warning")
    assert reminder.recipient == "team@example.com" and reminder.context["reference"] == soon.reference


def test_auto_close_closes_only_tickets_awaiting_the_customer_past_the_limit(support_settings, mailoutbox):
    old = timezone.now() - timedelta(days=8)
    stale = TicketFactory(status=TicketStatus.AWAITING_CUSTOMER)
    recent = TicketFactory(status=TicketStatus.AWAITING_CUSTOMER)
    waiting_for_us = TicketFactory(status=TicketStatus.AWAITING_STAFF)
    Ticket.objects.filter(pk__in=[stale.pk, waiting_for_us.pk]).update(last_activity_at=old)
    Ticket.objects.filter(pk=recent.pk).update(last_activity_at=timezone.now() - timedelta(days=6))
    call_command("support_close_stale_tickets")
    statuses = dict(Ticket.objects.values_list("pk", "status"))
    assert statuses == {
        stale.pk: TicketStatus.CLOSED,
        recent.pk: TicketStatus.AWAITING_CUSTOMER,
        waiting_for_us.pk: TicketStatus.AWAITING_STAFF,
    }
    [notice] = Notification.objects.filter(kind="ticket_auto_closed")
    assert notice.recipient == stale.customer.email
    assert workflow.auto_close_stale() == 0  # nothing twice


def test_auto_close_is_off_at_zero_days(support_settings):
    support_settings.auto_close_days = 0
    support_settings.save()
    ticket = TicketFactory(status=TicketStatus.AWAITING_CUSTOMER)
    Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=timezone.now() - timedelta(days=400))
    assert workflow.auto_close_stale() == 0


def test_beat_schedule_runs_reminders_and_auto_close():
    tasks = {entry["task"] for entry in beat_schedule().values()}
    assert {"wagtail_support.remind_breaching_tickets", "wagtail_support.close_stale_tickets"} <= tasks


def test_report_is_computed_in_the_database(client):
    product = SupportedProductFactory(name="Aurora")
    now = timezone.now()
    for hours in (1, 2, 3, 4, 10):
        ticket = TicketFactory(product=product, entitlement=EntitlementFactory(product=product))
        Ticket.objects.filter(pk=ticket.pk).update(
            first_response_at=ticket.created_at + timedelta(hours=hours)
        )
    from wagtail_support.staff.reports import report

    data = report(now=now + timedelta(minutes=1))
    [row] = data["products"]
    assert (row["name"], row["opened"], row["answered"], row["median_hours"], row["p90_hours"]) == (
        "Aurora",
        5,
        5,
        3.0,
        10.0,
    )


def test_the_report_page_shows_a_first_response_under_an_hour_as_zero_and_counts_in_words(client):
    from django.urls import reverse

    product = SupportedProductFactory(name="Aurora")
    ticket = TicketFactory(product=product, entitlement=EntitlementFactory(product=product))
    Ticket.objects.filter(pk=ticket.pk).update(first_response_at=ticket.created_at + timedelta(minutes=2))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = client.get(reverse("wagtail_support_reports:index")).content.decode()

    assert "All products: median 0.0 h, 90th percentile 0.0 h, over 1 answered ticket." in page
    assert "<td>Aurora</td><td>1</td><td>0</td><td>0.0</td><td>0.0</td>" in page  # a real 0, not "–"
    assert "1 opened</title>" in page


def test_first_response_percentiles_are_nearest_rank_for_any_count():
    """The ORM's window ranks agree with nearest rank (the smallest time at or above p × n) for every
    count of answered tickets, per product and overall."""
    import math

    from wagtail_support.staff.reports import first_response_percentiles

    since = timezone.now() - timedelta(days=1)
    expected, everything = {}, []
    for count in range(1, 12):
        product = SupportedProductFactory(name=f"P{count}")
        hours = [(count * 7 + n * 5) % 13 + 1 for n in range(count)]
        for h in hours:
            ticket = TicketFactory(product=product, entitlement=EntitlementFactory(product=product))
            Ticket.objects.filter(pk=ticket.pk).update(
                first_response_at=ticket.created_at + timedelta(hours=h)
            )
        ranked = sorted(hours)
        expected[product.pk] = (count, ranked[math.ceil(0.5 * count) - 1], ranked[math.ceil(0.9 * count) - 1])
        everything += hours
    found = first_response_percentiles(since, by_product=True)
    assert {k: (n, m / 3600, p / 3600) for k, (n, m, p) in found.items()} == expected
    ranked = sorted(everything)
    n = len(ranked)
    [(total, median, p90)] = first_response_percentiles(since, by_product=False).values()
    assert (total, median / 3600, p90 / 3600) == (
        n,
        ranked[math.ceil(0.5 * n) - 1],
        ranked[math.ceil(0.9 * n) - 1],
    )
