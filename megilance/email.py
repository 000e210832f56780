"""The one way to send an email: a text and an HTML template, rendered and sent by Celery after the commit."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from .celery import app


def render_email(template: str, context: dict) -> tuple[str, str, str | None]:
    """Render `templates/emails/<template>_subject.txt`, `.txt` and (optional) `.html`."""
    context = {"site_url": settings.SITE_URL, **context}
    # One line: a subject quoting user text (a ticket title with a newline) must not break the header.
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    text = render_to_string(f"emails/{template}.txt", context)
    try:
        html = render_to_string(f"emails/{template}.html", context)
    except TemplateDoesNotExist:
        html = None
    return subject, text, html


@app.task(name="megilance.send_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email_task(*, to: list[str], template: str, context: dict) -> int:
    subject, text, html = render_email(template, context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def send_email(*, to: str | list[str], template: str, context: dict | None = None) -> None:
    """Queue an email once the current transaction commits (immediately outside one)."""
    recipients = [to] if isinstance(to, str) else list(to)
    payload = {"to": recipients, "template": template, "context": context or {}}
    transaction.on_commit(lambda: send_email_task.delay(**payload))
