from django.urls import include, path

from gemcare.portals.customer import (
    claim_views,
    plan_views,
    sign_in_views,
    transfer_views,
    views,
)

app_name = "customer"

urlpatterns = [
    # Public pages.
    path("", views.home, name="home"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("plans/", views.plans, name="plans"),
    path("plans/<slug:code>", views.plan, name="plan"),
    path("how-it-works", views.how_it_works, name="how_it_works"),
    path("questions", views.questions, name="questions"),
    # Find my plan: signing in with a code sent to the email on file.
    path("my-plan/", sign_in_views.sign_in, name="sign_in"),
    path("my-plan/code", sign_in_views.sign_in_code, name="sign_in_code"),
    path("my-plan/sign-out", sign_in_views.sign_out, name="sign_out"),
    # A holder's plans and claims.
    path("my-plan/plans", plan_views.my_plans, name="my_plans"),
    path("my-plan/plans/<str:number>", plan_views.my_plan, name="my_plan"),
    path("my-plan/plans/<str:number>/certificate.pdf", plan_views.certificate, name="certificate"),
    path("my-plan/plans/<str:number>/cancel", plan_views.cancel, name="cancel"),
    path("my-plan/plans/<str:number>/claim", claim_views.claim_new, name="claim_new"),
    path("my-plan/plans/<str:number>/transfer", transfer_views.transfer_new, name="transfer_new"),
    path("my-plan/claims/<str:number>", claim_views.claim, name="claim"),
    path("my-plan/claims/<str:number>/review", claim_views.claim_review, name="claim_review"),
    path("my-plan/claims/<str:number>/photos", claim_views.claim_photos, name="claim_photos"),
    path(
        "my-plan/claims/<str:number>/photos/<int:photo_id>",
        claim_views.claim_photo,
        name="claim_photo",
    ),
    # Insurance policyholders: their policies (signing in, quote and bind) and losses.
    path("my-policy/", include("gemcare.portals.customer.insurance.policy_urls")),
    path("my-policy/", include("gemcare.portals.customer.insurance.loss_urls")),
    # The recipient of a transfer, from the emailed link.
    path("transfer/<str:token>", transfer_views.transfer_accept, name="transfer_accept"),
]
