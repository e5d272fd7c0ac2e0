# mysite/settings/local.py: a quick local trial without a broker or a mail server.
import os

from .base import BASE_DIR

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.path.join(BASE_DIR, "var", "mail")  # the same folder whichever directory you start from
CELERY_TASK_ALWAYS_EAGER = True
