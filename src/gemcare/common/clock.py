"""Today's date in the provider's time zone: the one place services ask what day it is."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
