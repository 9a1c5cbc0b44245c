from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "gemcare.partners"
    label = "partners"
    verbose_name = "Provider, retailers and repair centers"
