from django.apps import AppConfig


class ScenariosConfig(AppConfig):
    name = "gemcare.scenarios"
    label = "scenarios"
