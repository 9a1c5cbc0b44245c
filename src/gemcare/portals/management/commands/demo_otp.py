"""`gemcare demo-otp USERNAME`: the current second-factor code of a demo login.

Only with DEBUG on, and only for a device holding the demo's published secret
(gemcare.demo.DEMO_OTP_KEY): it can never print the code of a real person's device.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from gemcare.demo import DEMO_OTP_KEY


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo login (DEBUG only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("demo-otp gives the demo logins' codes: it runs only with DEBUG on.")
        user = get_user_model().objects.filter(username=username).first()
        device = (
            TOTPDevice.objects.filter(user=user, key=DEMO_OTP_KEY, confirmed=True).first()
            if user is not None
            else None
        )
        if device is None:
            raise CommandError(
                f"{username!r} is not a demo login with the demo's second factor "
                "(the provider's demo staff are: gemcare demo-logins)."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        now = time.time()
        totp.time = now
        left = device.step - int(now - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"(valid for {left} more seconds, and once only)")
