python -m pip install wagtail-support
