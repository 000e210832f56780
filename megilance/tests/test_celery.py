"""Background work: eager in-process without Redis, a real worker with it."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from megilance.celery import app, ping

BASE_DIR = Path(settings.BASE_DIR)


def _settings_in_a_fresh_process(**env) -> dict:
    """Load megilance.settings.local in a new interpreter, as `make run` and `make worker` do."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
        "'backend': s.CELERY_RESULT_BACKEND}))"
    )
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "megilance.settings.local", **env}
    out = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=environ, capture_output=True, text=True,
                         timeout=60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_without_redis_tasks_run_eagerly_in_process():
    config = _settings_in_a_fresh_process(REDIS_URL="")

    assert config == {"eager": True, "broker": "memory://", "backend": "cache+memory://"}


def test_with_redis_tasks_go_to_the_broker():
    config = _settings_in_a_fresh_process(REDIS_URL="redis://127.0.0.1:6379/3")

    assert config == {"eager": False, "broker": "redis://127.0.0.1:6379/3", "backend": "redis://127.0.0.1:6379/3"}


def test_tasks_of_every_app_are_registered():
    app.loader.import_default_modules()

    assert {"megilance.ping", "megilance.send_email"} <= set(app.tasks)


def test_ping_runs_eagerly_in_tests():
    assert ping.delay("hello").get(timeout=1) == "hello"


@pytest.mark.redis
@pytest.mark.slow
def test_a_real_worker_runs_ping_against_redis_and_returns_the_result():
    # A private queue, so that a worker of another test run on the same Redis cannot take the task.
    queue = f"megilance-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "megilance.settings.local",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "megilance", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel=warning"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        result = ping.apply_async(args=["hello from the test"], queue=queue)
        assert result.get(timeout=60) == "hello from the test"
        assert result.status == "SUCCESS"
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert "Traceback" not in output, output
