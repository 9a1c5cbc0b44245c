from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "gemcare.common"
    label = "common"
    verbose_name = "Audit and shared records"

    def ready(self) -> None:
        from gemcare.common import checks  # noqa: F401  (registers the deployment checks)
