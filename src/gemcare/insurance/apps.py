from django.apps import AppConfig


class InsuranceConfig(AppConfig):
    name = "gemcare.insurance"
    label = "insurance"
