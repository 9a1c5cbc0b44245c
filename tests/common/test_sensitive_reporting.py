"""No SSN, date of birth or bank account on an error page (DEBUG on or off) or in a log."""

import datetime as dt
import io
import logging
import sys

import pytest
from django.test import RequestFactory
from django.views.debug import (
    ExceptionReporter,
    SafeExceptionReporterFilter,
    technical_500_response,
)

from gemcare.common.reporting import SensitiveDataFilter, SensitiveDataLogFilter
from gemcare.contracts.models import Holder
from gemcare.contracts.schemas import HolderIn
from gemcare.insurance.models import NamedInsured

# Assembled, so that the source lines an error page quotes around a frame never hold them.
SSN = "-".join(["123", "45", "6789"])
BIRTH = dt.date(1980, 4, 5).isoformat()
BANK_ACCOUNT = "000" + "123456789"
INSURED_BIRTH = dt.date(1975, 11, 23).isoformat()
SECRETS = [SSN, BIRTH, BANK_ACCOUNT, INSURED_BIRTH, repr(dt.date(1980, 4, 5))]


def _encrypt(value: str) -> str:
    """Where a value passed down under an innocent name ends up (a field's own code)."""
    raise RuntimeError("the database went away")


def _save_holder(holder_values: dict) -> None:
    changes = dict(holder_values)  # noqa: F841  (a local the page would show)
    holder = Holder(name="Ada Holder", state="OK", **holder_values)  # noqa: F841
    insured = NamedInsured(name="Ivy Insured", date_of_birth=INSURED_BIRTH)  # noqa: F841
    schema = HolderIn(  # noqa: F841
        name="Ada Holder", state="OK", ssn=SSN, bank_account=BANK_ACCOUNT, date_of_birth=BIRTH
    )
    ssn = holder_values["ssn"]  # noqa: F841
    birthday = dt.date(1980, 4, 5)  # noqa: F841
    _encrypt(holder_values["bank_account"])


def _raised() -> tuple:
    try:
        _save_holder({"ssn": SSN, "date_of_birth": BIRTH, "bank_account": BANK_ACCOUNT})
    except RuntimeError:
        return sys.exc_info()
    raise AssertionError("nothing was raised")


def _request():
    return RequestFactory().post(
        "/admin/contracts/holder/1/change/",
        {"name": "Ada Holder", "ssn": SSN, "date_of_birth": BIRTH, "bank_account": BANK_ACCOUNT},
    )


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.mark.parametrize("debug", [True, False])
def test_the_technical_500_page_shows_no_sensitive_value(settings, debug):
    settings.DEBUG = debug
    exc_type, exc_value, tb = _raised()

    response = technical_500_response(_request(), exc_type, exc_value, tb)

    page = response.content.decode()
    assert "the database went away" in page  # it is the page, with its frames
    assert "_save_holder" in page
    assert _leaks(page) == []


def test_the_plain_text_report_shows_no_sensitive_value(settings):
    settings.DEBUG = True
    exc_type, exc_value, tb = _raised()

    text = ExceptionReporter(_request(), exc_type, exc_value, tb).get_traceback_text()

    assert "_encrypt" in text
    assert _leaks(text) == []


def test_the_filter_is_the_one_django_uses():
    from django.views.debug import get_default_exception_reporter_filter

    assert isinstance(get_default_exception_reporter_filter(), SensitiveDataFilter)


def test_the_filter_keeps_what_is_not_sensitive():
    *_, tb = _raised()
    frame = tb.tb_next.tb_frame  # _save_holder's frame

    shown = dict(SensitiveDataFilter().get_traceback_frame_variables(None, frame))

    assert shown["changes"]["ssn"] == SensitiveDataFilter.cleansed_substitute
    assert shown["ssn"] == SensitiveDataFilter.cleansed_substitute
    assert shown["birthday"] == SensitiveDataFilter.cleansed_substitute
    assert repr(shown["holder"]) == "<Holder: Ada Holder>"


def _logged(*args, exc_info=None) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SensitiveDataLogFilter())
    logger = logging.getLogger("gemcare.tests.reporting")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error(*args, exc_info=exc_info)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_log_record_carries_no_sensitive_value():
    holder = {"name": "Ada", "ssn": SSN, "date_of_birth": BIRTH, "bank_account": BANK_ACCOUNT}

    logged = _logged("holder %s could not be saved, SSN was %s", holder, SSN)

    assert "Ada" in logged
    assert _leaks(logged) == []


def test_a_logged_traceback_carries_no_ssn():
    try:
        raise ValueError(f"bad row {SSN}")
    except ValueError:
        logged = _logged("import failed", exc_info=sys.exc_info())

    assert "ValueError" in logged
    assert SSN not in logged


def test_every_configured_handler_of_a_request_error_is_filtered(settings):
    from django.utils.log import configure_logging

    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    handlers = []
    logger = logging.getLogger("django.request")
    while logger is not None:
        handlers += [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None

    assert len(handlers) >= 2
    for handler in handlers:
        assert any(isinstance(f, SensitiveDataLogFilter) for f in handler.filters), handler


def test_without_the_filter_the_page_would_show_them(settings):
    """The control: Django's own filter, with DEBUG on, shows every one of them."""
    settings.DEBUG = True
    exc_type, exc_value, tb = _raised()
    reporter = ExceptionReporter(_request(), exc_type, exc_value, tb)
    reporter.filter = SafeExceptionReporterFilter()

    page = reporter.get_traceback_html()

    assert set(_leaks(page)) >= {SSN, BIRTH, BANK_ACCOUNT}
