celery -A mysite worker --loglevel=INFO
