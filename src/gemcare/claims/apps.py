from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "gemcare.claims"
    label = "claims"
