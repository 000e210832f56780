"""Money under concurrency, on PostgreSQL with real threads: row locks (select_for_update in id order) must make
every action happen exactly once. Each thread has its own database connection and closes it when done."""

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from billing.models import AccountPurpose, Escrow, EscrowStatus, Payment, PaymentType, Payout, Refund
from billing.services.escrow import escrow_fund, escrow_release
from billing.services.ledger import balance_of
from billing.services.payments import payments_mature_due

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16


def _signed_in(api_as, user) -> dict:
    """The Authorization header of a real JWT for `user`, to give each thread its own client."""
    return {"HTTP_AUTHORIZATION": api_as(user)._credentials["HTTP_AUTHORIZATION"]}


def run_at_once(calls) -> list:
    """Start every call in its own thread, release them together, and return their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def post_from_threads(headers, path, bodies, extra=None):
    def call(body):
        return lambda: APIClient().post(path, body, format="json", **headers, **(extra or {})).status_code
    return run_at_once([call(body) for body in bodies])


def test_sixteen_releases_of_one_escrow_pay_once(api_as, client_user, freelancer, funded_escrow):
    statuses = post_from_threads(_signed_in(api_as, client_user), f"/api/escrow/{funded_escrow.pk}/release",
                                 [{}] * THREADS)
    assert Counter(statuses) == {200: 1, 409: THREADS - 1}, statuses
    assert Payment.objects.filter(payment_type=PaymentType.RELEASE).count() == 1
    assert balance_of(purpose=AccountPurpose.FREELANCER_PENDING, currency="USD", user=freelancer) == Decimal("450")
    assert Escrow.objects.get(pk=funded_escrow.pk).status == EscrowStatus.RELEASED
    call_command("ledger_check")


def test_release_racing_refund_moves_the_money_once(api_as, client_user, freelancer, funded_escrow):
    headers = _signed_in(api_as, client_user)
    base = f"/api/escrow/{funded_escrow.pk}"

    def call(action):
        return lambda: APIClient().post(f"{base}/{action}", {}, format="json", **headers).status_code

    statuses = run_at_once([call("release" if i % 2 else "refund") for i in range(THREADS)])
    assert Counter(statuses) == {200: 1, 409: THREADS - 1}, statuses
    escrow = Escrow.objects.get(pk=funded_escrow.pk)
    assert escrow.released_amount + escrow.refunded_amount == Decimal("500.00")
    assert escrow.released_amount in (0, Decimal("500.00"))
    moved = Payment.objects.filter(payment_type__in=[PaymentType.RELEASE, PaymentType.REFUND]).count()
    assert moved == 1
    assert Refund.objects.count() == (1 if escrow.status == EscrowStatus.REFUNDED else 0)
    call_command("ledger_check")


def test_partial_releases_never_overdraw_the_escrow(api_as, client_user, freelancer, funded_escrow):
    # 16 releases of 40.00 from 500.00: twelve fit (480.00), the others are refused.
    statuses = post_from_threads(_signed_in(api_as, client_user), f"/api/escrow/{funded_escrow.pk}/release",
                                 [{"amount": "40.00"}] * THREADS)
    assert Counter(statuses) == {200: 12, 400: 4}, statuses
    escrow = Escrow.objects.get(pk=funded_escrow.pk)
    assert escrow.released_amount == Decimal("480.00") and escrow.remaining == Decimal("20.00")
    call_command("ledger_check")


def test_sixteen_fundings_of_one_milestone_fund_it_once(api_as, client_user, contract, milestone):
    statuses = post_from_threads(_signed_in(api_as, client_user), "/api/escrow/",
                                 [{"contract_id": contract.pk, "milestone_id": milestone.pk}] * THREADS)
    assert Counter(statuses) == {201: 1, 409: THREADS - 1}, statuses
    assert Escrow.objects.filter(milestone=milestone).count() == 1
    assert balance_of(purpose=AccountPurpose.ESCROW, currency="USD", contract=contract) == Decimal("500.00")
    call_command("ledger_check")


def test_one_idempotency_key_from_many_threads_releases_once(api_as, client_user, funded_escrow):
    statuses = post_from_threads(_signed_in(api_as, client_user), f"/api/escrow/{funded_escrow.pk}/release",
                                 [{"amount": "100.00"}] * THREADS, extra={"HTTP_IDEMPOTENCY_KEY": "same-click"})
    # One runs; the others either see it in flight (409) or get its stored answer replayed (200).
    assert set(statuses) <= {200, 409} and 200 in statuses, statuses
    assert Escrow.objects.get(pk=funded_escrow.pk).released_amount == Decimal("100.00")
    call_command("ledger_check")


def test_concurrent_payouts_pay_the_balance_once(api_as, client_user, freelancer, funded_escrow):
    escrow_release(escrow=funded_escrow, actor=client_user)
    payments_mature_due(now=timezone.now() + timezone.timedelta(days=30))
    statuses = post_from_threads(_signed_in(api_as, freelancer), "/api/payouts/", [{}] * THREADS)
    assert Counter(statuses) == {201: 1, 400: THREADS - 1}, statuses
    assert Payout.objects.get().amount == Decimal("450.00")
    assert balance_of(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency="USD", user=freelancer) == 0
    call_command("ledger_check")


def test_funding_in_threads_for_different_milestones_all_succeed(client_user, contract):
    from marketplace.tests.factories import MilestoneFactory

    milestones = [MilestoneFactory(contract=contract, amount=Decimal("10.00")) for _ in range(8)]
    results = run_at_once([
        (lambda m=m: escrow_fund(contract=contract, actor=client_user, milestone=m).status) for m in milestones
    ])
    assert results == [EscrowStatus.FUNDED] * 8, results
    assert balance_of(purpose=AccountPurpose.ESCROW, currency="USD", contract=contract) == Decimal("80.00")
    call_command("ledger_check")
