"""A real SMTP server on localhost for tests and benchmarks, that can be slow or refuse mail.

The outside world is the only thing we stand in for: the code under test talks SMTP to it
through Django's SMTP backend, exactly as it would to a production mail server.
"""

import threading
import time
from email import message_from_bytes
from email.policy import default as default_policy

from aiosmtpd.controller import Controller


class SinkHandler:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.received_at = []
        self.fail_next = 0
        self.delay = 0.0
        self.attempts = 0
        self.on_accept = None  # called (in the sink's thread) after a message is recorded, before "250"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.attempts += 1
            if self.fail_next > 0:
                self.fail_next -= 1
                return "451 4.3.0 Mail server busy, try again later"
            self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
            self.received_at.append(time.monotonic())
            delay = self.delay
            on_accept = self.on_accept
        if on_accept:
            on_accept()
        if delay:
            # Recorded first, answered late: like a server that accepted the mail but is slow to say so.
            import asyncio

            await asyncio.sleep(delay)
        return "250 OK"


class SmtpSink:
    """Start with ``SmtpSink().start()``; ``port`` tells where it listens."""

    def __init__(self, host="127.0.0.1", port=0):
        self.handler = SinkHandler()
        self.controller = Controller(self.handler, hostname=host, port=port or _free_port(host))

    @property
    def host(self):
        return self.controller.hostname

    @property
    def port(self):
        return self.controller.port

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)

    def fail_next(self, count):
        with self.handler.lock:
            self.handler.fail_next = count

    def set_delay(self, seconds):
        with self.handler.lock:
            self.handler.delay = seconds

    def reset(self):
        with self.handler.lock:
            self.handler.messages.clear()
            self.handler.received_at.clear()
            self.handler.fail_next = 0
            self.handler.delay = 0.0
            self.handler.attempts = 0
            self.handler.on_accept = None

    def wait_for(self, count, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.05)
        raise AssertionError(f"expected {count} message(s), got {len(self.messages)} after {timeout} s")

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


def _free_port(host):
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]
