from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "gemcare.webhooks"
    label = "webhooks"
