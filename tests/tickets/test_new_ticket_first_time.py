"""Issue 17, done-when 1 without a browser: the seed's steps succeed first time for a theme, a plugin and
a hosting plan; the site question only where needed; files kept across a validation error; products
told apart; one place for the allowed types and the support-ended rule; each upload checked once."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import (
    EntitlementFactory,
    InstallationFactory,
    PurchaseFactory,
    SupportedProductFactory,
)
from tests.tickets.test_support_views import NEW, customer, png_bytes, screenshot, soup, support_page  # noqa: F401
from wagtail_support.models import Attachment, Notification, PendingUpload, Ticket
from wagtail_support.notifications.render import render_email
from wagtail_support.tickets import attachments, pending

pytestmark = pytest.mark.django_db


def seed_steps(entitlement, **extra):
    """Support → New → product, title, description, screenshot → Create: nothing else filled in."""
    return {
        "product": entitlement.pk,
        "title": "Checkout shows an error",
        "description": "When I pay, I see an error.",
        "attachments": [screenshot()],
        **extra,
    }


@pytest.mark.parametrize(
    "kind, installations",
    [("theme", 1), ("plugin", 3), ("hosting", 0)],
)
def test_the_seed_steps_succeed_first_time(client, customer, kind, installations):  # noqa: F811
    product = SupportedProductFactory(name=f"Our {kind}", kind=kind, installations_per_unit=installations)
    entitlement = EntitlementFactory(purchase__customer=customer, product=product)
    if kind != "hosting":
        InstallationFactory(entitlement=entitlement, domain="ann.example")  # registered on My products

    response = client.post(NEW, seed_steps(entitlement))

    assert response.status_code == 302, soup(response).select(".support-errors")
    ticket = Ticket.objects.get()
    assert ticket.messages.get().attachments.get().content_type == "image/png"
    assert (ticket.installation.domain if ticket.installation else None) == (
        None if kind == "hosting" else "ann.example"
    )


def test_the_site_question_is_asked_only_for_products_that_need_a_site_and_marked_required(
    client,
    customer,  # noqa: F811
):
    hosting = EntitlementFactory(
        purchase__customer=customer, product=SupportedProductFactory(kind="hosting", installations_per_unit=0)
    )
    page = soup(client.get(NEW))
    assert not page.select("[data-site-question]")  # a hosting plan alone: no site question at all

    theme = EntitlementFactory(purchase__customer=customer, product=SupportedProductFactory(name="Aurora"))
    page = soup(client.get(NEW))
    question = page.select_one("fieldset[data-site-question]")
    assert question.select_one("legend .support-required")
    assert "Required for Aurora" in question.get_text(" ", strip=True)
    radios = {radio["value"]: radio for radio in page.select("input[name=product]")}
    assert radios[str(theme.pk)]["data-needs-site"] == "true"
    assert radios[str(hosting.pk)]["data-needs-site"] == "false"
    assert "optional otherwise" not in page.get_text()


def test_one_control_offers_the_registered_sites_and_another(client, customer):  # noqa: F811
    theme = EntitlementFactory(
        purchase__customer=customer, product=SupportedProductFactory(installations_per_unit=2)
    )
    InstallationFactory(entitlement=theme, domain="one.example")
    InstallationFactory(entitlement=theme, domain="two.example")

    page = soup(client.get(NEW))

    options = [option.get_text() for option in page.select("select[name=installation] option")]
    assert options[0] == "Another site: type its address below"
    assert [text.split(" (")[0] for text in options[1:]] == ["one.example", "two.example"]
    response = client.post(NEW, seed_steps(theme))  # two sites: the customer must say which
    assert response.status_code == 400
    assert "Choose the site this ticket is about, or type its address." in response.content.decode()


def test_a_validation_error_keeps_the_chosen_files_for_the_retry(
    client,
    customer,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    theme = EntitlementFactory(purchase__customer=customer)
    InstallationFactory(entitlement=theme)

    first = client.post(NEW, seed_steps(theme, title=""))  # the title forgotten

    assert first.status_code == 400
    kept = soup(first).select("input[name=kept]")
    assert [box["value"] for box in kept] == [str(PendingUpload.objects.get().token)]
    assert "screen.png" in soup(first).select_one(".support-kept").get_text()

    data = seed_steps(theme, kept=[box["value"] for box in kept])
    del data["attachments"]  # not chosen again
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(NEW, data)

    assert second.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "screen.png" and attachment.content_type == "image/png"
    assert attachment.thumbnail  # made once, when the file was first checked
    assert not PendingUpload.objects.exists()  # cleaned up once used


def test_held_files_belong_to_their_session_and_expire(client, customer, django_user_model):  # noqa: F811
    theme = EntitlementFactory(purchase__customer=customer)
    InstallationFactory(entitlement=theme)
    client.post(NEW, seed_steps(theme, title=""))
    row = PendingUpload.objects.get()

    other = client.__class__()
    other.force_login(customer)  # the same user in another browser: another session
    data = seed_steps(theme, kept=[str(row.token)])
    del data["attachments"]
    assert other.post(NEW, data).status_code == 302
    assert not Attachment.objects.exists()  # the other session's file was not taken

    pending.sweep(now=timezone.now() + pending.MAX_AGE + timedelta(minutes=1))
    assert not PendingUpload.objects.exists()


def test_files_refused_are_not_kept(client, customer):  # noqa: F811
    theme = EntitlementFactory(purchase__customer=customer)
    InstallationFactory(entitlement=theme)
    bad = SimpleUploadedFile("page.png", b"<html><script>alert(1)</script></html>")

    response = client.post(NEW, seed_steps(theme, attachments=[bad]))

    assert response.status_code == 400 and not PendingUpload.objects.exists()


def test_products_can_be_told_apart_by_order_date_and_plan(client, customer):  # noqa: F811
    theme = SupportedProductFactory(name="Aurora theme")
    hosting = SupportedProductFactory(name="Hosting Pro", kind="hosting", installations_per_unit=0)
    plan = EntitlementFactory(purchase__customer=customer, product=hosting)
    bought = EntitlementFactory(
        purchase=PurchaseFactory(customer=customer, external_id="1042"), product=theme
    )
    EntitlementFactory(
        purchase=PurchaseFactory(customer=customer, source="bundle"), product=theme, granted_by=plan
    )

    new_page = soup(client.get(NEW)).get_text(" ", strip=True)
    products_page = soup(client.get("/support/products/"))

    assert "Order 1042, bought on" in new_page and "Included with Hosting Pro" in new_page
    text = products_page.get_text(" ", strip=True)
    assert "Order 1042, bought on" in text and "Included with Hosting Pro" in text
    assert bought.support_until.strftime("%Y") in text
    ids = [element["id"] for element in products_page.select("[id]")]
    assert len(ids) == len(set(ids)), "ids repeat on My products"
    for label in products_page.select("label[for]"):
        assert products_page.select(f"#{label['for']}"), label


def test_first_response_target_is_on_the_new_ticket_page_and_in_the_confirmation(
    client,
    customer,  # noqa: F811
    support_page,  # noqa: F811
):
    from wagtail_support.sitesettings import SupportSettings

    settings = SupportSettings.for_site(support_page.get_site())
    settings.first_response_hours = 48
    settings.save()
    hosting = EntitlementFactory(
        purchase__customer=customer, product=SupportedProductFactory(kind="hosting", installations_per_unit=0)
    )

    assert "The team usually answers within 2 days." in soup(client.get(NEW)).get_text(" ", strip=True)
    response = client.post(NEW, seed_steps(hosting), follow=True)
    assert "The team usually answers within 2 days." in soup(response).select_one(".alert-success").get_text()
    confirmation = Notification.objects.get(kind="ticket_opened_customer")
    assert "The team usually answers within 2 days." in render_email(confirmation).body
    assert (
        "The team usually answers within 2 days." in soup(response).select_one(".support-expect").get_text()
    )


def test_expired_support_is_refused_with_the_services_words(client, customer):  # noqa: F811
    old = EntitlementFactory(
        purchase__customer=customer, support_until=timezone.localdate() - timedelta(days=1)
    )
    EntitlementFactory(purchase__customer=customer)

    response = client.post(NEW, seed_steps(old))

    assert response.status_code == 400
    assert "has ended or was cancelled" in response.content.decode()


def test_each_image_is_opened_once_from_form_to_storage(client, customer):  # noqa: F811
    hosting = EntitlementFactory(
        purchase__customer=customer, product=SupportedProductFactory(kind="hosting", installations_per_unit=0)
    )
    from PIL import Image

    with (
        mock.patch.object(attachments, "inspect_upload", wraps=attachments.inspect_upload) as inspect,
        mock.patch.object(Image, "open", wraps=Image.open) as pillow_open,
    ):
        assert client.post(NEW, seed_steps(hosting)).status_code == 302
    assert inspect.call_count == 1 and pillow_open.call_count == 1  # checked once, opened once
    assert Attachment.objects.get().thumbnail  # the thumbnail came from that one opening


def test_the_limits_are_stated_beside_the_field_from_the_one_list_of_types(client, customer, settings):  # noqa: F811
    EntitlementFactory(purchase__customer=customer)
    settings.WAGTAIL_SUPPORT = {"ATTACHMENT_TYPES": ["image/png", "application/pdf"]}

    field = soup(client.get(NEW)).select_one("input[name=attachments]")
    help_text = soup(client.get(NEW)).select_one("#id_attachments_helptext").get_text().replace("\xa0", " ")

    assert help_text == "Up to 5 files, 5.0 MB each: PNG, PDF."
    assert field["accept"] == "image/png,application/pdf"
    assert field["data-max-bytes"] == str(5 * 1024 * 1024) and field["data-max-files"] == "5"


def test_an_oversized_file_is_refused_by_the_server_without_javascript(client, customer, settings):  # noqa: F811
    settings.WAGTAIL_SUPPORT = {"ATTACHMENT_MAX_BYTES": 1000}
    hosting = EntitlementFactory(
        purchase__customer=customer, product=SupportedProductFactory(kind="hosting", installations_per_unit=0)
    )
    big = SimpleUploadedFile("big.png", png_bytes((400, 400)) + b"\0" * 2000)

    response = client.post(NEW, seed_steps(hosting, attachments=[big]))

    assert response.status_code == 400
    assert (
        "“big.png” is" in response.content.decode()
        and "files may be at most 1000" in response.content.decode()
    )
    assert not Ticket.objects.exists()


def test_the_preview_keeps_the_chosen_files_too(client, customer):  # noqa: F811
    hosting = EntitlementFactory(
        purchase__customer=customer, product=SupportedProductFactory(kind="hosting", installations_per_unit=0)
    )

    response = client.post(NEW, seed_steps(hosting, preview="1"))

    assert response.status_code == 200 and not Ticket.objects.exists()
    assert [box["value"] for box in soup(response).select("input[name=kept]")] == [
        str(PendingUpload.objects.get().token)
    ]


def test_a_reply_that_fails_keeps_its_files(client, customer):  # noqa: F811
    from tests.factories import TicketFactory

    ticket = TicketFactory(entitlement=EntitlementFactory(purchase__customer=customer))
    url = f"/support/{ticket.reference}/reply/"

    failed = client.post(url, {"body": "", "attachments": [screenshot()]})
    kept = [box["value"] for box in soup(failed).select("input[name=kept]")]
    sent = client.post(url, {"body": "Here it is", "kept": kept})

    assert failed.status_code == 400 and len(kept) == 1
    assert sent.status_code == 302
    assert ticket.messages.get(body="Here it is").attachments.get().name == "screen.png"
