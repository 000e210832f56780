import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import AccountPurpose, Payment, PaymentType, Payout, PayoutFrequency, PayoutStatus
from billing.services.escrow import escrow_release
from billing.services.ledger import balance_of
from billing.services.payments import payment_mature, payments_mature_due
from billing.services.payouts import (
    next_payout_run,
    payout_mark_failed,
    payout_mark_paid,
    payout_request,
    payout_schedule_set,
    payouts_run_scheduled,
)
from megilance.api.exceptions import ApplicationError

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def later(days):
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def released(funded_escrow, client_user):
    return escrow_release(escrow=funded_escrow, actor=client_user)


def test_earnings_mature_after_the_security_period(released, freelancer, settings):
    assert released.available_at.date() == (released.completed_at + datetime.timedelta(
        days=settings.SECURITY_PERIOD_DAYS)).date()
    assert payments_mature_due(now=later(settings.SECURITY_PERIOD_DAYS - 1)) == 0
    with pytest.raises(ApplicationError):
        payment_mature(payment=released)
    assert payments_mature_due(now=later(settings.SECURITY_PERIOD_DAYS + 1)) == 1
    assert balance_of(purpose=AccountPurpose.FREELANCER_PENDING, currency="USD", user=freelancer) == 0
    assert balance_of(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency="USD", user=freelancer) == Decimal("450")
    # Maturing runs once.
    assert payments_mature_due(now=later(30)) == 0
    payment_mature(payment=released, now=later(30))
    assert balance_of(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency="USD", user=freelancer) == Decimal("450")


def test_mature_task_uses_the_clock(released, freelancer, settings):
    from billing.tasks import mature_pending_earnings

    Payment.objects.filter(pk=released.pk).update(available_at=timezone.now() - datetime.timedelta(seconds=1))
    assert mature_pending_earnings() == 1


@pytest.mark.parametrize("frequency,after,expected", [
    (PayoutFrequency.WEEKLY, datetime.datetime(2026, 11, 26, 15, 0, tzinfo=UTC), datetime.date(2026, 11, 30)),
    (PayoutFrequency.WEEKLY, datetime.datetime(2026, 11, 30, 0, 0, tzinfo=UTC), datetime.date(2026, 12, 7)),
    (PayoutFrequency.TWICE_MONTHLY, datetime.datetime(2026, 11, 3, tzinfo=UTC), datetime.date(2026, 11, 15)),
    (PayoutFrequency.TWICE_MONTHLY, datetime.datetime(2026, 11, 15, 1, tzinfo=UTC), datetime.date(2026, 12, 1)),
    (PayoutFrequency.TWICE_MONTHLY, datetime.datetime(2026, 12, 20, tzinfo=UTC), datetime.date(2027, 1, 1)),
    (PayoutFrequency.MONTHLY, datetime.datetime(2026, 1, 31, tzinfo=UTC), datetime.date(2026, 2, 1)),
    (PayoutFrequency.MONTHLY, datetime.datetime(2026, 2, 1, 9, tzinfo=UTC), datetime.date(2026, 3, 1)),
])
def test_next_payout_day(frequency, after, expected):
    run = next_payout_run(frequency=frequency, after=after)
    assert run.date() == expected and run.time() == datetime.time.min


def test_scheduled_payout_pays_when_the_minimum_is_reached(released, freelancer):
    payments_mature_due(now=later(30))
    schedule = payout_schedule_set(freelancer=freelancer, frequency=PayoutFrequency.WEEKLY,
                                   minimum_amount=Decimal("500"))
    # Not due yet.
    assert payouts_run_scheduled() == 0
    # Due, but 450 is below the minimum of 500: it waits for the next run.
    assert payouts_run_scheduled(now=schedule.next_run_at) == 0
    schedule.refresh_from_db()
    assert schedule.last_run_at is not None
    payout_schedule_set(freelancer=freelancer, frequency=PayoutFrequency.WEEKLY, minimum_amount=Decimal("100"))
    schedule.refresh_from_db()
    assert payouts_run_scheduled(now=schedule.next_run_at) == 1
    payout = Payout.objects.get()
    assert payout.amount == Decimal("450") and payout.schedule_id == schedule.pk and payout.status == "paid"
    # The same run again pays nothing more.
    assert payouts_run_scheduled(now=schedule.next_run_at - datetime.timedelta(seconds=1)) == 0


def test_scheduled_payouts_task(released, freelancer):
    from billing.models import PayoutSchedule
    from billing.tasks import run_scheduled_payouts

    payments_mature_due(now=later(30))
    schedule = payout_schedule_set(freelancer=freelancer, frequency=PayoutFrequency.MONTHLY, minimum_amount=0)
    PayoutSchedule.objects.filter(pk=schedule.pk).update(next_run_at=timezone.now() - datetime.timedelta(hours=1))
    assert run_scheduled_payouts() == 1


def test_inactive_schedule_does_nothing(released, freelancer):
    payments_mature_due(now=later(30))
    schedule = payout_schedule_set(freelancer=freelancer, frequency="weekly", minimum_amount=0, is_active=False)
    assert payouts_run_scheduled(now=schedule.next_run_at) == 0


def test_payout_pending_at_the_provider_then_paid(released, freelancer, remote_gateway,
        django_capture_on_commit_callbacks):
    payments_mature_due(now=later(30))
    with django_capture_on_commit_callbacks(execute=True):
        payout = payout_request(freelancer=freelancer, amount=Decimal("100"))
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PROCESSING and payout.gateway_reference == f"tr_payout-{payout.pk}"
    assert remote_gateway.calls[-1][1]["payee"] == freelancer
    payout_mark_paid(reference=payout.gateway_reference)
    payout_mark_paid(reference=payout.gateway_reference)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID and payout.payment.status == "completed"
    assert balance_of(purpose=AccountPurpose.PAYOUTS, currency="USD", user=freelancer) == Decimal("100")


def test_failed_payout_returns_the_money(released, freelancer, remote_gateway,
        django_capture_on_commit_callbacks):
    payments_mature_due(now=later(30))
    with django_capture_on_commit_callbacks(execute=True):
        payout = payout_request(freelancer=freelancer)
    payout.refresh_from_db()
    assert balance_of(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency="USD", user=freelancer) == 0
    payout_mark_failed(reference=payout.gateway_reference, reason="account closed")
    payout_mark_failed(reference=payout.gateway_reference, reason="again")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED and payout.failure_reason == "account closed"
    assert balance_of(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency="USD", user=freelancer) == Decimal("450")
    assert Payment.objects.get(payment_type=PaymentType.PAYOUT).status == "failed"


def test_payout_declined_at_once_returns_the_money(released, freelancer, remote_gateway,
        django_capture_on_commit_callbacks):
    payments_mature_due(now=later(30))
    remote_gateway.payout_status = "failed"
    with django_capture_on_commit_callbacks(execute=True):
        payout = payout_request(freelancer=freelancer)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED
    assert balance_of(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency="USD", user=freelancer) == Decimal("450")


def test_unanswered_payout_stays_processing(released, freelancer, remote_gateway,
        django_capture_on_commit_callbacks):
    from billing.gateways.base import GatewayError

    payments_mature_due(now=later(30))
    remote_gateway.raise_error = GatewayError("timeout")
    with django_capture_on_commit_callbacks(execute=True):
        payout = payout_request(freelancer=freelancer)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PROCESSING
    assert balance_of(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency="USD", user=freelancer) == 0
