"""URLs of the policy pages; included by the portal's urls module under `/office/insurance/`."""

from django.urls import path

from gemcare.portals.office.insurance import (
    policy_changes,
    policy_files,
    policy_list,
    policy_new,
    policy_pages,
)

urlpatterns = [
    path("policies", policy_list.policy_list, name="policies"),
    path("policies/new", policy_new.policy_new, name="policy_new"),
    path("policies/new/quote", policy_new.policy_quote_live, name="policy_quote"),
    path("policies/<str:number>", policy_pages.policy_page, name="policy"),
    path(
        "policies/<str:number>/declarations.pdf",
        policy_pages.policy_declarations,
        name="policy_declarations",
    ),
    path("policies/<str:number>/items/new", policy_changes.policy_item_add, name="policy_item_add"),
    path(
        "policies/<str:number>/items/<str:ref>/change",
        policy_changes.policy_item_change,
        name="policy_item_change",
    ),
    path(
        "policies/<str:number>/items/<str:ref>/remove",
        policy_changes.policy_item_remove,
        name="policy_item_remove",
    ),
    path("policies/<str:number>/cancel", policy_changes.policy_cancel_page, name="policy_cancel"),
    path("policies/<str:number>/payments", policy_changes.policy_payment, name="policy_payment"),
    path(
        "policies/<str:number>/newly-acquired",
        policy_changes.policy_newly_acquired,
        name="policy_newly_acquired",
    ),
    path(
        "policies/<str:number>/items/<str:ref>/files",
        policy_files.policy_item_file_add,
        name="policy_item_file_add",
    ),
    path(
        "policies/<str:number>/files/<int:file_id>",
        policy_files.policy_item_file,
        name="policy_item_file",
    ),
]
