from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "gemcare.contracts"
    label = "contracts"
