"""Settings for the test suite: the project's settings, with DEBUG's development keys.

pytest-django imports the settings before any conftest.py runs, so DEBUG cannot be turned on
from there; this module turns it on (unless the environment already chose) and then reads
config.settings. A DEBUG set in the environment wins. (Django runs each test with
settings.DEBUG False anyway: what this decides is which keys' defaults are allowed.)
"""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: F403

# The tests' webhook receivers listen on 127.0.0.1 over plain http; the tests of the address
# check turn this off for themselves.
GEMCARE_WEBHOOKS_ALLOW_HTTP = True
GEMCARE_WEBHOOKS_ALLOW_PRIVATE = True
