from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "gemcare.catalog"
    label = "catalog"
    verbose_name = "Product catalog"
