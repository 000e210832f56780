"""Local development: `make run`. SQLite, eager Celery, console email, files on disk."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
