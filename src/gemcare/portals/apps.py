from django.apps import AppConfig


class PortalsConfig(AppConfig):
    name = "gemcare.portals"
    label = "portals"
    verbose_name = "Portals"
