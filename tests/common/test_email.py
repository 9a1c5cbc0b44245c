"""Emails are rendered in the change's transaction and sent by the task worker once it
commits: never for a change rolled back, always with a text and an HTML part."""

import pytest
from django.core import mail
from django.db import transaction
from django.template import TemplateDoesNotExist

from gemcare.common.email import Attachment, email_deliver_task, email_render, email_send

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
CODE = {"code": "482913", "minutes": 10, "name": "Ada <Holder> & Co"}


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = IMMEDIATE


def test_the_one_time_code_has_a_subject_a_text_and_an_html_part():
    subject, text, html = email_render("one_time_code", CODE)

    assert subject == "Your Gemcare sign-in code: 482913"
    assert "482913" in text and "10 minutes" in text
    assert "Ada <Holder> & Co" in text  # plain text is not HTML-escaped
    assert "Ada &lt;Holder&gt; &amp; Co" in html and "<Holder>" not in html
    assert html.lstrip().startswith("<!doctype html>") and "482913" in html


@pytest.mark.django_db(transaction=True)
def test_it_is_sent_after_the_commit_and_not_before():
    with transaction.atomic():
        email_send(to="ada@example.com", template="one_time_code", context=CODE)
        assert mail.outbox == []  # nothing while the change is not committed

    (sent,) = mail.outbox
    assert sent.to == ["ada@example.com"]
    assert sent.subject == "Your Gemcare sign-in code: 482913"
    assert "482913" in sent.body
    ((html, kind),) = sent.alternatives
    assert kind == "text/html" and "482913" in html
    assert sent.from_email == "Gemcare <no-reply@gemcare.example>"


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_for_a_change_rolled_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        email_send(to="ada@example.com", template="one_time_code", context=CODE)
        raise RuntimeError("the change failed")
    with transaction.atomic():
        pass  # a later commit does not send it either

    assert mail.outbox == []


@pytest.mark.django_db
def test_the_task_is_queued_with_the_finished_message(settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    backend = email_deliver_task.get_backend()
    backend.clear()

    with django_capture_on_commit_callbacks(execute=True):
        email_send(
            to=["ada@example.com"],
            template="one_time_code",
            context=CODE,
            attachments=[("certificate.pdf", b"%PDF-1.7 test", "application/pdf")],
        )

    (queued,) = backend.results
    (message,) = queued.args
    assert message["to"] == ["ada@example.com"] and message["subject"].endswith("482913")
    assert message["attachments"][0]["filename"] == "certificate.pdf"
    assert mail.outbox == []  # the page did not send it: the worker will


@pytest.mark.django_db
def test_attachments_arrive_as_sent(django_capture_on_commit_callbacks):
    content = bytes(range(256)) * 4

    with django_capture_on_commit_callbacks(execute=True):
        email_send(
            to="ada@example.com",
            template="one_time_code",
            context=CODE,
            attachments=[Attachment("certificate.pdf", content, "application/pdf")],
        )

    ((name, body, kind),) = mail.outbox[0].attachments
    assert (name, body, kind) == ("certificate.pdf", content, "application/pdf")


def test_attachments_too_big_for_the_task_row_are_refused(settings):
    settings.EMAIL_ATTACHMENTS_MAX_BYTES = 10

    with pytest.raises(ValueError, match="pass a reference"):
        email_send(
            to="ada@example.com",
            template="one_time_code",
            context=CODE,
            attachments=[("big.pdf", b"x" * 11, "application/pdf")],
        )


@pytest.mark.parametrize(
    "to", ["", [], ["  "], ["a@example.com\nBcc: b@example.com"], ["x@example.com"] * 51]
)
def test_recipients_must_be_real_addresses(to):
    with pytest.raises(ValueError):
        email_send(to=to, template="one_time_code", context=CODE)


def test_an_email_without_both_templates_fails_at_once():
    with pytest.raises(TemplateDoesNotExist):
        email_send(to="ada@example.com", template="no_such_email", context={})


def test_a_subject_is_one_line_whatever_the_context_holds():
    subject, _, _ = email_render("one_time_code", {**CODE, "code": "1\r\nBcc: x@example.com"})

    assert "\n" not in subject and "\r" not in subject
