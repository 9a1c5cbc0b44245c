"""The customer site's public pages: home, the plans and what they cover, how it works, the
questions a holder asks, and the certificate check.

The home page's certificate check is a plain GET to `/verify/` with the code, which goes on
to the certificate's verification page, so it works with no JavaScript at all. The plan
pages are drawn from the catalog (`customer.selectors`); the numbers the explanatory pages
quote come from the rules core and the published terms, never from the templates.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from gemcare.portals.customer.selectors import plan_published, plans_published, site_numbers
from gemcare.portals.web import FormState

# The longest code the verification page reads (gemcare.contracts.certificates).
CODE_MAX_LENGTH = 40


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/customer/home.html", {"form": FormState()})


@require_safe
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """The home page's code box: on to `/verify/<code>`, or back to the box if empty."""
    code = request.GET.get("code", "").strip()
    problem = ""
    if not code:
        problem = "Enter the verification code printed on the certificate."
    elif len(code) > CODE_MAX_LENGTH or not code.isprintable() or "/" in code:
        problem = "This is not a verification code: check the code printed on the certificate."
    if problem:
        form = FormState({"code": code[:CODE_MAX_LENGTH]}, {"code": problem})
        return render(request, "portals/customer/home.html", {"form": form}, status=422)
    return HttpResponseRedirect(reverse("contract_verify", args=[code]))


@require_safe
def plans(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/customer/plans.html", {"plans": plans_published()})


@require_safe
def plan(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "portals/customer/plan.html", {"plan": plan_published(code=code)})


@require_safe
def how_it_works(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/customer/how_it_works.html", {"numbers": site_numbers()})


@require_safe
def questions(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/customer/questions.html", {"numbers": site_numbers()})
