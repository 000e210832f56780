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


# Funding through a provider that answers later (webhooks)


def test_pending_funding_waits_for_the_provider(remote_gateway, contract, milestone, client_user):
    from billing.services.escrow import escrow_confirm_funding

    escrow = escrow_fund(contract=contract, actor=client_user, milestone=milestone)
    assert escrow.status == EscrowStatus.PENDING
    assert escrow.client_secret == f"secret_escrow-{escrow.pk}-funding"
    assert escrow.gateway == "fake_remote" and escrow.gateway_reference == f"pi_escrow-{escrow.pk}-funding"
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PENDING
    assert balance_of(purpose=AccountPurpose.ESCROW, currency="USD", contract=contract) == 0

    confirmed = escrow_confirm_funding(reference=escrow.gateway_reference)
    assert confirmed.status == EscrowStatus.FUNDED
    # A webhook delivered twice changes nothing.
    escrow_confirm_funding(reference=escrow.gateway_reference)
    assert balance_of(purpose=AccountPurpose.ESCROW, currency="USD", contract=contract) == Decimal("500.00")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.FUNDED


def test_a_second_funding_while_one_is_pending_answers_409(remote_gateway, contract, milestone, client_user):
    from megilance.api.exceptions import Conflict

    escrow_fund(contract=contract, actor=client_user, milestone=milestone)
    with pytest.raises(Conflict):
        escrow_fund(contract=contract, actor=client_user, milestone=milestone)


def test_failed_funding_expires_the_escrow_and_allows_another(remote_gateway, contract, milestone, client_user):
    from billing.services.escrow import escrow_fail_funding

    escrow = escrow_fund(contract=contract, actor=client_user, milestone=milestone)
    escrow_fail_funding(reference=escrow.gateway_reference, reason="card declined")
    escrow.refresh_from_db()
    assert escrow.status == EscrowStatus.EXPIRED and escrow.failure_reason == "card declined"
    assert Payment.objects.get(escrow=escrow).status == PaymentStatus.FAILED
    escrow_fail_funding(reference=escrow.gateway_reference, reason="again")  # repeat: nothing changes
    assert Escrow.objects.get(pk=escrow.pk).failure_reason == "card declined"
    remote_gateway.funding_status = "succeeded"
    again = escrow_fund(contract=contract, actor=client_user, milestone=milestone)
    assert again.status == EscrowStatus.FUNDED


def test_declined_at_once_answers_402(remote_gateway, contract, milestone, client_user):
    from megilance.api.exceptions import ApplicationError

    remote_gateway.funding_status = "failed"
    with pytest.raises(ApplicationError) as error:
        escrow_fund(contract=contract, actor=client_user, milestone=milestone)
    assert error.value.status_code == 402
    assert Escrow.objects.get(milestone=milestone).status == EscrowStatus.EXPIRED


def test_unreachable_provider_fails_the_new_funding(remote_gateway, contract, client_user):
    from billing.gateways.base import GatewayError
    from megilance.api.exceptions import ApplicationError

    remote_gateway.raise_error = GatewayError("connection reset")
    with pytest.raises(ApplicationError):
        escrow_fund(contract=contract, actor=client_user, amount=Decimal("50"))
    assert Escrow.objects.get().status == EscrowStatus.EXPIRED


def test_gateway_fee_is_the_platforms_cost(remote_gateway, contract, milestone, client_user, freelancer):
    remote_gateway.funding_status = "succeeded"
    remote_gateway.funding_fee = Decimal("14.80")
    escrow = escrow_fund(contract=contract, actor=client_user, milestone=milestone)
    funding = Payment.objects.get(escrow=escrow, payment_type=PaymentType.ESCROW_FUNDING)
    assert funding.fee_line.payment_gateway_fee == Decimal("14.80")
    assert funding.fee_line.platform_fee_amount == 0 and funding.fee_line.net_amount == Decimal("500.00")
    assert balance_of(purpose=AccountPurpose.GATEWAY_FEES, currency="USD") == Decimal("14.80")
    assert balance_of(purpose=AccountPurpose.PLATFORM_REVENUE, currency="USD") == Decimal("-14.80")
    escrow_release(escrow=escrow, actor=client_user)
    # The freelancer's net is untouched by the provider's fee.
    assert balance_of(purpose=AccountPurpose.FREELANCER_PENDING, currency="USD", user=freelancer) == Decimal("450")


