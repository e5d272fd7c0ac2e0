INSTALLED_APPS += [
    "wagtail_support",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
]
