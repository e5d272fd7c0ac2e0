    path("support-center/", include("wagtail_support.urls")),
