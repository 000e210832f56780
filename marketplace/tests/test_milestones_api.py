"""The milestones API: the client plans pending milestones, the freelancer submits, the client approves or
rejects; only the parties see them."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from marketplace import events
from marketplace.models import Contract, ContractStatus, ContractType, Milestone, MilestoneStatus
from marketplace.tests.factories import ContractFactory, MilestoneFactory
from megilance.api.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


@contextmanager
def captured(signal, effect=None):
    calls = []

    def receiver(sender, **kwargs):
        calls.append({**kwargs, "in_atomic_block": transaction.get_connection().in_atomic_block})
        if effect:
            effect(**kwargs)

    signal.connect(receiver, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(receiver)


@pytest.fixture
def contract(client_user, freelancer):
    return ContractFactory(project__client=client_user, freelancer=freelancer, amount=Decimal("500.00"))


@pytest.fixture
def milestone(contract):
    return MilestoneFactory(contract=contract, amount=Decimal("500.00"), order=1)


@pytest.fixture
def submitted(milestone):
    Milestone.objects.filter(pk=milestone.pk).update(status=MilestoneStatus.SUBMITTED, funded_at=timezone.now(),
                                                     submitted_at=timezone.now(), deliverables="v1")
    milestone.refresh_from_db()
    return milestone


def url(milestone, action=""):
    return f"/api/milestones/{milestone.pk}" + (f"/{action}" if action else "")


def amount_of(contract) -> Decimal:
    return Contract.objects.get(pk=contract.pk).amount


# Reading


def test_parties_read_a_milestone_with_money_as_numbers(client_api, freelancer_api, milestone):
    for api in (client_api, freelancer_api):
        body = api.get(url(milestone)).json()
        assert body["contract_id"] == milestone.contract_id and body["amount"] == 500.0
        assert body["status"] == "pending" and body["currency"] == "USD"


def test_outsiders_get_404_and_see_no_milestones(outsider_api, staff_api, other_freelancer, api_as, milestone):
    for api in (outsider_api, staff_api, api_as(other_freelancer)):
        assert api.get(url(milestone)).status_code == 404
        assert api.get("/api/milestones").json()["count"] == 0
        assert api.get(f"/api/milestones?contract_id={milestone.contract_id}").json()["count"] == 0


def test_anonymous_gets_401(api, milestone):
    assert api.get("/api/milestones").status_code == 401
    assert api.post(url(milestone, "approve")).status_code == 401


def test_list_filters_by_contract(client_api, client_user, freelancer, milestone):
    other = ContractFactory(project__client=client_user, freelancer=freelancer)
    MilestoneFactory.create_batch(2, contract=other)
    MilestoneFactory()  # someone else's
    assert client_api.get("/api/milestones").json()["count"] == 3
    body = client_api.get(f"/api/milestones/?contract_id={other.pk}").json()
    assert body["count"] == 2 and {row["contract_id"] for row in body["results"]} == {other.pk}


def test_list_query_count_is_constant(freelancer_api, contract, django_assert_num_queries):
    MilestoneFactory.create_batch(2, contract=contract)
    with django_assert_num_queries(3):
        response = freelancer_api.get("/api/milestones/")
    assert response.json()["count"] == 2
    MilestoneFactory(contract=contract)
    with django_assert_num_queries(3):
        response = freelancer_api.get("/api/milestones/")
    assert response.json()["count"] == 3


# Planning: create, edit, delete


def test_client_adds_a_milestone_and_the_contract_amount_follows(client_api, contract, milestone):
    response = client_api.post("/api/milestones/", {"contract_id": contract.pk, "title": "Launch",
                                                    "amount": "250.25", "due_date": "2030-01-31"})
    assert response.status_code == 201, response.content
    assert response.json()["order"] == 2 and response.json()["amount"] == 250.25
    assert amount_of(contract) == Decimal("750.25")


def test_freelancer_may_not_plan_milestones(freelancer_api, contract, milestone):
    response = freelancer_api.post("/api/milestones/", {"contract_id": contract.pk, "title": "Bonus", "amount": 9})
    assert response.status_code == 403
    assert freelancer_api.patch(url(milestone), {"amount": 900}).status_code == 403
    assert freelancer_api.delete(url(milestone)).status_code == 403


def test_outsider_may_not_add_to_someone_elses_contract(outsider_api, contract):
    response = outsider_api.post("/api/milestones/", {"contract_id": contract.pk, "title": "Mine", "amount": 9})
    assert response.status_code == 404
    assert not Milestone.objects.filter(title="Mine").exists()


def test_no_milestones_on_hourly_or_closed_contracts(client_api, client_user, freelancer, contract):
    hourly = ContractFactory(project__client=client_user, freelancer=freelancer, contract_type=ContractType.HOURLY,
                             amount=None, hourly_rate=Decimal("40.00"))
    assert client_api.post("/api/milestones/", {"contract_id": hourly.pk, "title": "x", "amount": 9}).status_code \
        == 400
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.CANCELLED)
    assert client_api.post("/api/milestones/", {"contract_id": contract.pk, "title": "x", "amount": 9}).status_code \
        == 400


def test_milestone_amount_must_be_positive(client_api, contract):
    for amount in (0, -5, "lots"):
        response = client_api.post("/api/milestones/", {"contract_id": contract.pk, "title": "x", "amount": amount})
        assert response.status_code == 400


def test_client_edits_a_pending_milestone_and_the_amount_follows(client_api, contract, milestone):
    MilestoneFactory(contract=contract, amount=Decimal("100.00"))
    response = client_api.patch(url(milestone), {"amount": "650.00", "title": "Phase one"})
    assert response.status_code == 200 and response.json()["title"] == "Phase one"
    assert amount_of(contract) == Decimal("750.00")


def test_put_needs_the_full_milestone(client_api, milestone):
    assert client_api.put(url(milestone), {"title": "Only title"}).status_code == 400
    assert client_api.put(url(milestone), {"title": "Whole", "amount": 10}).status_code == 200


def test_funded_milestone_cannot_be_changed_or_deleted(client_api, contract, milestone):
    Milestone.objects.filter(pk=milestone.pk).update(status=MilestoneStatus.FUNDED, funded_at=timezone.now())
    response = client_api.patch(url(milestone), {"amount": 10})
    assert response.status_code == 400 and response.json()["code"] == "milestone_not_pending"
    assert client_api.delete(url(milestone)).status_code == 400
    assert amount_of(contract) == Decimal("500.00")


def test_client_deletes_a_pending_milestone(client_api, contract, milestone):
    MilestoneFactory(contract=contract, amount=Decimal("120.00"))
    assert client_api.delete(url(milestone)).status_code == 204
    assert amount_of(contract) == Decimal("120.00")


def test_outsider_edit_and_delete_get_404(outsider_api, milestone):
    assert outsider_api.patch(url(milestone), {"amount": 1}).status_code == 404
    assert outsider_api.delete(url(milestone)).status_code == 404


# Submit


def test_freelancer_submits_pending_work(freelancer_api, milestone):
    with captured(events.milestone_submitted) as sent:
        response = freelancer_api.post(url(milestone, "submit"), {"deliverables": "https://example.com/build"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["deliverables"] == "https://example.com/build"
    assert body["submitted_at"] and len(sent) == 1


def test_submit_needs_deliverables(freelancer_api, milestone):
    assert freelancer_api.post(url(milestone, "submit"), {}).status_code == 400
    assert freelancer_api.post(url(milestone, "submit"), {"deliverables": "   "}).status_code == 400


def test_client_may_not_submit_and_outsider_gets_404(client_api, outsider_api, milestone):
    assert client_api.post(url(milestone, "submit"), {"deliverables": "x"}).status_code == 403
    assert outsider_api.post(url(milestone, "submit"), {"deliverables": "x"}).status_code == 404


def test_submitting_twice_is_409(freelancer_api, milestone):
    assert freelancer_api.post(url(milestone, "submit"), {"deliverables": "v1"}).status_code == 200
    assert freelancer_api.post(url(milestone, "submit"), {"deliverables": "v1"}).status_code == 409


def test_rejected_work_can_be_resubmitted(freelancer_api, submitted):
    Milestone.objects.filter(pk=submitted.pk).update(status=MilestoneStatus.REJECTED, feedback="Fix the header")
    response = freelancer_api.post(url(submitted, "submit"), {"deliverables": "v2"})
    assert response.status_code == 200
    assert response.json()["status"] == "submitted" and response.json()["feedback"] == "Fix the header"


def test_no_submission_on_a_paused_contract(freelancer_api, contract, milestone):
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.PAUSED)
    assert freelancer_api.post(url(milestone, "submit"), {"deliverables": "x"}).status_code == 400


# Approve


def test_client_approves_and_milestone_approved_is_sent_inside_the_transaction(client_api, client_user, submitted):
    with captured(events.milestone_approved) as sent:
        response = client_api.post(url(submitted, "approve"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved" and response.json()["approved_at"]
    assert len(sent) == 1 and sent[0]["actor"] == client_user and sent[0]["in_atomic_block"]
    assert sent[0]["milestone"].status == MilestoneStatus.APPROVED


def test_approval_rolls_back_when_the_release_fails(client_api, submitted):
    def release_fails(**kwargs):
        raise ApplicationError("The escrow could not be released.", code="release_failed")

    with captured(events.milestone_approved, effect=release_fails):
        response = client_api.post(url(submitted, "approve"))
    assert response.status_code == 400 and response.json()["code"] == "release_failed"
    submitted.refresh_from_db()
    assert submitted.status == MilestoneStatus.SUBMITTED and submitted.approved_at is None


def test_approving_twice_is_409(client_api, submitted):
    with captured(events.milestone_approved) as sent:
        assert client_api.post(url(submitted, "approve")).status_code == 200
        response = client_api.post(url(submitted, "approve"))
    assert response.status_code == 409 and response.json()["code"] == "already_approved"
    assert len(sent) == 1


def test_freelancer_may_not_approve_and_outsider_gets_404(freelancer_api, outsider_api, submitted):
    assert freelancer_api.post(url(submitted, "approve")).status_code == 403
    assert outsider_api.post(url(submitted, "approve")).status_code == 404


def test_staff_with_view_permission_may_not_approve(api_as, submitted):
    from django.contrib.auth.models import Permission

    staff = StaffFactory(email="reader@example.com")
    staff.user_permissions.add(Permission.objects.get(codename="view_milestone"))
    reader = api_as(staff)
    assert reader.get(url(submitted)).status_code == 200
    assert reader.post(url(submitted, "approve")).status_code == 403


def test_only_submitted_work_can_be_approved(client_api, milestone):
    response = client_api.post(url(milestone, "approve"))
    assert response.status_code == 400 and response.json()["code"] == "milestone_not_submitted"


def test_disputed_contract_blocks_approval(client_api, contract, submitted):
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.DISPUTED)
    response = client_api.post(url(submitted, "approve"))
    assert response.status_code == 400 and response.json()["code"] == "contract_disputed"
    submitted.refresh_from_db()
    assert submitted.status == MilestoneStatus.SUBMITTED


# Reject


def test_client_rejects_with_feedback(client_api, submitted):
    with captured(events.milestone_rejected) as sent:
        response = client_api.post(url(submitted, "reject"), {"feedback": "The checkout page is missing."})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "rejected" and body["feedback"] == "The checkout page is missing."
    assert body["rejected_at"] and len(sent) == 1


def test_reject_needs_feedback(client_api, submitted):
    response = client_api.post(url(submitted, "reject"), {})
    assert response.status_code == 400 and "feedback" in response.json()["errors"]
    assert client_api.post(url(submitted, "reject"), {"feedback": "  "}).status_code == 400


def test_rejecting_twice_is_409(client_api, submitted):
    assert client_api.post(url(submitted, "reject"), {"feedback": "No"}).status_code == 200
    assert client_api.post(url(submitted, "reject"), {"feedback": "No"}).status_code == 409


def test_freelancer_may_not_reject_and_outsider_gets_404(freelancer_api, outsider_api, submitted):
    assert freelancer_api.post(url(submitted, "reject"), {"feedback": "x"}).status_code == 403
    assert outsider_api.post(url(submitted, "reject"), {"feedback": "x"}).status_code == 404
