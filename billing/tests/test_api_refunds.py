from decimal import Decimal

import pytest

from billing.models import AccountPurpose, EscrowStatus, Payment, PaymentType, Refund, RefundStatus
from billing.services.ledger import balance_of

from .conftest import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def funding(funded_escrow):
    return Payment.objects.get(escrow=funded_escrow, payment_type=PaymentType.ESCROW_FUNDING)


@pytest.fixture
def requested(client_api, funding):
    response = client_api.post("/api/refunds/", {"payment_id": funding.pk, "amount": 200,
                                                 "reason": "Half of the scope was dropped."})
    assert response.status_code == 201, response.content
    return response.json()


def test_payer_requests_a_partial_refund(requested, funding):
    assert requested["status"] == "requested" and requested["amount"] == 200.0
    assert requested["payment_id"] == funding.pk


def test_request_more_than_refundable_is_refused(client_api, funding, requested):
    # 500 held, 200 already claimed by the open request.
    response = client_api.post("/api/refunds/", {"payment_id": funding.pk, "amount": "300.01", "reason": "x"})
    assert response.status_code == 400 and response.json()["code"] == "amount_exceeds_refundable"
    assert client_api.post("/api/refunds/", {"payment_id": funding.pk, "amount": 300, "reason": "x"}).status_code \
        == 201


def test_request_needs_a_reason(client_api, funding):
    assert client_api.post("/api/refunds/", {"payment_id": funding.pk, "amount": 10}).status_code == 400


def test_only_the_payer_may_request(freelancer_api, outsider_api, funding):
    for api in (freelancer_api, outsider_api):
        response = api.post("/api/refunds/", {"payment_id": funding.pk, "amount": 10, "reason": "mine"})
        assert response.status_code == 404


def test_finance_approves_and_processes_through_the_gateway(finance_api, requested, funded_escrow, client_user):
    approved = finance_api.post(f"/api/refunds/{requested['id']}/approve", {"note": "Agreed with both sides."})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    processed = finance_api.post(f"/api/refunds/{requested['id']}/process", {})
    assert processed.status_code == 200, processed.content
    body = processed.json()
    assert body["status"] == "processed" and body["gateway_reference"].startswith("manual_refund_")
    funded_escrow.refresh_from_db()
    assert funded_escrow.refunded_amount == Decimal("200") and funded_escrow.status == EscrowStatus.FUNDED
    assert balance_of(purpose=AccountPurpose.REFUNDS, currency="USD", user=client_user) == Decimal("200")
    refund_payment = Payment.objects.get(pk=body["refund_payment_id"])
    assert refund_payment.payment_type == PaymentType.REFUND and refund_payment.status == "completed"
    # Processing twice answers 409 and moves nothing more.
    assert finance_api.post(f"/api/refunds/{requested['id']}/process", {}).status_code == 409
    funded_escrow.refresh_from_db()
    assert funded_escrow.refunded_amount == Decimal("200")


def test_finance_rejects_with_a_note(finance_api, requested):
    assert finance_api.post(f"/api/refunds/{requested['id']}/reject", {}).status_code == 400
    rejected = finance_api.post(f"/api/refunds/{requested['id']}/reject", {"note": "Work was delivered."})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert finance_api.post(f"/api/refunds/{requested['id']}/approve", {}).status_code == 409


def test_processing_needs_approval_first(finance_api, requested):
    response = finance_api.post(f"/api/refunds/{requested['id']}/process", {})
    assert response.status_code == 400 and response.json()["code"] == "refund_not_approved"


def test_payer_cannot_decide_their_own_refund(client_api, freelancer_api, requested):
    assert client_api.post(f"/api/refunds/{requested['id']}/approve", {}).status_code == 403
    assert client_api.post(f"/api/refunds/{requested['id']}/process", {}).status_code == 403
    # The freelancer sees the refund on their contract but may not decide it.
    assert freelancer_api.get(f"/api/refunds/{requested['id']}").status_code == 200
    assert freelancer_api.post(f"/api/refunds/{requested['id']}/approve", {}).status_code == 403


def test_outsiders_and_staff_without_rights_get_404(outsider_api, staff_api, requested):
    for api in (outsider_api, staff_api):
        assert api.get(f"/api/refunds/{requested['id']}").status_code == 404
        assert api.post(f"/api/refunds/{requested['id']}/approve", {}).status_code == 404
        assert api.get("/api/refunds/").json()["count"] == 0


def test_payer_edits_and_cancels_an_undecided_request(client_api, finance_api, requested):
    edited = client_api.patch(f"/api/refunds/{requested['id']}", {"amount": 150})
    assert edited.status_code == 200 and edited.json()["amount"] == 150.0
    assert client_api.delete(f"/api/refunds/{requested['id']}").status_code == 204
    assert Refund.objects.get(pk=requested["id"]).status == RefundStatus.CANCELLED
    assert client_api.delete(f"/api/refunds/{requested['id']}").status_code == 409


def test_approved_refund_after_release_cannot_take_more_than_is_left(client_api, finance_api, requested,
                                                                     funded_escrow):
    finance_api.post(f"/api/refunds/{requested['id']}/approve", {})
    assert client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {}).status_code == 200
    response = finance_api.post(f"/api/refunds/{requested['id']}/process", {})
    assert response.status_code == 409 and response.json()["code"] == "amount_exceeds_escrow"


def test_a_refund_request_after_submission_goes_through_staff(client_api, finance_api, funding, milestone,
                                                              freelancer, funded_escrow):
    submit(milestone, freelancer)
    assert client_api.post(f"/api/escrow/{funded_escrow.pk}/refund", {}).status_code == 403
    refund = client_api.post("/api/refunds/", {"payment_id": funding.pk, "reason": "Not what we agreed."}).json()
    assert refund["amount"] == 500.0
    finance_api.post(f"/api/refunds/{refund['id']}/approve", {})
    assert finance_api.post(f"/api/refunds/{refund['id']}/process", {}).json()["status"] == "processed"
    funded_escrow.refresh_from_db()
    assert funded_escrow.status == EscrowStatus.REFUNDED


def test_refund_list_has_constant_queries(client_api, funding, django_assert_num_queries):
    client_api.post("/api/refunds/", {"payment_id": funding.pk, "amount": 10, "reason": "one"})
    client_api.get("/api/refunds/")
    with django_assert_num_queries(3):
        assert client_api.get("/api/refunds/").json()["count"] == 1
    client_api.post("/api/refunds/", {"payment_id": funding.pk, "amount": 10, "reason": "two"})
    with django_assert_num_queries(3):
        assert client_api.get("/api/refunds/").json()["count"] == 2
