from decimal import Decimal

import pytest

from billing.models import AccountPurpose, Escrow, EscrowStatus, IdempotencyKey, Payment, PaymentType
from billing.services.escrow import escrow_fund
from billing.services.ledger import balance_of
from marketplace.models import MilestoneStatus
from marketplace.tests.factories import MilestoneFactory

from .conftest import submit

pytestmark = pytest.mark.django_db


def test_client_funds_a_milestone_with_its_amount(client_api, contract, milestone):
    response = client_api.post("/api/escrow/", {"contract_id": contract.pk, "milestone_id": milestone.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "funded"
    assert body["amount"] == 500.0 and isinstance(body["amount"], float)
    assert body["contract_id"] == contract.pk and body["milestone_id"] == milestone.pk
    assert "no-store" in response["Cache-Control"]
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.FUNDED


def test_fund_path_is_served_too(client_api, contract, milestone):
    response = client_api.post("/api/escrow/fund", {"contract_id": contract.pk, "milestone_id": milestone.pk})
    assert response.status_code == 201, response.content


def test_milestone_funded_with_another_amount_is_refused(client_api, contract, milestone):
    response = client_api.post("/api/escrow/", {"contract_id": contract.pk, "milestone_id": milestone.pk,
                                                "amount": 450})
    assert response.status_code == 400
    assert "amount" in response.json()["errors"]


def test_funding_a_milestone_twice_answers_409(client_api, contract, milestone):
    first = client_api.post("/api/escrow/", {"contract_id": contract.pk, "milestone_id": milestone.pk})
    second = client_api.post("/api/escrow/", {"contract_id": contract.pk, "milestone_id": milestone.pk})
    assert first.status_code == 201 and second.status_code == 409
    assert Escrow.objects.filter(milestone=milestone).count() == 1


def test_deposit_without_milestone_takes_any_positive_amount(client_api, contract):
    response = client_api.post("/api/escrow/", {"contract_id": contract.pk, "amount": "250.50"})
    assert response.status_code == 201
    assert response.json()["is_deposit"] is True and response.json()["amount"] == 250.5
    assert client_api.post("/api/escrow/", {"contract_id": contract.pk, "amount": 0}).status_code == 400
    assert client_api.post("/api/escrow/", {"contract_id": contract.pk, "amount": "abc"}).status_code == 400
    assert client_api.post("/api/escrow/", {"contract_id": contract.pk}).status_code == 400


def test_freelancer_cannot_fund_and_outsider_gets_404(freelancer_api, outsider_api, contract, milestone):
    data = {"contract_id": contract.pk, "milestone_id": milestone.pk}
    assert freelancer_api.post("/api/escrow/", data).status_code == 403
    assert outsider_api.post("/api/escrow/", data).status_code == 404


def test_release_pays_the_freelancer_less_the_fee(client_api, funded_escrow, freelancer):
    response = client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "released" and body["released_amount"] == 500.0 and body["remaining"] == 0
    payment = Payment.objects.get(pk=body["payment_id"])
    assert (payment.amount, payment.fee_amount, payment.net_amount) == (Decimal("500"), Decimal("50"), Decimal("450"))
    assert balance_of(purpose=AccountPurpose.FREELANCER_PENDING, currency="USD", user=freelancer) == Decimal("450")


def test_release_twice_pays_once(client_api, funded_escrow, freelancer):
    assert client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {}).status_code == 200
    again = client_api.post(f"/api/escrow/{funded_escrow.pk}/release/", {})
    assert again.status_code == 409
    assert Payment.objects.filter(payment_type=PaymentType.RELEASE).count() == 1
    assert balance_of(purpose=AccountPurpose.FREELANCER_PENDING, currency="USD", user=freelancer) == Decimal("450")


def test_partial_release_then_the_rest(client_api, funded_escrow):
    first = client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {"amount": 200})
    assert first.status_code == 200
    assert first.json()["status"] == "partially_released" and first.json()["remaining"] == 300.0
    too_much = client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {"amount": "300.01"})
    assert too_much.status_code == 400
    rest = client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {})
    assert rest.json()["status"] == "released" and rest.json()["released_amount"] == 500.0


def test_only_the_client_releases(freelancer_api, outsider_api, staff_api, funded_escrow):
    assert freelancer_api.post(f"/api/escrow/{funded_escrow.pk}/release", {}).status_code == 403
    assert outsider_api.post(f"/api/escrow/{funded_escrow.pk}/release", {}).status_code == 404
    assert staff_api.post(f"/api/escrow/{funded_escrow.pk}/release", {}).status_code == 404
    assert Escrow.objects.get(pk=funded_escrow.pk).status == EscrowStatus.FUNDED


