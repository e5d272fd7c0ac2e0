"""Periodic work of the staff workspace, run by Celery beat (see ``wagtail_support.schedule``)."""

from celery import shared_task

from wagtail_support.tickets import workflow


@shared_task(name="wagtail_support.close_stale_tickets")
def close_stale_tickets():
    """Close tickets awaiting the customer past the support settings' limit; returns how many."""
    return workflow.auto_close_stale()


@shared_task(name="wagtail_support.remind_breaching_tickets")
def remind_breaching_tickets():
    """E-mail reminders about tickets about to miss their first-response target; returns how many."""
    return workflow.remind_breaching()