def test_pending_funding_expires_after_its_deadline(remote_gateway, contract, client_user):
    from datetime import timedelta

    from django.utils import timezone

    from billing.tasks import expire_pending_fundings

    escrow = escrow_fund(contract=contract, actor=client_user, amount=Decimal("80"))
    assert expire_pending_fundings() == 0
    Escrow.objects.filter(pk=escrow.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert expire_pending_fundings() == 1
    assert Escrow.objects.get(pk=escrow.pk).status == EscrowStatus.EXPIRED


def test_confirmation_after_expiry_is_refused(remote_gateway, contract, client_user):
    from billing.services.escrow import escrow_confirm_funding, escrow_fail_funding
    from megilance.api.exceptions import Conflict

    escrow = escrow_fund(contract=contract, actor=client_user, amount=Decimal("80"))
    escrow_fail_funding(reference=escrow.gateway_reference, reason="timeout")
    with pytest.raises(Conflict):
        escrow_confirm_funding(reference=escrow.gateway_reference)


# Refunds through a provider that answers later


def test_refund_waits_for_the_provider_then_completes(remote_gateway, contract, client_user,
                                                      django_capture_on_commit_callbacks):
    from billing.models import RefundStatus
    from billing.services.escrow import escrow_refund
    from billing.services.refunds import refund_mark_processed

    remote_gateway.funding_status = "succeeded"
    escrow = escrow_fund(contract=contract, actor=client_user, amount=Decimal("100"))
    with django_capture_on_commit_callbacks(execute=True):
        refund = escrow_refund(escrow=escrow, actor=client_user, amount=Decimal("40"))
    refund.refresh_from_db()
    # The provider was asked with the funding's reference and a key unique to this refund.
    kind, call = remote_gateway.calls[-1]
    assert kind == "refund" and call["reference"] == escrow.gateway_reference
    assert call["idempotency_key"] == f"refund-{refund.pk}" and call["amount"] == Decimal("40.00")
    assert refund.status == RefundStatus.PROCESSING and refund.gateway_reference == f"re_refund-{refund.pk}"
    refund_mark_processed(reference=refund.gateway_reference)
    refund_mark_processed(reference=refund.gateway_reference)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSED and refund.refund_payment.status == PaymentStatus.COMPLETED


def test_failed_refund_puts_the_money_back_in_escrow(remote_gateway, contract, milestone, client_user,
                                                     django_capture_on_commit_callbacks):
    from billing.models import RefundStatus
    from billing.services.escrow import escrow_refund
    from billing.services.refunds import refund_mark_failed

    remote_gateway.funding_status = "succeeded"
    escrow = escrow_fund(contract=contract, actor=client_user, milestone=milestone)
    with django_capture_on_commit_callbacks(execute=True):
        refund = escrow_refund(escrow=escrow, actor=client_user)
    escrow.refresh_from_db()
    assert escrow.status == EscrowStatus.REFUNDED
    refund.refresh_from_db()
    refund_mark_failed(reference=refund.gateway_reference, reason="card closed")
    escrow.refresh_from_db()
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED and escrow.status == EscrowStatus.FUNDED
    assert escrow.refunded_amount == 0
    assert balance_of(purpose=AccountPurpose.ESCROW, currency="USD", contract=contract) == Decimal("500.00")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.FUNDED and milestone.funded_at is not None


# Disputes


def test_a_frozen_escrow_can_be_neither_released_nor_refunded(funded_escrow, client_user, freelancer):
    from billing.services.escrow import escrow_freeze, escrow_refund
    from megilance.api.exceptions import Conflict

    escrow_freeze(escrow=funded_escrow, reason="Work not delivered")
    with pytest.raises(Conflict):
        escrow_release(escrow=funded_escrow, actor=client_user)
    with pytest.raises(Conflict):
        escrow_refund(escrow=funded_escrow, actor=freelancer)
    with pytest.raises(Conflict):
        escrow_freeze(escrow=funded_escrow, reason="again")
    assert Escrow.objects.get(pk=funded_escrow.pk).status == EscrowStatus.DISPUTED


def test_unfreeze_goes_back_to_the_previous_status(funded_escrow, client_user):
    from billing.services.escrow import escrow_freeze, escrow_unfreeze

    escrow_release(escrow=funded_escrow, actor=client_user, amount=Decimal("100"))
    escrow_freeze(escrow=funded_escrow, reason="quality")
    escrow = escrow_unfreeze(escrow=funded_escrow)
    assert escrow.status == EscrowStatus.PARTIALLY_RELEASED


def test_resolve_split_pays_each_side_its_share(funded_escrow, client_user, freelancer, superuser):
    from billing.models import Refund, RefundStatus
    from billing.services.escrow import escrow_freeze, escrow_resolve_split

    escrow_freeze(escrow=funded_escrow, reason="partial delivery")
    escrow = escrow_resolve_split(escrow=funded_escrow, client_amount=Decimal("200"),
                                  freelancer_amount=Decimal("300"), actor=superuser)
    assert escrow.status == EscrowStatus.RELEASED
    assert (escrow.released_amount, escrow.refunded_amount) == (Decimal("300"), Decimal("200"))
    assert balance_of(purpose=AccountPurpose.FREELANCER_PENDING, currency="USD", user=freelancer) == Decimal("270")
    assert balance_of(purpose=AccountPurpose.PLATFORM_REVENUE, currency="USD") == Decimal("30")
    assert balance_of(purpose=AccountPurpose.REFUNDS, currency="USD", user=client_user) == Decimal("200")
    assert Refund.objects.get(escrow=escrow).status == RefundStatus.PROCESSED


def test_resolve_split_all_to_the_client_is_a_refund(funded_escrow, superuser):
    from billing.services.escrow import escrow_freeze, escrow_resolve_split

    escrow_freeze(escrow=funded_escrow, reason="no delivery")
    escrow = escrow_resolve_split(escrow=funded_escrow, client_amount=Decimal("500"), freelancer_amount=0,
                                  actor=superuser)
    assert escrow.status == EscrowStatus.REFUNDED


def test_resolve_split_must_add_up_and_needs_a_dispute(funded_escrow, superuser):
    from billing.services.escrow import escrow_freeze, escrow_resolve_split
    from megilance.api.exceptions import ApplicationError, Conflict

    with pytest.raises(Conflict):
        escrow_resolve_split(escrow=funded_escrow, client_amount=250, freelancer_amount=250, actor=superuser)
    escrow_freeze(escrow=funded_escrow, reason="x")
    with pytest.raises(ApplicationError):
        escrow_resolve_split(escrow=funded_escrow, client_amount=250, freelancer_amount=200, actor=superuser)
    assert Escrow.objects.get(pk=funded_escrow.pk).status == EscrowStatus.DISPUTED


# Marketplace events


def test_approving_the_milestone_releases_its_escrow(funded_escrow, milestone, client_user, freelancer):
    from marketplace.services.milestones import milestone_approve

    from .conftest import submit

    submit(milestone, freelancer)
    milestone_approve(milestone=milestone, actor=client_user)
    funded_escrow.refresh_from_db()
    milestone.refresh_from_db()
    assert funded_escrow.status == EscrowStatus.RELEASED
    assert milestone.status == MilestoneStatus.PAID and milestone.paid_at
    assert balance_of(purpose=AccountPurpose.FREELANCER_PENDING, currency="USD", user=freelancer) == Decimal("450")


def test_if_the_release_fails_the_approval_rolls_back(funded_escrow, milestone, client_user, freelancer):
    from billing.services.escrow import escrow_freeze
    from marketplace.services.milestones import milestone_approve
    from megilance.api.exceptions import Conflict

    from .conftest import submit

    submit(milestone, freelancer)
    escrow_freeze(escrow=funded_escrow, reason="dispute opened")
    with pytest.raises(Conflict):
        milestone_approve(milestone=milestone, actor=client_user)
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED and milestone.approved_at is None
    assert Escrow.objects.get(pk=funded_escrow.pk).released_amount == 0


def test_approval_waits_for_a_pending_payment(remote_gateway, contract, milestone, client_user, freelancer):
    from marketplace.services.milestones import milestone_approve
    from megilance.api.exceptions import ApplicationError

    from .conftest import submit

    escrow_fund(contract=contract, actor=client_user, milestone=milestone)
    submit(milestone, freelancer)
    with pytest.raises(ApplicationError):
        milestone_approve(milestone=milestone, actor=client_user)
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED


def test_approving_unfunded_work_releases_nothing(milestone, client_user, freelancer):
    from marketplace.services.milestones import milestone_approve

    from .conftest import submit

    submit(milestone, freelancer)
    assert milestone_approve(milestone=milestone, actor=client_user).status == MilestoneStatus.APPROVED
    assert not Payment.objects.exists()


def test_a_held_deposit_blocks_completing_the_contract(deposit, contract, client_user):
    from marketplace.models import ContractStatus
    from marketplace.services.contracts import contract_complete
    from megilance.api.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as error:
        contract_complete(contract=contract, actor=client_user)
    assert error.value.code == "money_in_escrow"
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    escrow_release(escrow=deposit, actor=client_user)
    assert contract_complete(contract=contract, actor=client_user).status == ContractStatus.COMPLETED
