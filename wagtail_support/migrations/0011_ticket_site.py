import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Wagtail 8 can swap the base page model (WAGTAIL_PAGE_MODEL); Wagtail 7.4 has no such setting.
PAGE_MODEL = getattr(settings, "WAGTAIL_PAGE_MODEL", "wagtailcore.Page")


def tickets_to_the_default_site(apps, schema_editor):
    """Tickets opened before tickets knew their site belong to the default (or the only) site and its
    first live support page."""
    Site = apps.get_model("wagtailcore", "Site")
    SupportPage = apps.get_model("wagtail_support", "SupportPage")
    Ticket = apps.get_model("wagtail_support", "Ticket")
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None and Site.objects.count() == 1:
        site = Site.objects.select_related("root_page").get()
    if site is None:
        return
    page = (
        SupportPage.objects.filter(live=True, path__startswith=site.root_page.path)
        .order_by("path")
        .values_list("pk", flat=True)
        .first()
    )
    Ticket.objects.filter(site__isnull=True).update(site=site, support_page_id=page)


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_support", "0010_ticket_search_document"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        migrations.swappable_dependency(PAGE_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="site",
            field=models.ForeignKey(
                blank=True,
                help_text="The site whose support settings and links apply; empty means the default site.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailcore.site",
                verbose_name="Wagtail site",
            ),
        ),
        migrations.AddField(
            model_name="ticket",
            name="support_page",
            field=models.ForeignKey(
                blank=True,
                help_text="The support section the ticket was opened from; e-mails link to it.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=PAGE_MODEL,
                verbose_name="support page",
            ),
        ),
        migrations.RunPython(tickets_to_the_default_site, migrations.RunPython.noop, elidable=True),
    ]
