"""URLs of the loss pages; included by the portal's urls module."""

from django.urls import path

from gemcare.portals.customer.insurance import loss_views

urlpatterns: list = [
    path("<str:number>/losses/new", loss_views.policy_loss_new, name="policy_loss_new"),
    path("<str:number>/losses/<int:loss_id>", loss_views.policy_loss, name="policy_loss"),
    path(
        "<str:number>/losses/<int:loss_id>/files",
        loss_views.policy_loss_files,
        name="policy_loss_files",
    ),
    path(
        "<str:number>/losses/<int:loss_id>/files/<int:file_id>",
        loss_views.policy_loss_file,
        name="policy_loss_file",
    ),
]