def test_client_refunds_before_the_work_is_submitted(client_api, funded_escrow, milestone, client_user):
    response = client_api.post(f"/api/escrow/{funded_escrow.pk}/refund", {"reason": "Plans changed"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "refunded" and body["refunded_amount"] == 500.0 and body["refund_id"]
    assert balance_of(purpose=AccountPurpose.REFUNDS, currency="USD", user=client_user) == Decimal("500")
    milestone.refresh_from_db()
    # All of it went back: the milestone is unfunded and may be funded anew.
    assert milestone.status == MilestoneStatus.PENDING and milestone.funded_at is None
    assert client_api.post(f"/api/escrow/{funded_escrow.pk}/refund", {}).status_code == 409


def test_after_submission_the_client_alone_cannot_refund(client_api, freelancer_api, funded_escrow, milestone,
                                                         freelancer):
    submit(milestone, freelancer)
    refused = client_api.post(f"/api/escrow/{funded_escrow.pk}/refund", {})
    assert refused.status_code == 403
    assert refused.json()["code"] == "refund_needs_agreement"
    # The freelancer agreeing (giving the money back) is allowed.
    agreed = freelancer_api.post(f"/api/escrow/{funded_escrow.pk}/refund", {"amount": 100})
    assert agreed.status_code == 200
    assert agreed.json()["refunded_amount"] == 100.0 and agreed.json()["status"] == "funded"


def test_outsider_cannot_refund(outsider_api, funded_escrow):
    assert outsider_api.post(f"/api/escrow/{funded_escrow.pk}/refund", {}).status_code == 404


def test_escrow_detail_is_hidden_from_outsiders(client_api, freelancer_api, outsider_api, staff_api, funded_escrow):
    assert client_api.get(f"/api/escrow/{funded_escrow.pk}").status_code == 200
    assert freelancer_api.get(f"/api/escrow/{funded_escrow.pk}").status_code == 200
    assert outsider_api.get(f"/api/escrow/{funded_escrow.pk}").status_code == 404
    assert staff_api.get(f"/api/escrow/{funded_escrow.pk}").status_code == 404


def test_finance_staff_see_all_escrow(finance_api, funded_escrow):
    assert finance_api.get(f"/api/escrow/{funded_escrow.pk}").status_code == 200


def test_escrow_list_has_constant_queries(client_api, outsider_api, contract, client_user,
                                          django_assert_num_queries):
    def add():
        escrow_fund(contract=contract, actor=client_user, milestone=MilestoneFactory(contract=contract))

    add()
    client_api.get("/api/escrow/")  # warm up the session machinery
    with django_assert_num_queries(3) as first:
        response = client_api.get("/api/escrow/")
    assert response.json()["count"] == 1
    add()
    with django_assert_num_queries(len(first.captured_queries)):
        response = client_api.get("/api/escrow/")
    assert response.json()["count"] == 2
    assert outsider_api.get("/api/escrow/").json()["count"] == 0


def test_escrow_list_filters_by_contract(client_api, funded_escrow, contract):
    assert client_api.get(f"/api/escrow/?contract_id={contract.pk}").json()["count"] == 1
    assert client_api.get(f"/api/escrow/?contract_id={contract.pk + 999}").json()["count"] == 0


def test_balance_of_a_contract(client_api, freelancer_api, outsider_api, funded_escrow, contract):
    client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {"amount": 200})
    response = client_api.get(f"/api/escrow/balance?contract_id={contract.pk}")
    assert response.status_code == 200
    assert response.json() == {"contract_id": contract.pk, "total_funded": 500.0, "total_released": 200.0,
                               "total_refunded": 0.0, "available_balance": 300.0, "status": "partially_released",
                               "currency": "USD"}
    assert freelancer_api.get(f"/api/escrow/balance?contract_id={contract.pk}").status_code == 200
    assert outsider_api.get(f"/api/escrow/balance?contract_id={contract.pk}").status_code == 404
    assert client_api.get("/api/escrow/balance?contract_id=abc").status_code == 400


def test_balance_without_contract_is_the_callers_totals(client_api, outsider_api, funded_escrow, deposit):
    body = client_api.get("/api/escrow/balance").json()
    assert body["contract_id"] is None
    assert body["total_funded"] == 800.0 and body["available_balance"] == 800.0 and body["status"] == "funded"
    assert outsider_api.get("/api/escrow/balance").json()["total_funded"] == 0


def test_anonymous_gets_401(api, funded_escrow):
    assert api.get("/api/escrow/").status_code == 401
    assert api.post(f"/api/escrow/{funded_escrow.pk}/release", {}).status_code == 401


# Idempotency-Key


def test_same_key_and_body_replays_the_first_answer(client_api, funded_escrow):
    headers = {"HTTP_IDEMPOTENCY_KEY": "release-1"}
    first = client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {"amount": 100}, **headers)
    replay = client_api.post(f"/api/escrow/{funded_escrow.pk}/release/", {"amount": 100}, **headers)
    assert first.status_code == replay.status_code == 200
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Payment.objects.filter(payment_type=PaymentType.RELEASE).count() == 1


def test_same_key_with_another_body_answers_422(client_api, funded_escrow):
    headers = {"HTTP_IDEMPOTENCY_KEY": "release-2"}
    assert client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {"amount": 100}, **headers).status_code == 200
    other = client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {"amount": 150}, **headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_a_key_still_in_flight_answers_409(client_api, client_user, funded_escrow):
    from datetime import timedelta

    from django.utils import timezone

    from billing.idempotency import _fingerprint

    IdempotencyKey.objects.create(user=client_user, method="POST", path=f"/api/escrow/{funded_escrow.pk}/release",
                                  key="busy", request_hash=_fingerprint({}),
                                  expires_at=timezone.now() + timedelta(hours=24))
    response = client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {}, HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409 and response.json()["code"] == "request_in_flight"


def test_keys_are_scoped_to_the_user(client_api, outsider_api, contract, milestone, funded_escrow):
    headers = {"HTTP_IDEMPOTENCY_KEY": "shared-key"}
    assert client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {}, **headers).status_code == 200
    # The same key from someone else is a different request: it runs (and is refused on its own merits).
    assert outsider_api.post(f"/api/escrow/{funded_escrow.pk}/release", {}, **headers).status_code == 404


def test_a_failed_request_stores_nothing(client_api, funded_escrow):
    headers = {"HTTP_IDEMPOTENCY_KEY": "retry-me"}
    assert client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {"amount": 9999}, **headers).status_code == 400
    assert not IdempotencyKey.objects.filter(key="retry-me").exists()
