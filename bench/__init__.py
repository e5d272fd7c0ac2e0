"""Benchmarks of wagtail-support that run against real services (Redis, a Celery worker, SMTP)."""
