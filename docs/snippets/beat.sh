celery -A mysite beat --loglevel=INFO
