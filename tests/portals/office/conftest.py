"""The back office's tests: tasks (emails) run at once when a test lets the commit's
callbacks run (`django_capture_on_commit_callbacks(execute=True)`), and uploads go to a
folder of the test's own."""

import pytest

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
