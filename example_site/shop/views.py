"""The demo shop: a product list, a checkout and a thank-you page.

The checkout is what a real shop integration does after payment: it sends
``purchase_completed`` with a ``PurchaseData``; wagtail-support does the rest (account, support,
e-mail). Nothing is paid and nothing changes on GET.
"""

import uuid

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from example_site.shop import catalogue
from example_site.shop.forms import CheckoutForm
from wagtail_support.models import ProductReference
from wagtail_support.purchases.payload import PurchaseData, PurchaseLine
from wagtail_support.signals import purchase_completed

SOURCE = "demo-shop"


def index(request):
    products = {
        reference.reference: reference.product
        for reference in ProductReference.objects.filter(
            reference__in=[item.sku for item in catalogue.CATALOGUE]
        ).select_related("product")
    }
    items = [{"item": item, "product": products.get(item.sku)} for item in catalogue.CATALOGUE]
    return render(request, "shop/index.html", {"items": items})


@require_http_methods(["GET", "POST"])
def checkout(request):
    if request.method == "POST":
        form = CheckoutForm(request.POST)
        if form.is_valid():
            item = catalogue.find(form.cleaned_data["product"])
            purchase_completed.send(
                sender=checkout,
                purchase=PurchaseData(
                    source=SOURCE,
                    external_id=str(uuid.uuid4()),
                    email=form.cleaned_data["email"],
                    name=form.cleaned_data["name"],
                    lines=(PurchaseLine(product_ref=item.sku, title=str(item.title), quantity=1),),
                ),
            )
            return redirect(reverse("shop:thank_you"))
        status = 400
    else:
        form = CheckoutForm(initial={"product": request.GET.get("product")})
        status = 200
    return render(request, "shop/checkout.html", {"form": form}, status=status)


def thank_you(request):
    prints_emails = settings.DEBUG and settings.EMAIL_BACKEND.endswith("console.EmailBackend")
    return render(request, "shop/thank_you.html", {"prints_emails": prints_emails})
