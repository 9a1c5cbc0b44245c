from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "gemcare.common"
    label = "common"
    verbose_name = "Audit and shared records"
