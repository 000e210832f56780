"""Celery jobs of the uploads package: fetch, call a service. Each is safe to run again."""

from celery import shared_task

from . import services


@shared_task(name="uploads.expire_unconfirmed")
def expire_unconfirmed() -> int:
    return services.upload_expire_unconfirmed()


@shared_task(name="uploads.rescan_held")
def rescan_held() -> dict:
    return services.upload_rescan_held()


@shared_task(name="accounts.backup_db")
def backup_db() -> str:
    from .backups import backup_create

    return backup_create()
