"""The customer site: public pages, and the pages of a holder's session (to come).

The home page has the one thing a customer can do today without signing in: check a plan
certificate. Its form is a plain GET to `/verify/` with the code, which goes on to the
certificate's verification page, so it works with no JavaScript at all.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

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
