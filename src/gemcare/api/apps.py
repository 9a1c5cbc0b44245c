from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gemcare.api"
    label = "api"
    verbose_name = "Partner API"
