from django.urls import path

from gemcare.portals.office import views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
]
