"""The simulated customers of ``bench/faults.py``: seeding them, and one thread per customer.

Each thread has its own session, logs in through the log-in page, then opens a ticket with a PNG
attachment, replies, closes, reopens and replies again until told to stop. For every POST answered 500 it
reads at once, from the database, whether the write landed (see ``Customer.post``).
"""

import io
import secrets
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

PASSWORD = "faults-bench-password-1"  # noqa: S105 - a throw-away database's test accounts


# -- seeding ------------------------------------------------------------------------------------


def seed(customers):
    """Buyers with a supported hosting product, a password each; returns ``[(email, entitlement_id)]``
    and the Support page's path."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from wagtail.models import Site

    from wagtail_support.purchases.models import Entitlement, ProductReference, SupportedProduct
    from wagtail_support.purchases.payload import PurchaseData, PurchaseLine
    from wagtail_support.purchases.services import record_purchase
    from wagtail_support.setup import set_up_site

    report = set_up_site(Site.objects.get(is_default_site=True))
    product = SupportedProduct(
        name="Managed hosting", kind="hosting", support_period_days=3650, installations_per_unit=0
    )
    product.references = [ProductReference(reference="hosting-1")]
    product.save()
    from django.utils import timezone

    seeded, customer_ids = [], []
    for i in range(customers):
        email = f"faults-customer-{i}@example.com"
        purchase = record_purchase(
            PurchaseData(
                source="bench",
                external_id=f"faults-{i}",
                email=email,
                name=f"Customer {i}",
                purchased_at=timezone.now(),
                lines=(PurchaseLine("hosting-1", "Managed hosting", 1),),
            )
        )
        customer_ids.append(purchase.customer_id)
        seeded.append((email, Entitlement.objects.get(purchase=purchase).pk))
    get_user_model().objects.create_superuser("faults-admin", "faults-admin@example.com", PASSWORD)
    # One hash for all: hashing is slow on purpose, and the log-in page still checks it per customer.
    get_user_model().objects.filter(pk__in=customer_ids).update(password=make_password(PASSWORD))
    return seeded, report.support_page.url


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


# -- customers ----------------------------------------------------------------------------------


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []  # (kind, status, seconds)
        self.after_commit_500 = []  # (kind, detail)
        self.not_landed_500 = Counter()
        self.errors = Counter()  # connection errors and other exceptions, by kind

    def add(self, kind, status, seconds):
        with self.lock:
            self.requests.append((kind, status, seconds))


def landed(check, timeout=15):
    """Read what a POST answered 500 should have written, retrying while the database is away."""
    from django.db import DatabaseError, connection

    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except DatabaseError:
            connection.close()
            if time.monotonic() > deadline:
                return None
            time.sleep(0.5)


class Customer(threading.Thread):
    def __init__(self, index, email, entitlement_id, base, support_path, stop, results, png):
        super().__init__(name=f"customer-{index}", daemon=True)
        self.index, self.email, self.entitlement_id = index, email, entitlement_id
        self.base, self.support_path, self.stop_event = base, support_path, stop
        self.results, self.png = results, png
        self.session = None
        self.count = 0

    def request(self, kind, method, path, **kwargs):
        import requests

        started = time.perf_counter()
        try:
            response = self.session.request(
                method, self.base + path, allow_redirects=False, timeout=60, **kwargs
            )
        except requests.RequestException as error:
            with self.results.lock:
                self.results.errors[f"{kind}: {type(error).__name__}"] += 1
            return None
        self.results.add(kind, response.status_code, time.perf_counter() - started)
        return response

    def post(self, kind, path, data, check, files=None):
        data = {**data, "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
        response = self.request(kind, "POST", path, data=data, files=files)
        if response is not None and response.status_code >= 500:
            from django.db import connection

            wrote = landed(check)
            connection.close()
            with self.results.lock:
                if wrote:
                    self.results.after_commit_500.append((kind, f"{self.email} {path}"))
                else:
                    self.results.not_landed_500[kind] += 1
        return response

    @staticmethod
    def status_check(reference, closed):
        from wagtail_support.tickets.models import Ticket, pk_from_reference

        return lambda: (Ticket.objects.get(pk=pk_from_reference(reference)).status == "closed") == closed

    def log_in(self):
        import requests

        self.session = requests.Session()
        login = "/support-center/account/login/"
        response = self.request("login page", "GET", login)
        if response is None or response.status_code != 200:
            return False
        data = {"username": self.email, "password": PASSWORD}
        response = self.post("log in", login, data, check=lambda: False)
        return response is not None and response.status_code == 302

    def run(self):
        from wagtail_support.tickets.models import Message, Ticket

        try:
            while not self.stop_event.is_set():
                if self.session is None and not self.log_in():
                    self.session = None
                    self.stop_event.wait(1)
                    continue
                self.count += 1
                title = f"Faults {self.index}-{self.count} {secrets.token_hex(4)}"
                response = self.post(
                    "new ticket",
                    f"{self.support_path}new/",
                    {"product": self.entitlement_id, "title": title, "description": "It broke."},
                    check=lambda title=title: Ticket.objects.filter(title=title).exists(),
                    files={"attachments": ("screen.png", self.png, "image/png")},
                )
                if response is None or response.status_code != 302:
                    continue
                ticket_path = urlsplit(response.headers["Location"]).path
                self.request("ticket page", "GET", ticket_path)
                reference = ticket_path.rstrip("/").rsplit("/", 1)[-1]
                for kind, action in (
                    ("reply", "reply/"),
                    ("close", "close/"),
                    ("reopen", "reopen/"),
                    ("reply", "reply/"),
                ):
                    if self.stop_event.is_set():
                        break
                    if kind == "reply":
                        body = f"More detail {secrets.token_hex(6)}"
                        data = {"body": body}
                        check = lambda body=body: Message.objects.filter(body=body).exists()  # noqa: E731
                    else:
                        data = {}
                        check = self.status_check(reference, closed=kind == "close")
                    self.post(kind, ticket_path + action, data, check=check)
        except Exception as error:  # a bug of the harness, not of the site: reported, never hidden
            with self.results.lock:
                self.results.errors[f"harness: {type(error).__name__}: {error}"] += 1


def admin_shows(base, count):
    """Whether the Wagtail admin's dashboard, seen by a superuser, shows ``count`` rows to check (the
    Support menu's "(N to check)"); with no row to check, whether it shows none."""
    import requests

    session = requests.Session()
    session.get(base + "/admin/login/", timeout=30)
    session.post(
        base + "/admin/login/",
        data={
            "username": "faults-admin",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        },
        timeout=30,
    )
    page = session.get(base + "/admin/", timeout=30).text
    return f"({count} to check)" in page if count else "to check)" not in page
