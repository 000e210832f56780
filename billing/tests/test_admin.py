"""Billing in the Django admin: money rows and the ledger are read-only, refund decisions are actions that call
the services, a staff member without Finance permissions can neither see nor act, and the fees report sums by
month."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.tests.factories import StaffFactory
from billing.models import (
    Escrow,
    EscrowStatus,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentType,
    RefundStatus,
    TransactionFee,
    WebhookEvent,
)
from billing.services.escrow import escrow_release
from billing.services.refunds import refund_request

pytestmark = pytest.mark.django_db

MODELS = ["escrow", "payment", "transactionfee", "refund", "payout", "payoutschedule", "payoutaccount",
          "paymentmethod", "webhookevent", "ledgeraccount", "ledgertransaction", "ledgerentry"]


def finance_staff(*codenames):
    user = StaffFactory()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="billing", codename__in=codenames))
    return user


@pytest.fixture
def refund(funded_escrow, client_user):
    funding = Payment.objects.get(escrow=funded_escrow, payment_type=PaymentType.ESCROW_FUNDING)
    return refund_request(payment=funding, actor=client_user, amount=Decimal("120.00"), reason="Half the scope")


def changelist(model):
    return reverse(f"admin:billing_{model}_changelist")


def act(client, action, refunds, **extra):
    return client.post(changelist("refund"), {"action": action, "_selected_action": [r.pk for r in refunds],
                                              **extra}, follow=True)


@pytest.mark.parametrize("model", MODELS)
def test_a_superuser_sees_every_billing_page_but_adds_nothing(client, superuser, funded_escrow, model):
    client.force_login(superuser)
    assert client.get(changelist(model)).status_code == 200
    assert client.get(reverse(f"admin:billing_{model}_add")).status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_staff_without_finance_permissions_see_nothing(client, staff_user, model):
    client.force_login(staff_user)
    assert client.get(changelist(model)).status_code == 403


def test_the_ledger_cannot_be_changed_or_deleted_even_by_a_superuser(client, superuser, funded_escrow):
    client.force_login(superuser)
    movement = LedgerTransaction.objects.filter(escrow=funded_escrow).first()
    entry = LedgerEntry.objects.filter(transaction=movement).first()
    page = client.get(reverse("admin:billing_ledgertransaction_change", args=[movement.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # a read-only view
    assert client.post(reverse("admin:billing_ledgertransaction_change", args=[movement.pk]),
                       {"description": "edited"}).status_code == 403
    assert client.post(reverse("admin:billing_ledgerentry_delete", args=[entry.pk]), {"post": "yes"}).status_code \
        == 403
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_staff_without_permissions_cannot_decide_a_refund(client, staff_user, refund):
    client.force_login(staff_user)
    assert act(client, "approve_refunds", [refund], apply="1").status_code == 403
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REQUESTED


def test_staff_who_may_only_look_are_not_offered_the_actions_and_cannot_post_them(client, refund):
    viewer = finance_staff("view_refund")
    client.force_login(viewer)
    page = client.get(changelist("refund"))
    assert page.status_code == 200
    assert b"approve_refunds" not in page.content
    act(client, "approve_refunds", [refund], apply="1")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REQUESTED


def test_finance_staff_approve_a_refund_through_the_service(client, refund):
    finance = finance_staff("view_refund", "change_refund")
    client.force_login(finance)
    asking = act(client, "approve_refunds", [refund])
    assert b"Approve refunds" in asking.content  # first the note form
    act(client, "approve_refunds", [refund], apply="1", note="Agreed with the freelancer.")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.APPROVED
    assert refund.decided_by == finance and refund.decision_note == "Agreed with the freelancer."


def test_rejecting_needs_a_note_for_the_payer(client, refund):
    client.force_login(finance_staff("view_refund", "change_refund"))
    again = act(client, "reject_refunds", [refund], apply="1", note="  ")
    assert b"Tell the payer why." in again.content
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REQUESTED
    act(client, "reject_refunds", [refund], apply="1", note="The work was delivered as agreed.")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REJECTED


def test_processing_pays_an_approved_refund_back_once(client, refund, funded_escrow):
    client.force_login(finance_staff("view_refund", "change_refund"))
    act(client, "approve_refunds", [refund], apply="1", note="")
    act(client, "process_refunds", [refund])
    second = act(client, "process_refunds", [refund])
    refund.refresh_from_db()
    funded_escrow.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSED
    assert funded_escrow.refunded_amount == Decimal("120.00")
    assert b"already processed" in second.content


def test_the_fees_report_sums_fees_by_month(client, superuser, funded_escrow, client_user):
    escrow_release(escrow=funded_escrow, actor=client_user, amount=Decimal("200.00"))
    escrow_release(escrow=funded_escrow, actor=client_user, amount=Decimal("100.00"))
    client.force_login(superuser)
    assert b"Fees by month" in client.get(changelist("transactionfee")).content
    report = client.get(reverse("admin:billing_transactionfee_report"))
    assert report.status_code == 200
    [row] = [row for row in report.context["rows"] if row["platform"]]
    assert (row["base"], row["platform"], row["net"]) == (Decimal("300.00"), Decimal("30.00"), Decimal("270.00"))
    assert TransactionFee.objects.count() == 2


def test_the_fees_report_needs_the_view_permission(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("admin:billing_transactionfee_report")).status_code == 403


def test_an_unconfirmed_payment_past_its_expiry_is_given_up_by_the_escrow_action(client, contract, milestone):
    from django.utils import timezone

    escrow = Escrow.objects.create(contract=contract, milestone=milestone, client=contract.client,
                                   amount=milestone.amount, gateway="stripe", gateway_reference="pi_stale",
                                   expires_at=timezone.now() - timezone.timedelta(hours=1))
    Payment.objects.create(payment_type=PaymentType.ESCROW_FUNDING, from_user=contract.client, escrow=escrow,
                           contract=contract, milestone=milestone, amount=escrow.amount, net_amount=escrow.amount)
    client.force_login(finance_staff("view_escrow", "change_escrow"))
    client.post(changelist("escrow"), {"action": "expire_unconfirmed", "_selected_action": [escrow.pk]})
    escrow.refresh_from_db()
    assert escrow.status == EscrowStatus.EXPIRED


def test_a_failed_webhook_event_can_be_processed_again(client, superuser):
    event = WebhookEvent.objects.create(gateway="stripe", event_id="evt_admin", type="customer.created",
                                        payload={"id": "evt_admin", "data": {"object": {}}}, error="boom",
                                        attempts=3)
    client.force_login(superuser)
    client.post(changelist("webhookevent"), {"action": "process_again", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.processed_at is not None
