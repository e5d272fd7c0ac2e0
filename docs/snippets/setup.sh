python manage.py check
python manage.py migrate
python manage.py support_setup --groups
