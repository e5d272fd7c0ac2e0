"""Issue 19.4: the health endpoint for load balancers, the Prometheus metrics and the outbox alert."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import EntitlementFactory, MessageFactory, TicketFactory, UserFactory
from wagtail_support.health import alerts
from wagtail_support.notifications import outbox
from wagtail_support.notifications.models import Notification, NotificationStatus

pytestmark = pytest.mark.django_db

HEALTH = reverse("wagtail_support:health")
METRICS = reverse("wagtail_support:metrics")
HOME = reverse("wagtailadmin_home")
TOKENS = {"HEALTH_TOKEN": "h-secret", "METRICS_TOKEN": "m-secret"}
DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def row(status, n, age=timedelta(0), **fields):
    notification = Notification.objects.create(
        kind="test_message", recipient=f"r{n}@example.com", dedupe_key=f"k{n}", status=status, **fields
    )
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - age)
    return notification


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture(autouse=True)
def tokens(settings):
    settings.WAGTAIL_SUPPORT = {**settings.WAGTAIL_SUPPORT, **TOKENS}


def test_the_public_learns_only_up_or_down(client):
    row(NotificationStatus.FAILED, 1)
    response = client.get(HEALTH)
    assert response.status_code == 200
    assert response.json() == {"status": "up"}
    assert client.get(HEALTH, **bearer("wrong")).json() == {"status": "up"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_token_shows_each_part_and_the_outbox_lag(client):
    row(NotificationStatus.PENDING, 1, age=timedelta(minutes=20))
    row(NotificationStatus.SENDING, 2, claimed_at=timezone.now())
    row(NotificationStatus.FAILED, 3, last_error=outbox.INTERRUPTED_ERROR)
    body = client.get(HEALTH, **bearer("h-secret")).json()
    assert body["status"] == "up"
    assert body["checks"] == {"database": "up", "cache": "up", "broker": "not used"}
    assert body["outbox"]["pending"] == 1
    assert body["outbox"]["sending"] == 1
    assert body["outbox"]["needs_a_person"] == 1
    assert 20 * 60 <= body["outbox"]["oldest_unsent_seconds"] < 21 * 60
    assert body["inbound"] == {"unfinished": 0, "needs_a_person": 0, "oldest_unfinished_seconds": 0}


def test_staff_who_may_see_the_outbox_get_the_details_and_customers_do_not(client):
    client.force_login(UserFactory(username="agent", groups=["Support agents"]))
    assert "checks" in client.get(HEALTH).json()
    client.force_login(UserFactory(username="ann"))
    assert client.get(HEALTH).json() == {"status": "up"}


def test_the_cache_down_is_reported_but_the_site_stays_up(client):
    with override_settings(CACHES=DEAD_CACHE):
        response = client.get(HEALTH, **bearer("h-secret"))
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == "down"


def test_a_dead_broker_is_reported(client, dead_broker):
    body = client.get(HEALTH, **bearer("h-secret")).json()
    assert body["checks"]["broker"] == "down"
    assert body["status"] == "up"


def test_a_live_broker_is_reported(client, live_broker):
    assert client.get(HEALTH, **bearer("h-secret")).json()["checks"]["broker"] == "up"


def test_health_is_get_only(client):
    assert client.post(HEALTH).status_code == 405


def test_metrics_are_off_without_a_token(client, settings):
    settings.WAGTAIL_SUPPORT = {**settings.WAGTAIL_SUPPORT, "METRICS_TOKEN": None}
    assert client.get(METRICS).status_code == 404


def test_metrics_need_the_token(client):
    assert client.get(METRICS).status_code == 401
    assert client.get(METRICS, **bearer("h-secret")).status_code == 401


def test_metrics_count_tickets_replies_first_responses_outbox_and_inbound(client):
    customer = UserFactory(username="ann")
    agent = UserFactory(username="agent")
    entitlement = EntitlementFactory(purchase__customer=customer)
    for _n in range(3):
        ticket = TicketFactory(entitlement=entitlement)
        MessageFactory(ticket=ticket, author=customer)
    MessageFactory(ticket=ticket, author=customer)  # one customer reply
    MessageFactory(ticket=ticket, author=agent, from_staff=True)
    MessageFactory(ticket=ticket, author=agent, from_staff=True, is_internal=True)  # a note: not a reply
    answered_at = ticket.created_at + timedelta(minutes=10)
    type(ticket).objects.filter(pk=ticket.pk).update(
        first_response_at=answered_at, last_activity_at=answered_at
    )
    row(NotificationStatus.SENT, 1)
    row(NotificationStatus.PENDING, 2)
    row(NotificationStatus.FAILED, 3)

    response = client.get(METRICS, **bearer("m-secret"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "wagtail_support_tickets_opened_total 3.0" in text
    assert 'wagtail_support_replies_total{by="team"} 1.0' in text
    assert 'wagtail_support_replies_total{by="customer"} 1.0' in text
    assert 'wagtail_support_first_response_seconds_bucket{le="300.0"} 0.0' in text
    assert 'wagtail_support_first_response_seconds_bucket{le="900.0"} 1.0' in text
    assert 'wagtail_support_outbox_messages{status="sent"} 1.0' in text
    assert 'wagtail_support_outbox_messages{status="pending"} 1.0' in text
    assert "wagtail_support_outbox_needs_a_person 1.0" in text
    assert (
        'wagtail_support_inbound_messages{status="replied"}' in text
        or "wagtail_support_inbound_messages{" in text
    )
    assert 'wagtail_support_up{part="database"} 1.0' in text


def test_the_dashboard_alerts_when_rows_need_a_person(client):
    row(NotificationStatus.FAILED, 1, last_error=outbox.INTERRUPTED_ERROR)
    client.force_login(UserFactory(username="agent", groups=["Support agents"]))
    html = client.get(HOME).content.decode()
    assert "Support e-mail needs attention" in html
    assert "1 e-mail needs a person" in html


def test_the_dashboard_alerts_when_the_oldest_pending_row_is_late(client):
    row(NotificationStatus.PENDING, 1, age=timedelta(minutes=40))
    client.force_login(UserFactory(username="agent", groups=["Support agents"]))
    html = client.get(HOME).content.decode()
    assert "The oldest e-mail not yet sent has waited 40 minutes" in html


def test_no_alert_while_mail_flows(client):
    row(NotificationStatus.PENDING, 1)
    row(NotificationStatus.SENT, 2, age=timedelta(hours=3))
    client.force_login(UserFactory(username="agent", groups=["Support agents"]))
    assert "Support e-mail needs attention" not in client.get(HOME).content.decode()


def test_users_who_may_not_see_the_outbox_get_no_alert(client):
    row(NotificationStatus.FAILED, 1)
    client.force_login(UserFactory(username="editor", is_superuser=False, is_staff=True))
    response = client.get(HOME)
    assert "Support e-mail needs attention" not in response.content.decode()


def test_the_admins_are_mailed_once_per_interval(settings):
    settings.ADMINS = [("Owner", "owner@example.com")]
    row(NotificationStatus.FAILED, 1)
    cache.clear()
    assert alerts.mail_admins_if_needed() is True
    assert alerts.mail_admins_if_needed() is False
    [email] = mail.outbox
    assert email.to == ["owner@example.com"]
    assert "1 e-mail in the outbox needs a person" in email.body


def test_no_admin_mail_while_mail_flows(settings):
    settings.ADMINS = [("Owner", "owner@example.com")]
    row(NotificationStatus.SENT, 1)
    assert alerts.mail_admins_if_needed() is False
    assert mail.outbox == []


def test_the_alert_check_is_in_the_beat_schedule():
    from wagtail_support.schedule import beat_schedule

    entry = beat_schedule()["wagtail-support-check-outbox-health"]
    assert entry["task"] == "wagtail_support.check_outbox_health"


def test_the_counters_count_settled_rows_once_and_never_go_down(client):
    """Rows older than five minutes are counted into a checkpoint once; a scrape counts only the rows
    after it, so its cost does not grow with the table (health/metrics.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wagtail_support.tickets.models import Message, Ticket

    customer, agent = UserFactory(username="ann"), UserFactory(username="agent")
    old = TicketFactory(customer=customer)
    MessageFactory(ticket=old, author=customer)
    MessageFactory(ticket=old, author=agent, from_staff=True)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Ticket.objects.update(created_at=an_hour_ago)
    Message.objects.update(created_at=an_hour_ago)

    def scrape():
        with CaptureQueriesContext(connection) as queries:
            text = client.get(METRICS, **bearer("m-secret")).content.decode()
        return text, [q["sql"] for q in queries if "wagtail_support_message" in q["sql"]]

    text, reads = scrape()
    assert "wagtail_support_tickets_opened_total 1.0" in text
    assert 'wagtail_support_replies_total{by="team"} 1.0' in text
    new = TicketFactory(customer=customer)
    MessageFactory(ticket=new, author=agent, from_staff=True)
    text, reads = scrape()
    assert "wagtail_support_tickets_opened_total 2.0" in text
    assert 'wagtail_support_replies_total{by="team"} 2.0' in text
    # Only the rows after the checkpoint are read: every message query starts from the last id counted.
    assert reads and all('"wagtail_support_message"."id" >' in sql for sql in reads), reads
    old.delete()  # a counter never goes down
    text, _reads = scrape()
    assert "wagtail_support_tickets_opened_total 2.0" in text
    assert 'wagtail_support_replies_total{by="team"} 2.0' in text


def test_the_first_response_histogram_counts_each_answered_ticket_once(client):
    """Tickets answered more than five minutes ago are counted into a checkpoint once; a scrape reads
    only the tickets answered since (health/metrics.py ``first_responses``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wagtail_support.tickets.models import Ticket

    now = timezone.now()

    def answered(created_ago, waited):
        ticket = TicketFactory()
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=now - created_ago, first_response_at=now - created_ago + waited
        )
        return ticket

    answered(timedelta(days=40), timedelta(minutes=10))  # long ago: still counted (a counter)
    answered(timedelta(hours=3), timedelta(hours=2))
    TicketFactory()  # not answered yet

    def scrape():
        with CaptureQueriesContext(connection) as queries:
            text = client.get(METRICS, **bearer("m-secret")).content.decode()
        reads = [q["sql"] for q in queries if '"first_response_at" <' in q["sql"] and "COUNT" in q["sql"]]
        return text, reads

    text, _reads = scrape()
    assert 'wagtail_support_first_response_seconds_bucket{le="900.0"} 1.0' in text
    assert 'wagtail_support_first_response_seconds_bucket{le="14400.0"} 2.0' in text
    assert "wagtail_support_first_response_seconds_count 2.0" in text
    assert "wagtail_support_first_response_seconds_sum 7800.0" in text
    answered(timedelta(minutes=2), timedelta(minutes=1))  # answered a minute ago: counted at once
    text, reads = scrape()
    assert "wagtail_support_first_response_seconds_count 3.0" in text
    assert 'wagtail_support_first_response_seconds_bucket{le="300.0"} 1.0' in text
    # The settled tickets are read from the checkpoint's time on, not from the first ticket answered.
    assert reads and all('"first_response_at" >=' in sql for sql in reads), reads
    cache.clear()  # a lost checkpoint: one full count, the same figures
    text, _reads = scrape()
    assert "wagtail_support_first_response_seconds_count 3.0" in text
