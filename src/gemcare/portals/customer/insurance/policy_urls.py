"""URLs of the policy pages; included by the portal's urls module under `/my-policy/`."""

from django.urls import path

from gemcare.portals.customer.insurance import (
    policy_payment_views,
    policy_quote_views,
    policy_sign_in_views,
    policy_views,
)

urlpatterns = [
    # Public: the insurance, buying a policy online, signing in.
    path("insurance", policy_views.insurance, name="insurance"),
    path("quote", policy_quote_views.policy_quote, name="policy_quote"),
    path("quote/premium", policy_quote_views.policy_quote_live, name="policy_quote_live"),
    path("", policy_sign_in_views.policy_sign_in, name="policy_sign_in"),
    path("code", policy_sign_in_views.policy_sign_in_code, name="policy_sign_in_code"),
    # A policyholder's own policy.
    path("<str:number>", policy_views.policy_page, name="policy"),
    path(
        "<str:number>/declarations.pdf",
        policy_views.policy_declarations,
        name="policy_declarations",
    ),
    path("<str:number>/cancel", policy_views.policy_cancel_page, name="policy_cancel"),
    path("<str:number>/pay", policy_payment_views.policy_pay, name="policy_pay"),
]
