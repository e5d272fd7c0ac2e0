"""Outbox-backed e-mail notifications: ``notify()`` -> outbox row -> Celery task -> mail."""
