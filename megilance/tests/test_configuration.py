"""Configuration: every variable the settings read is documented, and production settings pass Django's checks."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*f?["']([A-Z][A-Z0-9_]+)["']""")


def _variables_read_by_settings() -> set[str]:
    names = set()
    for module in (BASE_DIR / "megilance" / "settings").glob("*.py"):
        names |= set(ENV_READ.findall(module.read_text()))
    return names


def _variables_documented() -> set[str]:
    text = (BASE_DIR / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_the_settings_read_the_variables_we_expect():
    # Guards the pattern below: if it stopped matching, the next test would pass vacuously.
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "EMAIL_URL"} <= _variables_read_by_settings()


def test_every_variable_read_by_the_settings_is_in_env_example():
    missing = _variables_read_by_settings() - _variables_documented()

    assert not missing, f"add these to .env.example with a comment: {sorted(missing)}"


def test_env_example_documents_nothing_the_settings_do_not_read():
    # DJANGO_SETTINGS_MODULE is chosen by the environment before any settings module runs.
    stale = _variables_documented() - _variables_read_by_settings() - {"DJANGO_SETTINGS_MODULE"}

    assert not stale, f"remove these from .env.example or read them in settings: {sorted(stale)}"


def test_the_readme_opens_with_the_two_commands():
    readme = (BASE_DIR / "README.md").read_text()
    first_block = readme.split("```", 2)[1]

    assert [line for line in first_block.splitlines()[1:] if line.strip()] == ["make run", "make test"]


def test_production_settings_pass_the_deployment_checks():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "megilance.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "megilance.example.com",
    }
    result = subprocess.run(
        # The security checks only: the schema has its own test in test_schema.py.
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
