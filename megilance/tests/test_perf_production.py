"""The production recipe: the deployment checks pass with a complete production environment, and the gunicorn
config and the Procfile start what exists."""

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "megilance.settings.production",
    "DJANGO_ALLOWED_HOSTS": "megilance.example.com",
    "DATABASE_URL": "postgres://megilance@db.internal:5432/megilance",
    "DATABASE_REPLICA_URL": "postgres://megilance@replica.internal:5432/megilance",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "AWS_STORAGE_BUCKET_NAME": "megilance-files",
    "EMAIL_PROVIDER": "sendgrid",
    "CLAMD_HOST": "clamd.internal",
    "UPLOAD_SCAN_REQUIRED": "1",
    "PAYMENT_GATEWAY": "stripe",
    "CELERY_SPLIT_QUEUES": "1",
}


def test_check_deploy_reports_nothing_with_the_production_environment():
    # The browser tests' fixture allows async-unsafe ORM calls in this process; a deployment never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**inherited, **PRODUCTION_ENV, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_gunicorn_config_reads_its_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:8123")
    config = runpy.run_path(str(BASE_DIR / "deploy" / "gunicorn.conf.py"))

    assert config["workers"] == 3
    assert config["bind"] == "127.0.0.1:8123"
    assert config["timeout"] == 30 and config["max_requests"] > 0
    assert callable(config["post_fork"])


def test_procfile_runs_one_worker_per_routed_queue_and_one_beat():
    lines = [line for line in (BASE_DIR / "deploy" / "Procfile").read_text().splitlines()
             if line and not line.startswith("#")]
    processes = dict(line.split(":", 1) for line in lines)
    queues = {m.group(1) for m in re.finditer(r"-Q (\w+)", (BASE_DIR / "deploy" / "Procfile").read_text())}
    routed = {"money", "notifications", "documents", "default"}

    assert "gunicorn -c deploy/gunicorn.conf.py megilance.wsgi" in processes["web"]
    assert queues == routed
    assert sum("celery -A megilance beat" in command for command in processes.values()) == 1


def test_split_queues_route_money_tasks_apart_from_emails():
    code = ("import django, os; django.setup(); from django.conf import settings as s; "
            "from celery.app.routes import MapRoute; r = MapRoute(s.CELERY_TASK_ROUTES); "
            "print(r('billing.auto_release_escrow')['queue'], r('engagement.send_notification_email')['queue'], "
            "r('billing.build_invoice_pdf')['queue'], s.CELERY_TASK_DEFAULT_QUEUE)")
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "megilance.settings.local",
           "CELERY_SPLIT_QUEUES": "1"}
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                            timeout=60)

    assert result.stdout.split() == ["money", "notifications", "documents", "default"], result.stderr
