from django.urls import path

from gemcare.portals.jeweler import views

app_name = "jeweler"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
