from django.urls import include, path

from gemcare.portals.office import claims, refunds, search, views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/queue", claims.claim_queue, name="claim_queue"),
    path("claims/<str:number>", claims.claim_page, name="claim"),
    path("claims/<str:number>/review", claims.claim_decide, name="claim_decide"),
    path("claims/<str:number>/photos/<int:photo_id>", claims.claim_photo, name="claim_photo"),
    path("refunds", refunds.refund_list, name="refunds"),
    path("refunds/<int:cancellation_id>/pay", refunds.refund_pay, name="refund_pay"),
    path("search", search.search, name="search"),
    # Insurance: policies (their lifecycle) and losses (with the deadlines board).
    path("insurance/", include("gemcare.portals.office.insurance.policy_urls")),
    path("insurance/", include("gemcare.portals.office.insurance.loss_urls")),
]
