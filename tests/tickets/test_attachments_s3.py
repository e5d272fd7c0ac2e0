"""Issue 19.1: ticket attachments on S3 (django-storages) against a local S3 server (moto).

Upload, download through the app's access checks (streamed by the app, never a bucket URL), 404 for
another customer, the agent's download, and the file deleted with the ticket's data.
"""

import io

import boto3
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.factories import EntitlementFactory, InstallationFactory, UserFactory, publish_support_page
from tests.s3_server import BUCKET, REGION, s3_server, s3_storage_settings  # noqa: F401 - a fixture
from wagtail_support.models import Attachment, Ticket

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def bucket(s3_server, settings):  # noqa: F811 - the fixture above
    client = boto3.client(
        "s3", endpoint_url=s3_server, region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t"
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "wagtail_support_attachments": s3_storage_settings(s3_server)}
    # The field took its storage when the model loaded; point it at the S3 storage for this test.
    field = Attachment._meta.get_field("file")
    saved = field.storage
    field.storage = storages["wagtail_support_attachments"]
    yield client
    field.storage = saved
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def opened(client, bucket):
    """Ann opens a ticket with a screenshot; (ticket, attachment, the stored key)."""
    publish_support_page()
    ann = UserFactory(username="ann", email="ann@example.com")
    entitlement = EntitlementFactory(purchase__customer=ann)
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    client.force_login(ann)
    data = {
        "product": entitlement.pk,
        "installation": entitlement.installations.get().pk,
        "title": "Checkout fails",
        "description": "See the screenshot.",
        "attachments": [SimpleUploadedFile("screen.png", png_bytes(), content_type="image/png")],
    }
    assert client.post("/support/new/", data).status_code == 302
    ticket = Ticket.objects.get()
    attachment = Attachment.objects.get()
    return ticket, attachment, attachment.file.name


def keys(bucket):
    return [item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_the_upload_lands_in_the_bucket(opened, bucket):
    _, attachment, key = opened
    assert keys(bucket) == [key]
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == png_bytes()
    acl = bucket.get_object_acl(Bucket=BUCKET, Key=key)
    assert not [g for g in acl["Grants"] if g["Grantee"].get("URI", "").endswith("AllUsers")]


def test_the_owner_downloads_it_streamed_by_the_app(client, opened, s3_server):  # noqa: F811
    ticket, attachment, _ = opened
    page = client.get(f"/support/{ticket.reference}/").content.decode()
    assert s3_server not in page and BUCKET not in page and "X-Amz" not in page
    response = client.get(f"/support/{ticket.reference}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == png_bytes()


def test_another_customer_gets_404(client, opened):
    ticket, attachment, _ = opened
    client.force_login(UserFactory(username="bob"))
    assert client.get(f"/support/{ticket.reference}/attachments/{attachment.pk}/").status_code == 404
    client.logout()
    response = client.get(f"/support/{ticket.reference}/attachments/{attachment.pk}/")
    assert response.status_code in (302, 404)  # to the log-in page, never the file


def test_the_agent_downloads_it(client, opened):
    _, attachment, _ = opened
    client.force_login(UserFactory(username="agent", groups=["Support agents"]))
    response = client.get(reverse("wagtail_support_tickets:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()


def test_the_file_is_deleted_with_the_tickets_data(opened, bucket, django_capture_on_commit_callbacks):
    ticket, _, key = opened
    with django_capture_on_commit_callbacks(execute=True):
        Ticket.objects.filter(pk=ticket.pk).delete()
    assert key not in keys(bucket)
    assert not Attachment.objects.exists()


def test_a_file_missing_from_the_bucket_is_a_404_not_a_500(client, opened, bucket):
    ticket, attachment, key = opened
    bucket.delete_object(Bucket=BUCKET, Key=key)
    assert client.get(f"/support/{ticket.reference}/attachments/{attachment.pk}/").status_code == 404
