"""The email channel on a real Celery worker: Redis as broker, PostgreSQL shared with the worker, a real SMTP
server reading the message back."""

import email
import os
import socket
import subprocess
import sys
import time
import uuid
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from engagement import tasks
from engagement.tests.factories import NotificationFactory
from megilance.celery import app

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_real_worker_delivers_a_notification_email(client_user):
    inbox, port = Inbox(), _free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    note = NotificationFactory(user=client_user, notification_type="milestone_submitted",
                               title="Work submitted for review: Wireframes", message="Approve or ask for changes.")
    db = connection.settings_dict
    queue = f"megilance-test-{uuid.uuid4().hex[:12]}"  # private, so no other worker takes the task
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "megilance.settings.local",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "megilance", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel=warning"],
        cwd=Path(settings.BASE_DIR), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        result = tasks.send_notification_email.apply_async(args=[note.pk], queue=queue)
        assert result.get(timeout=60) == 1
        deadline = time.monotonic() + 10
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        smtp.stop()
    assert "Traceback" not in output, output
    assert len(inbox.messages) == 1
    parsed = email.message_from_bytes(inbox.messages[0].content, policy=policy.default)
    assert parsed["To"] == client_user.email
    assert parsed["Subject"] == "Work submitted for review: Wireframes"
    assert "Approve or ask for changes." in parsed.get_body(("plain",)).get_content()
    note.refresh_from_db()
    assert note.emailed_at is not None
