from decimal import Decimal

import pytest

from billing.models import AccountPurpose, Escrow, EscrowStatus, Payment, PaymentStatus, PaymentType, TransactionFee
from billing.services.escrow import escrow_fund, escrow_release
from billing.services.ledger import balance_of
from marketplace.models import MilestoneStatus

pytestmark = pytest.mark.django_db


def test_funding_a_milestone_on_the_manual_gateway_funds_it_at_once(funded_escrow, milestone, contract):
    escrow = Escrow.objects.get(pk=funded_escrow.pk)
    assert escrow.status == EscrowStatus.FUNDED
    assert escrow.amount == Decimal("500.00")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.FUNDED and milestone.funded_at
    assert balance_of(purpose=AccountPurpose.ESCROW, currency="USD", contract=contract) == Decimal("500.00")
    payment = Payment.objects.get(escrow=escrow)
    assert payment.payment_type == PaymentType.ESCROW_FUNDING and payment.status == PaymentStatus.COMPLETED


def test_release_takes_the_platform_fee_and_credits_the_freelancer_pending(funded_escrow, client_user, freelancer):
    payment = escrow_release(escrow=funded_escrow, actor=client_user)
    assert payment.amount == Decimal("500.00") and payment.fee_amount == Decimal("50.00")
    assert payment.net_amount == Decimal("450.00")
    fee = TransactionFee.objects.get(payment=payment)
    assert (fee.base_amount, fee.platform_fee_percent, fee.platform_fee_amount, fee.net_amount) == (
        Decimal("500.00"), Decimal("10.00"), Decimal("50.00"), Decimal("450.00"))
    assert balance_of(purpose=AccountPurpose.FREELANCER_PENDING, currency="USD", user=freelancer) == Decimal("450")
    assert balance_of(purpose=AccountPurpose.PLATFORM_REVENUE, currency="USD") == Decimal("50.00")
    funded_escrow.refresh_from_db()
    assert funded_escrow.status == EscrowStatus.RELEASED


def test_deposit_needs_an_amount(contract, client_user):
    from megilance.api.exceptions import ApplicationError

    with pytest.raises(ApplicationError):
        escrow_fund(contract=contract, actor=client_user)
