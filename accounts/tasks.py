from celery import shared_task

from . import privacy_services


@shared_task(name="accounts.build_data_export", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_data_export(export_id: int) -> str:
    return privacy_services.data_export_build(export_id=export_id).status


@shared_task(name="accounts.expire_data_exports")
def expire_data_exports() -> int:
    return privacy_services.data_exports_expire()
