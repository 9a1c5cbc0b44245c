"""The site's URLs, with portal pages that raise each application error (test_errors.py)."""

from django.urls import include, path

from config.urls import urlpatterns as site
from gemcare.common.errors import InvalidInput, NotFound, Refused


def not_found(request):
    raise NotFound("claim", "C-404")


def refused(request):
    raise Refused("claim_in_review", "A claim on this plan is waiting for its review.")


def invalid(request):
    raise InvalidInput("item.price", "12.345", "has more than two decimals")


probes = [
    path("not-found/", not_found),
    path("refused/", refused),
    path("invalid/", invalid),
]

urlpatterns = [
    path("probe/", include((probes, "office"), namespace="probe")),
    path("elsewhere/refused/", refused),
    *site,
]
