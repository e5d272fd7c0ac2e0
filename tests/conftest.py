import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from example_site.celery import app as celery_app
from tests.smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DEAD_BROKER_URL = "redis://127.0.0.1:1/0"
#: The brokers the worker tests run on (``parametrize("broker_url", BROKERS, indirect=True)``).
BROKERS = ["redis", "rabbitmq"]
#: A broker address of each kind where nothing listens.
DEAD_BROKER_URLS = {"redis": DEAD_BROKER_URL, "rabbitmq": "amqp://guest:guest@127.0.0.1:1//"}

pytest_plugins = ["tests.browser"]


def _database_order(item):
    """Rolled-back tests first, then transactional tests that restore the migrations' data
    (serialized_rollback), then the other transactional tests. A plain transactional test's flush
    re-creates content types under new ids, which a later serialized restore would collide with."""
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return 0
    if not (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return 0
    return 1 if marker.kwargs.get("serialized_rollback") else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Order database tests (see ``_database_order``). PostgreSQL-only tests (real concurrency) are
    deselected, not skipped, on SQLite runs; CI runs the suite on PostgreSQL too, where they run."""
    items.sort(key=_database_order)
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    selected = [item for item in items if "postgresql" not in item.keywords]
    deselected = [item for item in items if "postgresql" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def need(service, reason):
    """Skip on a developer's laptop without ``service``; fail in CI, where nothing may skip."""
    message = f"{service} is not available: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true, so this cannot be skipped)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def content_types_after_serialized_tests(request):
    """The serialized_rollback tests run first (see ``_database_order``) and leave the database flushed
    without Django's post-migrate step; the next plain transactional test gets its content types and
    permissions back here."""
    if _database_order(request.node) != 2:
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal

    if not ContentType.objects.exists():
        ContentType.objects.clear_cache()
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language: a request to /es/… leaves Spanish active in the
    test's thread (LocaleMiddleware activates a language per request and never resets it)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Wagtail caches site root paths; a test that changes the site must not leak into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def default_site(db):
    """The default Wagtail site; transactional tests flush the one Wagtail's migrations create."""
    from wagtail.models import Locale, Page, Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.get_children().first() or root.add_child(instance=Page(title="Home", slug="home"))
        site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    return site


@pytest.fixture(scope="session")
def redis_url():
    import redis

    url = settings.TEST_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        need("Redis", f"{url}: {error}")
    return url


@pytest.fixture(scope="session")
def rabbitmq_url():
    """RabbitMQ (TEST_RABBITMQ_URL, guest on loopback by default). Each test run's queues carry its
    run id (tests/settings.py), so two runs on one RabbitMQ never take each other's messages."""
    from kombu import Connection

    url = settings.TEST_RABBITMQ_URL
    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0)
    except Exception as error:
        need("RabbitMQ", f"{url}: {error}")
    return url


@pytest.fixture
def broker_url(request):
    """The broker of this test: Redis, unless the test is parametrized over ``BROKERS``."""
    kind = getattr(request, "param", "redis")
    return request.getfixturevalue("redis_url" if kind == "redis" else "rabbitmq_url")


@pytest.fixture
def dead_broker_url(request, broker_url):
    return DEAD_BROKER_URLS["rabbitmq" if broker_url.startswith("amqp") else "redis"]


def use_broker(url, eager):
    """Point the Celery app in this process at ``url`` (the producer pool is rebuilt)."""
    from kombu import pools

    # kombu keeps producer pools per broker URL for the whole process: an AMQP connection left idle by an
    # earlier test may be dead by now, and a publish is never retried (the sweep would send it later).
    pools.reset()
    celery_app.conf.task_always_eager = eager
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def use_routes(routes):
    """Route tasks by name in this process (``CELERY_TASK_ROUTES``), as a site with a worker pool does."""
    celery_app.conf.task_routes = routes or None
    celery_app.amqp.flush_routes()
    celery_app.amqp.router = celery_app.amqp.Router()


@pytest.fixture
def live_broker(redis_url, broker_url):
    """Tasks go through the real broker (Redis, or RabbitMQ) instead of running in-process."""
    use_broker(broker_url, eager=False)
    yield broker_url
    use_broker(redis_url, eager=True)


@pytest.fixture
def dead_broker(redis_url, dead_broker_url):
    """A broker address where nothing listens: publishing fails the way it does in an outage."""
    use_broker(dead_broker_url, eager=False)
    yield dead_broker_url
    use_broker(redis_url, eager=True)


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def database_url():
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """A real ``celery worker`` process on the test database, the real broker and an SMTP sink."""

    def __init__(
        self,
        sink,
        queue=None,
        overrides=None,
        visibility_timeout=3600,
        broker_url=None,
        task_routes=None,
        pool=("--pool=solo",),
    ):
        import json

        self.log_path = ROOT / "var" / f"worker-{os.getpid()}-{time.monotonic_ns()}.log"
        self.log_path.parent.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url(),
            "TEST_CELERY_EAGER": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": sink.host,
            "EMAIL_PORT": str(sink.port),
            "EMAIL_TIMEOUT": "10",
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "TEST_BROKER_URL": broker_url or settings.CELERY_BROKER_URL,
            "TEST_CELERY_TASK_ROUTES": json.dumps(task_routes or {}),
            "WAGTAIL_SUPPORT_TEST_OVERRIDES": json.dumps(overrides or {}),
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "example_site",
            "worker",
            *pool,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            # A name of its own: workers of other test runs on the same RabbitMQ never share a mailbox.
            f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h",
        ]
        if queue:
            command += ["-Q", queue]
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log_path.read_text():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"Celery worker did not start:\n{self.log_path.read_text()}")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def output(self):
        return self.log_path.read_text()


@pytest.fixture
def start_worker(redis_url, live_broker, smtp_sink):
    """Start real worker processes for one test (on its broker); all are stopped at its end."""
    workers = []

    def start(**kwargs):
        worker = WorkerProcess(smtp_sink, broker_url=live_broker, **kwargs)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_until(predicate, timeout=20.0, interval=0.05, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")
