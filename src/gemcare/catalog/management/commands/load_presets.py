from django.core.management.base import BaseCommand

from gemcare.catalog.services import presets_load
from gemcare.common.callers import Caller


class Command(BaseCommand):
    help = "Publish the preset plan products and insurance rating (RULEBOOK §2 and §6)."

    def handle(self, *args, **options) -> None:
        loaded = presets_load(caller=Caller.system("presets"))
        if loaded:
            self.stdout.write(self.style.SUCCESS(f"Loaded presets: {', '.join(loaded)}"))
        else:
            self.stdout.write("Presets already loaded.")
