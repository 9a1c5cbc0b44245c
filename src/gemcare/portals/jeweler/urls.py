from django.urls import path

from gemcare.portals.jeweler import (
    claims,
    claims_actions,
    claims_new,
    keys,
    plan_actions,
    plans,
    sales,
    staff,
    views,
    webhooks,
)

app_name = "jeweler"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Selling, finding and the plan's page (plans.py, sales.py, plan_actions.py).
    path("sell", sales.sell, name="sell"),
    path("sell/offers", sales.sell_offers, name="sell_offers"),
    path("plans", plans.plan_find, name="plans"),
    path("plans/<str:number>", plans.plan_page, name="plan"),
    path("plans/<str:number>/refund-preview", plans.refund_preview_part, name="refund_preview"),
    path("plans/<str:number>/certificate.pdf", plans.certificate, name="certificate"),
    path("plans/<str:number>/return", plan_actions.plan_return, name="plan_return"),
    path("plans/<str:number>/cancel", plan_actions.plan_cancel, name="plan_cancel"),
    path("plans/<str:number>/transfer", plan_actions.plan_transfer, name="plan_transfer"),
    path("plans/<str:number>/pickup", plan_actions.plan_pickup, name="plan_pickup"),
    # Claims (claims_new.py, claims.py, claims_actions.py).
    path("plans/<str:number>/claims/new", claims_new.claim_new, name="claim_new"),
    path("claims", claims.claim_list, name="claims"),
    path("claims/<str:number>", claims.claim_page, name="claim"),
    path("claims/<str:number>/photos", claims.claim_photos, name="claim_photos"),
    path("claims/<str:number>/photos/<int:photo_id>", claims.claim_photo, name="claim_photo"),
    path("claims/<str:number>/route", claims_actions.claim_route_view, name="claim_route"),
    path("claims/<str:number>/complete", claims_actions.claim_complete, name="claim_complete"),
    path(
        "claims/<str:number>/review-request",
        claims_actions.claim_ask_review,
        name="claim_review_request",
    ),
    # Managers only (staff.py, keys.py, webhooks.py).
    path("staff", staff.staff_list, name="staff"),
    path("staff/new", staff.staff_new, name="staff_new"),
    path("staff/<int:staff_id>/deactivate", staff.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:staff_id>/invite", staff.staff_invite, name="staff_invite"),
    path("welcome/<uidb64>/<token>/", staff.staff_set_password, name="staff_set_password"),
    path("welcome/done", staff.staff_password_done, name="staff_password_done"),
    path("keys", keys.key_list, name="keys"),
    path("keys/new", keys.key_new, name="key_new"),
    path("keys/<int:key_id>/revoke", keys.key_revoke, name="key_revoke"),
    path("webhooks", webhooks.endpoint_list, name="webhooks"),
    path("webhooks/new", webhooks.endpoint_new, name="webhook_new"),
    path("webhooks/<int:endpoint_id>", webhooks.endpoint_detail, name="webhook"),
    path(
        "webhooks/<int:endpoint_id>/disable",
        webhooks.endpoint_disable_view,
        name="webhook_disable",
    ),
    path(
        "webhooks/deliveries/<str:webhook_id>/replay",
        webhooks.delivery_replay_view,
        name="webhook_replay",
    ),
]
