"""A Hypothesis state machine over the money services: fund, deposit, release (all or part), refund, a change of
the platform fee, a provider fee, maturing and payout, in any order. After every step the ledger balances, no
account holding someone's money is below zero, and every balance equals what a simple model of the same steps
expects. Each example runs in a savepoint that is rolled back, so examples do not see each other's rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from accounts.tests.factories import ClientFactory, FreelancerFactory
from billing.gateways import base as gateway_base
from billing.gateways.manual import ManualGateway
from billing.models import AccountPurpose, Escrow, EscrowStatus, LedgerAccount
from billing.services.escrow import escrow_fund, escrow_refund, escrow_release
from billing.services.fees import fee_compute
from billing.services.ledger import ledger_differences
from billing.services.payments import payments_mature_due
from billing.services.payouts import payout_request
from marketplace.tests.factories import ContractFactory, MilestoneFactory
from megilance.api.exceptions import ApplicationError

from .conftest import hypothesis_profile

ZERO = Decimal("0.00")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000.00"), places=2)
# A share of what is held, in percent; above 100 asks for more than is there (the service must refuse it).
shares = st.one_of(st.none(), st.integers(min_value=1, max_value=120))


class FeeChargingGateway(ManualGateway):
    """A provider that confirms at once and keeps a fee of 2.9% + 0.30 on fundings, as card processors do; its
    other calls are the manual gateway's."""

    name = "fee_charging"
    is_remote = False

    def create_funding(self, *, amount, idempotency_key, **kwargs):
        fee = (amount * Decimal("0.029") + Decimal("0.30")).quantize(Decimal("0.01"))
        return gateway_base.FundingResult(reference=f"fc_{idempotency_key}", status=gateway_base.SUCCEEDED, fee=fee)

    def refund(self, *, idempotency_key, **kwargs):
        return gateway_base.RefundResult(reference=f"fcr_{idempotency_key}", status=gateway_base.SUCCEEDED)


def _share_of(held: Decimal, share: int | None) -> Decimal | None:
    if share is None:
        return None
    return max((held * share / 100).quantize(Decimal("0.01")), Decimal("0.01"))


