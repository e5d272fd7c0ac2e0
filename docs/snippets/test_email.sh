python manage.py support_send_test_email you@example.com
