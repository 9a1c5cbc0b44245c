"""For tests: sign a test client in as someone whose session passed the second factor.

    from gemcare.portals.testing import verified_login
    verified_login(client, user)   # instead of client.force_login(user)

The back office and the admin open only to a verified session (portals.accounts); this
gives the user a confirmed authenticator device (if they have none) and marks the test
client's session as verified by it, as a real sign-in with a code would.
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def verified_login(client, user) -> TOTPDevice:
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test device", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