class MoneyMachine(RuleBasedStateMachine):
    escrows = Bundle("escrows")
    people: tuple = ()  # (client, freelancer), made once per test: each example rolls back to them

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self._fee_percent = settings.PLATFORM_FEE_PERCENT
        self.client, self.freelancer = self.people
        self.contract = ContractFactory(project__client=self.client, freelancer=self.freelancer)
        self.now = timezone.now()
        # The model: what the ledger must say after the same steps.
        self.funded = self.released = self.refunded = ZERO
        self.net_earned = self.fees = self.gateway_fees = self.matured = self.paid_out = ZERO
        self.unmatured: list[Decimal] = []

    def teardown(self):
        settings.PLATFORM_FEE_PERCENT = self._fee_percent
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # Steps

    def _funded(self, escrow: Escrow, gateway_fee: Decimal = ZERO) -> int:
        assert escrow.status == EscrowStatus.FUNDED
        self.funded += escrow.amount
        self.gateway_fees += gateway_fee
        return escrow.pk

    @initialize(target=escrows, amount=amounts)
    def fund_first_milestone(self, amount):
        milestone = MilestoneFactory(contract=self.contract, amount=amount)
        return self._funded(escrow_fund(contract=self.contract, actor=self.client, milestone=milestone))

    @rule(target=escrows, amount=amounts)
    def fund_milestone(self, amount):
        milestone = MilestoneFactory(contract=self.contract, amount=amount)
        return self._funded(escrow_fund(contract=self.contract, actor=self.client, milestone=milestone))

    @rule(target=escrows, amount=amounts)
    def deposit(self, amount):
        return self._funded(escrow_fund(contract=self.contract, actor=self.client, amount=amount))

    @rule(target=escrows, amount=amounts)
    def fund_through_a_fee_charging_provider(self, amount):
        escrow = escrow_fund(contract=self.contract, actor=self.client, amount=amount, gateway="fee_charging")
        return self._funded(escrow, gateway_fee=(amount * Decimal("0.029") + Decimal("0.30")).quantize(
            Decimal("0.01")))

    @rule(percent=st.sampled_from([Decimal("0"), Decimal("5"), Decimal("10"), Decimal("12.5"), Decimal("33.33")]))
    def change_platform_fee(self, percent):
        settings.PLATFORM_FEE_PERCENT = percent

    @rule(escrow_id=escrows, share=shares)
    def release(self, escrow_id, share):
        escrow = Escrow.objects.get(pk=escrow_id)
        held = escrow.remaining
        amount = _share_of(held, share)
        try:
            escrow_release(escrow=escrow, actor=self.client, amount=amount)
        except ApplicationError:
            assert held == 0 or (amount is not None and amount > held), "a valid release was refused"
            return
        assert held > 0 and (amount is None or amount <= held), "an invalid release went through"
        moved = held if amount is None else amount
        breakdown = fee_compute(amount=moved)
        self.released += moved
        self.fees += breakdown.fee
        self.net_earned += breakdown.net
        self.unmatured.append(breakdown.net)

    @rule(escrow_id=escrows, share=shares)
    def refund(self, escrow_id, share):
        escrow = Escrow.objects.get(pk=escrow_id)
        held = escrow.remaining
        amount = _share_of(held, share)
        try:
            escrow_refund(escrow=escrow, actor=self.client, amount=amount)
        except ApplicationError:
            assert held == 0 or (amount is not None and amount > held), "a valid refund was refused"
            return
        assert held > 0 and (amount is None or amount <= held), "an invalid refund went through"
        self.refunded += held if amount is None else amount

    @rule()
    def security_period_ends(self):
        self.now += timedelta(days=settings.SECURITY_PERIOD_DAYS + 1)
        payments_mature_due(now=self.now)
        self.matured += sum(self.unmatured, ZERO)
        self.unmatured = []

    @rule(share=shares)
    def payout(self, share):
        available = self.matured - self.paid_out
        amount = _share_of(available, share)
        try:
            payout = payout_request(freelancer=self.freelancer, amount=amount)
        except ApplicationError:
            assert available == 0 or (amount is not None and amount > available), "a valid payout was refused"
            return
        assert payout.amount == (available if amount is None else amount)
        self.paid_out += payout.amount

    # What must always hold

    @invariant()
    def books_balance(self):
        assert ledger_differences() == []

    @invariant()
    def balances_match_the_model(self):
        cached = {(a.purpose, a.owner_key): a.balance for a in LedgerAccount.objects.filter(currency="USD")}

        def balance(purpose, user=None, contract=None):
            owner = f"user:{user.pk}" if user else f"contract:{contract.pk}" if contract else "platform"
            return cached.get((purpose, owner), ZERO)

        held = self.funded - self.released - self.refunded
        assert held >= 0
        assert balance(AccountPurpose.CLIENT_FUNDING, user=self.client) == -self.funded
        assert balance(AccountPurpose.ESCROW, contract=self.contract) == held
        assert balance(AccountPurpose.REFUNDS, user=self.client) == self.refunded
        assert balance(AccountPurpose.FREELANCER_PENDING, user=self.freelancer) == self.net_earned - self.matured
        assert balance(AccountPurpose.FREELANCER_AVAILABLE, user=self.freelancer) == self.matured - self.paid_out
        assert balance(AccountPurpose.PAYOUTS, user=self.freelancer) == self.paid_out
        assert balance(AccountPurpose.GATEWAY_FEES) == self.gateway_fees
        assert balance(AccountPurpose.PLATFORM_REVENUE) == self.fees - self.gateway_fees
        # Every released cent is the freelancer's net plus the platform's fee.
        assert self.net_earned + self.fees == self.released


@pytest.mark.slow
@pytest.mark.django_db
def test_money_state_machine_keeps_the_books(monkeypatch):
    monkeypatch.setattr(MoneyMachine, "people", (ClientFactory(), FreelancerFactory()))
    monkeypatch.setitem(gateway_base.GATEWAYS, "fee_charging", f"{__name__}.FeeChargingGateway")
    run_state_machine_as_test(MoneyMachine, settings=hypothesis_profile())
