from django.urls import path

from gemcare.portals.customer import views

app_name = "customer"

urlpatterns = [
    path("", views.home, name="home"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
]
