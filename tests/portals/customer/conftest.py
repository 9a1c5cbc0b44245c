import pytest

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def customer_site_settings(settings):
    """Emails are sent by the task at once; the sign-in answer does not wait its floor."""
    settings.TASKS = IMMEDIATE
    settings.GEMCARE_CUSTOMER_SIGN_IN_SECONDS = 0
