"""The jeweler portal's tests: tasks (emails) run at once when a test lets the commit's
callbacks run (`django_capture_on_commit_callbacks(execute=True)`)."""

import pytest

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = IMMEDIATE
