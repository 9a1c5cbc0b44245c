"""Public pages of contracts: the verification of a printed certificate.

The page is open to anyone holding a certificate's code, so it shows what proves the plan is
real (product, status, dates) and of the holder only the initials. It is never cached: the
status changes, and a shared cache must not keep even initials.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from gemcare.contracts.certificates import (
    contract_by_verification_code,
    covered_through,
    holder_initials,
)


@require_safe
@never_cache
def contract_verify(request: HttpRequest, code: str) -> HttpResponse:
    contract = contract_by_verification_code(code)
    context = {"found": contract is not None}
    if contract is not None:
        context.update(
            product=contract.product_version.name,
            status=contract.get_status_display(),
            is_active=contract.status == "active",
            is_test=bool(getattr(contract, "is_test", False)),
            purchased_on=contract.purchased_on,
            covered_through=covered_through(contract),
            initials=holder_initials(contract.holder.name),
            number=contract.number,
        )
    response = render(
        request, "contracts/verify.html", context, status=200 if contract is not None else 404
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
