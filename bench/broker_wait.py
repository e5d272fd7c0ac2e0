"""How long a request would wait if it published its e-mail to a broker that is down or hung.

Run from the repository root (no database needed; nothing leaves the loopback interface)::

    .venv/bin/python bench/broker_wait.py

For each broker state it times ``send_notification.apply_async(..., retry=False)``, the call a request
would make after COMMIT with Celery's own on-commit dispatch (``delay_on_commit``):

* refused: nothing listens on the port (the broker process is down);
* hung: a socket accepts the connection and never answers (a broker that is overloaded or stuck);
* unreachable: a listener whose backlog is full, so the connection's SYN is never answered (a broker
  host that is gone, or a firewall that drops packets).

The answer decides whether requests may publish themselves (docs/notifications.md, "The hand-over").
"""

import os
import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

CAP_S = 30  # give up waiting after this long: "longer than any customer waits"


def hung_server():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []

    def accept():
        while True:
            connection, _ = server.accept()
            held.append(connection)  # accepted, never answered

    threading.Thread(target=accept, daemon=True).start()
    return server.getsockname()[1], (server, held)


def full_backlog_server():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    fillers = []
    for _ in range(8):  # fill the accept queue; later SYNs are dropped
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", server.getsockname()[1]))
        except BlockingIOError:
            pass
        fillers.append(filler)
    time.sleep(0.2)
    return server.getsockname()[1], (server, fillers)


def timed_publish(url):
    """Time one publish in a fresh process whose settings name ``url`` as the broker."""
    import subprocess

    env = {**os.environ, "BENCH_BROKER_URL": url}
    try:
        child = subprocess.run(  # noqa: S603 - this interpreter, this file
            [sys.executable, __file__, "--publish"], env=env, capture_output=True, text=True, timeout=CAP_S
        )
    except subprocess.TimeoutExpired:
        return f"still waiting after {CAP_S} s"
    return child.stdout.strip() or child.stderr.strip()[-300:]


def publish_once():
    import django

    django.setup()
    from wagtail_support.notifications.tasks import send_notification

    started = time.monotonic()
    try:
        send_notification.apply_async((1,), retry=False)
        outcome = "published"
    except Exception as error:
        outcome = f"raised {type(error).__name__}"
    print(f"{outcome} after {(time.monotonic() - started) * 1000:.0f} ms")


def main():
    refused = socket.socket()
    refused.bind(("127.0.0.1", 0))
    port = refused.getsockname()[1]
    refused.close()
    hung_port, _keep_hung = hung_server()
    full_port, _keep_full = full_backlog_server()
    print("Publishing one e-mail's task, as a request would after COMMIT (apply_async, retry=False):")
    for label, url in (
        ("refused (broker down)", f"redis://127.0.0.1:{port}/0"),
        ("hung (accepts, never answers)", f"redis://127.0.0.1:{hung_port}/0"),
        ("unreachable (SYN dropped)", f"redis://127.0.0.1:{full_port}/0"),
    ):
        print(f"  {label:32} {timed_publish(url)}")
        sys.stdout.flush()
    os._exit(0)  # threads still stuck in a connect are abandoned


if __name__ == "__main__":
    publish_once() if "--publish" in sys.argv else main()
