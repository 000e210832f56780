from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditLog
from billing.models import EscrowStatus, Payment, PaymentType, Refund, TransactionFee
from marketplace.models import ContractStatus
from support.models import Dispute, DisputeStatus

pytestmark = pytest.mark.django_db


def _open(api, milestone, **extra):
    body = {"contract_id": milestone.contract_id, "milestone_id": milestone.pk, "dispute_type": "quality",
            "description": "The delivered designs do not match the brief.", **extra}
    return api.post("/api/disputes", body, format="json")


def _answered(dispute, freelancer_api):
    response = freelancer_api.post(f"/api/disputes/{dispute['id']}/evidence",
                                   {"description": "The brief changed twice; here are the emails."})
    assert response.status_code == 201, response.content


def test_opening_freezes_the_escrow_and_marks_the_contract(client_api, funded_escrow, milestone, freelancer,
                                                           mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _open(client_api, milestone)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "open" and data["frozen_amount"] == 500.0 and data["escrow_id"] == funded_escrow.pk
    funded_escrow.refresh_from_db()
    milestone.contract.refresh_from_db()
    assert funded_escrow.status == EscrowStatus.DISPUTED
    assert milestone.contract.status == ContractStatus.DISPUTED
    dispute = Dispute.objects.get(pk=data["id"])
    assert timedelta(days=4, hours=23) < dispute.respond_by - timezone.now() <= timedelta(days=5)
    assert [m.to for m in mailoutbox if "dispute was opened" in m.subject] == [[freelancer.email]]
    assert AuditLog.objects.filter(action="dispute.opened", target_id=str(dispute.pk)).exists()


def test_the_freeze_blocks_release_and_approval(client_api, client_user, funded_escrow, milestone, freelancer):
    from billing.services.escrow import escrow_release
    from marketplace.services.milestones import milestone_approve, milestone_submit
    from megilance.api.exceptions import ApplicationError, Conflict

    milestone_submit(milestone=milestone, actor=freelancer, deliverables="Designs attached.")
    assert _open(client_api, milestone).status_code == 201
    with pytest.raises(Conflict):
        escrow_release(escrow=funded_escrow, actor=client_user)
    with pytest.raises(ApplicationError):
        milestone_approve(milestone=milestone, actor=client_user)
    response = client_api.post(f"/api/escrow/{funded_escrow.pk}/release", {}, format="json")
    assert response.status_code == 409
    funded_escrow.refresh_from_db()
    assert funded_escrow.released_amount == 0


def test_a_second_dispute_on_the_same_money_is_409(client_api, freelancer_api, funded_escrow, milestone):
    assert _open(client_api, milestone).status_code == 201
    assert _open(freelancer_api, milestone).status_code == 409


def test_outsider_cannot_open_or_see(outsider_api, client_api, funded_escrow, milestone):
    assert _open(outsider_api, milestone).status_code == 404
    dispute = _open(client_api, milestone).json()
    assert outsider_api.get(f"/api/disputes/{dispute['id']}").status_code == 404
    assert outsider_api.post(f"/api/disputes/{dispute['id']}/evidence", {"description": "x"}).status_code == 404
    assert outsider_api.get("/api/disputes").json()["count"] == 0


def test_nothing_in_escrow_is_400(client_api, milestone):
    assert _open(client_api, milestone).status_code == 400


def test_list_users_see_their_own_and_support_sees_all_in_constant_queries(
        client_api, freelancer_api, agent_api, funded_escrow, milestone, django_assert_num_queries):
    from billing.services.escrow import escrow_fund
    from marketplace.tests.factories import ContractFactory, MilestoneFactory

    _open(client_api, milestone)
    assert freelancer_api.get("/api/disputes").json()["count"] == 1
    agent_api.get("/api/disputes")
    with django_assert_num_queries(6):
        assert agent_api.get("/api/disputes").json()["count"] == 1
    other = ContractFactory()
    other_milestone = MilestoneFactory(contract=other, amount=Decimal("80.00"))
    escrow_fund(contract=other, actor=other.client, milestone=other_milestone)
    from support.services import dispute_open

    dispute_open(actor=other.client, contract=other, milestone=other_milestone, dispute_type="other",
                 description="Nothing was delivered.")
    with django_assert_num_queries(6):
        assert agent_api.get("/api/disputes").json()["count"] == 2
    assert client_api.get("/api/disputes").json()["count"] == 1


def test_dispute_from_opening_to_a_split_that_the_ledger_balances(
        client_api, freelancer_api, agent, agent_api, client_user, freelancer, funded_escrow, milestone,
        mailoutbox, django_capture_on_commit_callbacks):
    dispute = _open(client_api, milestone).json()
    _answered(dispute, freelancer_api)
    assert agent_api.post(f"/api/disputes/{dispute['id']}/assign", {}).json()["status"] == "under_review"
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_api.post(f"/api/disputes/{dispute['id']}/resolve",
                                  {"client_amount": 200, "freelancer_amount": 300,
                                   "resolution": "Half the designs were delivered as briefed."}, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "resolved" and data["client_amount"] == 200.0 and data["freelancer_amount"] == 300.0
    funded_escrow.refresh_from_db()
    assert funded_escrow.released_amount == Decimal("300.00") and funded_escrow.refunded_amount == Decimal("200.00")
    assert funded_escrow.status == EscrowStatus.RELEASED
    release = Payment.objects.get(escrow=funded_escrow, payment_type=PaymentType.RELEASE)
    # The freelancer's share pays the platform fee (10%).
    assert release.fee_amount == Decimal("30.00") and release.net_amount == Decimal("270.00")
    assert TransactionFee.objects.get(payment=release).platform_fee_amount == Decimal("30.00")
    assert Refund.objects.get(escrow=funded_escrow).amount == Decimal("200.00")
    milestone.contract.refresh_from_db()
    assert milestone.contract.status == ContractStatus.ACTIVE
    assert {tuple(m.to) for m in mailoutbox if "resolved" in m.subject} == {(client_user.email,),
                                                                            (freelancer.email,)}
    assert AuditLog.objects.filter(action="dispute.resolved", actor=agent).exists()
    call_command("ledger_check")


def test_shares_that_do_not_add_up_are_400_and_nothing_changes(client_api, freelancer_api, agent_api,
                                                               funded_escrow, milestone):
    dispute = _open(client_api, milestone).json()
    _answered(dispute, freelancer_api)
    response = agent_api.post(f"/api/disputes/{dispute['id']}/resolve",
                              {"client_amount": 200, "freelancer_amount": 200}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_split"
    funded_escrow.refresh_from_db()
    assert funded_escrow.status == EscrowStatus.DISPUTED and funded_escrow.released_amount == 0
    assert Dispute.objects.get(pk=dispute["id"]).status == DisputeStatus.OPEN
    assert not Payment.objects.filter(escrow=funded_escrow, payment_type=PaymentType.RELEASE).exists()


def test_resolving_twice_is_409(client_api, freelancer_api, agent_api, funded_escrow, milestone):
    dispute = _open(client_api, milestone).json()
    _answered(dispute, freelancer_api)
    body = {"client_amount": 500, "freelancer_amount": 0}
    assert agent_api.post(f"/api/disputes/{dispute['id']}/resolve", body, format="json").status_code == 200
    assert agent_api.post(f"/api/disputes/{dispute['id']}/resolve", body, format="json").status_code == 409
    funded_escrow.refresh_from_db()
    assert funded_escrow.status == EscrowStatus.REFUNDED and funded_escrow.refunded_amount == Decimal("500.00")


def test_staff_wait_for_the_response_time_unless_the_other_party_answered(client_api, agent, agent_api,
                                                                          funded_escrow, milestone):
    from support.services import dispute_resolve

    dispute = _open(client_api, milestone).json()
    body = {"client_amount": 0, "freelancer_amount": 500}
    response = agent_api.post(f"/api/disputes/{dispute['id']}/resolve", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "awaiting_response"
    later = timezone.now() + timedelta(days=5, minutes=1)
    resolved = dispute_resolve(dispute=Dispute.objects.get(pk=dispute["id"]), actor=agent, client_amount=0,
                               freelancer_amount=500, now=later)
    assert resolved.status == DisputeStatus.RESOLVED
    call_command("ledger_check")


def test_parties_may_not_resolve_or_assign(client_api, freelancer_api, staff_api, funded_escrow, milestone):
    dispute = _open(client_api, milestone).json()
    body = {"client_amount": 500, "freelancer_amount": 0}
    assert client_api.post(f"/api/disputes/{dispute['id']}/resolve", body, format="json").status_code == 403
    assert freelancer_api.post(f"/api/disputes/{dispute['id']}/assign", {}).status_code == 403
    # Staff outside the Support group do not see other people's disputes at all.
    assert staff_api.post(f"/api/disputes/{dispute['id']}/resolve", body, format="json").status_code == 404


def test_evidence_after_resolution_is_409(client_api, freelancer_api, agent_api, funded_escrow, milestone):
    dispute = _open(client_api, milestone).json()
    _answered(dispute, freelancer_api)
    agent_api.post(f"/api/disputes/{dispute['id']}/resolve", {"client_amount": 250, "freelancer_amount": 250},
                   format="json")
    response = client_api.post(f"/api/disputes/{dispute['id']}/evidence", {"description": "One more thing"})
    assert response.status_code == 409


def test_first_evidence_of_the_other_party_counts_as_response(client_api, freelancer_api, funded_escrow,
                                                              milestone):
    dispute = _open(client_api, milestone).json()
    client_api.post(f"/api/disputes/{dispute['id']}/evidence", {"description": "More from me."})
    assert Dispute.objects.get(pk=dispute["id"]).responded_at is None
    _answered(dispute, freelancer_api)
    assert Dispute.objects.get(pk=dispute["id"]).responded_at is not None
