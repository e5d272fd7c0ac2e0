# mysite/settings/local.py: a quick local trial without a broker or a mail server.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = "var/mail"
CELERY_TASK_ALWAYS_EAGER = True
