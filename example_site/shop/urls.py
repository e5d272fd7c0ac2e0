from django.urls import path

from example_site.shop import views

app_name = "shop"

urlpatterns = [
    path("", views.index, name="index"),
    path("checkout/", views.checkout, name="checkout"),
    path("thank-you/", views.thank_you, name="thank_you"),
]
