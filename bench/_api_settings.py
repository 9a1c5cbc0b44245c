"""Settings of the API benchmark's server: the production settings (config/settings.py) with
two bare endpoints beside the API (bench/_api_urls.py), served by the same processes so the
API is measured against them in the same run. Never a deployment's settings."""

import os

from config.settings import *  # noqa: F403
from config.settings import DATABASES

ROOT_URLCONF = "_api_urls"

# `bench/api.py --servers pool:4x2`: Django's psycopg pool in place of persistent connections
# (it needs psycopg_pool, and CONN_MAX_AGE 0), as large as a worker's threads.
if os.environ.get("BENCH_DATABASE_POOL"):
    _size = int(os.environ["BENCH_DATABASE_POOL"])
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": _size, "max_size": _size}
