"""megilance.email.send_email: rendered from templates, handed to Celery only once the transaction commits."""

import pytest
from django.core import mail
from django.db import transaction

from megilance.email import render_email, send_email

CONTEXT = {"name": "Ada", "role": "freelancer", "email": "ada@example.com"}


def test_render_email_reads_subject_text_and_html_templates():
    subject, text, html = render_email("welcome", CONTEXT)

    assert subject == "Welcome to MegiLance, Ada"
    assert "\n" not in subject
    assert "Ada" in text and "proposal" in text
    assert html is not None and "<html" in html
    assert "http" in text  # links carry the site URL


@pytest.mark.django_db
def test_an_email_inside_a_transaction_is_sent_only_at_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_email(to="ada@example.com", template="welcome", context=CONTEXT)
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert message.subject == "Welcome to MegiLance, Ada"
    assert message.alternatives[0][1] == "text/html"


@pytest.mark.django_db(transaction=True)
def test_an_email_is_sent_after_a_real_commit_and_not_after_a_rollback():
    with transaction.atomic():
        send_email(to=["ada@example.com", "bob@example.com"], template="welcome", context=CONTEXT)
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com", "bob@example.com"]

    with pytest.raises(RuntimeError), transaction.atomic():
        send_email(to="carol@example.com", template="welcome", context=CONTEXT)
        raise RuntimeError("the surrounding work failed")
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_email_goes_at_once():
    send_email(to="ada@example.com", template="welcome", context=CONTEXT)

    assert len(mail.outbox) == 1
