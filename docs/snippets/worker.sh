celery -A mysite worker --loglevel=INFO
celery -A mysite beat --loglevel=INFO
