"""URLs of the loss pages and the deadlines board; included by the portal's urls module."""

from django.urls import path

from gemcare.portals.office.insurance import deadlines, loss_pages

urlpatterns: list = [
    path("policies/<str:number>/losses/new", loss_pages.loss_new, name="loss_new"),
    path("losses/<int:loss_id>", loss_pages.loss_page, name="loss"),
    path("losses/<int:loss_id>/files", loss_pages.loss_files, name="loss_files"),
    path("losses/<int:loss_id>/files/<int:file_id>", loss_pages.loss_file, name="loss_file"),
    path("losses/<int:loss_id>/<slug:step>", loss_pages.loss_step, name="loss_step"),
    path("deadlines", deadlines.deadlines_board, name="deadlines"),
]
