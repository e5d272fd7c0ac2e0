"""Issue 18: a publish on a stale AMQP connection is retried once on a fresh one (Celery's ``retry`` and
``retry_policy``), on the real RabbitMQ. The pooled connection is broken under kombu's feet, as when the
broker closed it while it sat idle; the next hand-over must still reach the queue."""

import logging
import os
import socket
import time

import pytest
from celery import current_app
from kombu import Connection

from tests.conftest import celery_app, use_broker
from wagtail_support.notifications.dispatcher import SEND_ONE, publish_task

QUEUE = f"wagtail-support-stale-test-{os.getpid()}"


@pytest.fixture
def rabbitmq(rabbitmq_url, redis_url):
    use_broker(rabbitmq_url, eager=False)
    yield rabbitmq_url
    with Connection(rabbitmq_url) as conn:
        conn.default_channel.queue_delete(QUEUE)
    use_broker(redis_url, eager=True)


def waiting_in_queue(url, expected, timeout=5):
    deadline = time.monotonic() + timeout
    while True:
        with Connection(url) as conn:
            _, count, _ = conn.default_channel.queue_declare(queue=QUEUE, passive=True)
        if count >= expected or time.monotonic() > deadline:
            return count
        time.sleep(0.05)


def break_the_pooled_connection():
    """Shut the socket of the connection the producer pool keeps between publishes."""
    with celery_app.amqp.producer_pool.acquire(block=True) as producer:
        producer.connection.connection.sock.shutdown(socket.SHUT_RDWR)


def test_a_publish_on_a_stale_connection_is_retried_once(rabbitmq, caplog):
    task = current_app.tasks[SEND_ONE]
    assert publish_task(task, 1, QUEUE)
    assert waiting_in_queue(rabbitmq, 1) == 1

    break_the_pooled_connection()
    with caplog.at_level(logging.WARNING, logger="wagtail_support"):
        assert publish_task(task, 2, QUEUE)
    assert "Could not queue" not in caplog.text
    assert waiting_in_queue(rabbitmq, 2) == 2
