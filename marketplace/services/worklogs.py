"""Work logs: the freelancer's daily note per contract (what was done, what blocks). The client reads them."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from megilance.api.exceptions import ApplicationError, Forbidden

from ..models import Contract, ContractStatus, WorkLog

WORK_LOG_FIELDS = ("date", "hours_worked", "tasks_completed", "blockers", "notes")
# Logging is for days that have begun somewhere on Earth: UTC+14 is a day ahead of UTC.
FUTURE_TOLERANCE = datetime.timedelta(days=1)


def _check_date(day: datetime.date) -> None:
    if day > (timezone.now() + FUTURE_TOLERANCE).date():
        raise ApplicationError("A work log is written for a day that has started.",
                               errors={"date": ["In the future."]})


def _duplicate() -> ApplicationError:
    return ApplicationError("There is already a work log for this day on this contract; edit that one.",
                            code="duplicate_work_log", errors={"date": ["Already logged."]})


@transaction.atomic
def work_log_create(*, contract: Contract, actor: User, date: datetime.date, hours_worked,
                    tasks_completed: str = "", blockers: str = "", notes: str = "") -> WorkLog:
    if actor.pk != contract.freelancer_id:
        raise Forbidden("Only the contract's freelancer writes its work logs.")
    if contract.status not in (ContractStatus.ACTIVE, ContractStatus.PAUSED):
        raise ApplicationError("Work logs are written on active contracts.", code="contract_not_active",
                               errors={"contract_id": ["The contract is not active."]})
    _check_date(date)
    try:
        with transaction.atomic():
            return WorkLog.objects.create(contract=contract, user=actor, date=date, hours_worked=hours_worked,
                                          tasks_completed=tasks_completed, blockers=blockers, notes=notes)
    except IntegrityError:
        raise _duplicate() from None


@transaction.atomic
def work_log_update(*, log: WorkLog, actor: User, data: dict) -> WorkLog:
    if actor.pk != log.user_id:
        raise Forbidden("Only the freelancer who wrote the log edits it.")
    unknown = set(data) - set(WORK_LOG_FIELDS)
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.",
                               errors={name: ["Cannot be changed."] for name in sorted(unknown)})
    if "date" in data:
        _check_date(data["date"])
    for name, value in data.items():
        setattr(log, name, value)
    try:
        with transaction.atomic():
            log.save()
    except IntegrityError:
        raise _duplicate() from None
    return log


@transaction.atomic
def work_log_delete(*, log: WorkLog, actor: User) -> None:
    if actor.pk != log.user_id:
        raise Forbidden("Only the freelancer who wrote the log deletes it.")
    log.delete()
