"""The contracts API: only the parties see a contract, the client edits and completes it, either side cancels."""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.tests.factories import FreelancerFactory, StaffFactory
from marketplace import events
from marketplace.models import (
    Contract,
    ContractStatus,
    ContractType,
    MilestoneStatus,
    ProjectStatus,
)
from marketplace.tests.factories import ContractFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@contextmanager
def captured(signal):
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    signal.connect(receiver, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(receiver)


@pytest.fixture
def contract(client_user, freelancer):
    contract = ContractFactory(project__client=client_user, freelancer=freelancer, amount=Decimal("800.00"))
    MilestoneFactory(contract=contract, amount=Decimal("300.00"), status=MilestoneStatus.APPROVED)
    MilestoneFactory(contract=contract, amount=Decimal("500.00"))
    return contract


def url(contract, action=""):
    return f"/api/contracts/{contract.pk}" + (f"/{action}" if action else "")


def staff_reader(api_as):
    staff = StaffFactory(email="reader@example.com")
    staff.user_permissions.add(Permission.objects.get(codename="view_contract"))
    return api_as(staff)


# Reading


def test_party_reads_contract_with_parties_numbers_and_milestone_counts(client_api, freelancer_api, contract):
    for api in (client_api, freelancer_api):
        response = api.get(url(contract))
        assert response.status_code == 200
        body = response.json()
        assert body["client"] == {"id": contract.client_id, "name": "Alice Client"}
        assert body["freelancer"] == {"id": contract.freelancer_id, "name": "Bob Freelancer"}
        assert body["client_id"] == contract.client_id and body["project_id"] == contract.project_id
        assert body["amount"] == 800.0 and isinstance(body["amount"], float)
        assert body["contract_type"] == "fixed" and body["currency"] == "USD" and body["status"] == "active"
        assert body["milestones_summary"]["total"] == 2
        assert body["milestones_summary"]["approved"] == 1
        assert body["milestones_summary"]["pending"] == 1


def test_outsider_and_staff_without_rights_get_404(outsider_api, staff_api, api_as, contract):
    other_freelancer = api_as(FreelancerFactory())
    for api in (outsider_api, staff_api, other_freelancer):
        assert api.get(url(contract)).status_code == 404
        assert api.get("/api/contracts/").json()["count"] == 0


def test_anonymous_gets_401(api, contract):
    assert api.get("/api/contracts/").status_code == 401
    assert api.get(url(contract)).status_code == 401


def test_staff_with_view_permission_reads_but_may_not_edit(api_as, contract):
    reader = staff_reader(api_as)
    assert reader.get(url(contract)).status_code == 200
    assert reader.patch(url(contract), {"title": "Mine now"}).status_code == 403
    assert reader.post(url(contract, "complete")).status_code == 403


def test_list_shows_only_own_contracts_filtered_by_status(client_api, client_user, freelancer, contract):
    ContractFactory(project__client=client_user, freelancer=freelancer, status=ContractStatus.COMPLETED)
    ContractFactory()  # someone else's
    assert client_api.get("/api/contracts/").json()["count"] == 2
    body = client_api.get("/api/contracts?status=completed").json()
    assert [row["status"] for row in body["results"]] == ["completed"]


def test_list_query_count_is_constant(client_api, client_user, freelancer, django_assert_num_queries):
    def add():
        contract = ContractFactory(project__client=client_user, freelancer=freelancer)
        MilestoneFactory.create_batch(2, contract=contract)

    add()
    add()
    # count, page, the page's milestone counts (one grouped query), and the session check
    with django_assert_num_queries(4):
        response = client_api.get("/api/contracts/")
    assert response.json()["count"] == 2
    add()
    with django_assert_num_queries(4):
        response = client_api.get("/api/contracts/")
    assert response.json()["count"] == 3
    assert all(row["milestones_summary"]["total"] == 2 for row in response.json()["results"])


def test_path_without_trailing_slash_answers(client_api, contract):
    assert client_api.get(f"/api/contracts/{contract.pk}/").status_code == 200
    assert client_api.get("/api/contracts").status_code == 200


# Editing


def test_client_edits_title_description_and_end_date(client_api, contract):
    end = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client_api.patch(url(contract), {"title": "Shop rebuild", "description": "All pages", "end_date": end})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Shop rebuild" and response.json()["end_date"] == end


def test_freelancer_may_not_edit_the_contract(freelancer_api, contract):
    response = freelancer_api.patch(url(contract), {"title": "Better pay"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_outsider_edit_gets_404(outsider_api, contract):
    assert outsider_api.patch(url(contract), {"title": "x"}).status_code == 404


def test_money_fields_cannot_be_patched(client_api, contract):
    response = client_api.patch(url(contract), {"amount": 1})
    assert response.status_code == 400
    assert "amount" in response.json()["errors"]


def test_weekly_limit_only_on_hourly_contracts(client_api, client_user, freelancer, contract):
    assert client_api.patch(url(contract), {"weekly_limit_hours": 20}).status_code == 400
    hourly = ContractFactory(project__client=client_user, freelancer=freelancer, contract_type=ContractType.HOURLY,
                             amount=None, hourly_rate=Decimal("50.00"), weekly_limit_hours=Decimal("40.00"))
    response = client_api.patch(url(hourly), {"weekly_limit_hours": 20})
    assert response.status_code == 200
    assert response.json()["weekly_limit_hours"] == 20.0


def test_finished_contract_cannot_be_edited(client_api, contract):
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.COMPLETED)
    assert client_api.patch(url(contract), {"title": "Late"}).status_code == 400


def test_bad_input_is_400_not_500(client_api, contract):
    assert client_api.patch(url(contract), {"end_date": "next week"}).status_code == 400
    assert client_api.patch(url(contract), {"end_date": "2000-01-01"}).status_code == 400


# Direct hire


def test_client_hires_directly_on_own_project(client_api, client_user, freelancer):
    project = ProjectFactory(client=client_user)
    with captured(events.contract_created) as sent:
        response = client_api.post("/api/contracts/", {
            "project_id": project.pk, "freelancer_id": freelancer.pk, "contract_type": "Fixed",
            "milestones": [{"title": "Design", "amount": "250.50"}, {"title": "Build", "amount": 749.5}],
        })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == 1000.0 and body["freelancer_id"] == freelancer.pk and body["proposal_id"] is None
    assert body["milestones_summary"]["total"] == 2
    assert len(sent) == 1


def test_direct_hourly_hire_needs_a_rate(client_api, client_user, freelancer):
    project = ProjectFactory(client=client_user)
    data = {"project_id": project.pk, "freelancer_id": freelancer.pk, "contract_type": "hourly"}
    assert client_api.post("/api/contracts/", data).status_code == 400
    response = client_api.post("/api/contracts/", {**data, "hourly_rate": 45, "weekly_limit_hours": 10})
    assert response.status_code == 201
    assert response.json()["hourly_rate"] == 45.0 and response.json()["amount"] is None
    assert response.json()["milestones_summary"]["total"] == 0


def test_freelancer_may_not_hire(freelancer_api, client_user, other_freelancer):
    project = ProjectFactory(client=client_user)
    response = freelancer_api.post("/api/contracts/", {"project_id": project.pk,
                                                       "freelancer_id": other_freelancer.pk, "amount": 100})
    assert response.status_code == 403


def test_outsider_cannot_hire_on_someone_elses_project(outsider_api, client_user, freelancer):
    project = ProjectFactory(client=client_user)
    response = outsider_api.post("/api/contracts/", {"project_id": project.pk, "freelancer_id": freelancer.pk,
                                                     "amount": 100})
    assert response.status_code == 404
    assert not Contract.objects.exists()


def test_hire_refuses_a_client_as_freelancer(client_api, client_user, outsider):
    project = ProjectFactory(client=client_user)
    response = client_api.post("/api/contracts/", {"project_id": project.pk, "freelancer_id": outsider.pk,
                                                   "amount": 100})
    assert response.status_code == 400
    assert "freelancer_id" in response.json()["errors"]


def test_hire_refuses_a_closed_project(client_api, client_user, freelancer):
    project = ProjectFactory(client=client_user, status=ProjectStatus.CANCELLED)
    response = client_api.post("/api/contracts/", {"project_id": project.pk, "freelancer_id": freelancer.pk,
                                                   "amount": 100})
    assert response.status_code == 400


# Complete


def test_client_completes_and_contract_completed_is_sent(client_api, contract):
    with captured(events.contract_completed) as sent:
        response = client_api.post(url(contract, "complete"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "completed" and response.json()["completed_at"]
    assert [call["contract"].pk for call in sent] == [contract.pk]
    contract.project.refresh_from_db()
    assert contract.project.status == ProjectStatus.COMPLETED


def test_completing_twice_is_409(client_api, contract):
    assert client_api.post(url(contract, "complete")).status_code == 200
    response = client_api.post(url(contract, "complete"))
    assert response.status_code == 409 and response.json()["code"] == "already_completed"


def test_freelancer_may_not_complete(freelancer_api, contract):
    assert freelancer_api.post(url(contract, "complete")).status_code == 403


def test_outsider_complete_gets_404(outsider_api, contract):
    assert outsider_api.post(url(contract, "complete")).status_code == 404


@pytest.mark.parametrize("held", [MilestoneStatus.FUNDED, MilestoneStatus.IN_PROGRESS, MilestoneStatus.SUBMITTED])
def test_complete_refused_while_money_is_held_or_work_waits(client_api, contract, held):
    MilestoneFactory(contract=contract, status=held, funded_at=timezone.now())
    response = client_api.post(url(contract, "complete"))
    assert response.status_code == 400
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.ACTIVE


def test_rejected_milestone_with_escrow_blocks_complete(client_api, contract):
    MilestoneFactory(contract=contract, status=MilestoneStatus.REJECTED, funded_at=timezone.now())
    response = client_api.post(url(contract, "complete"))
    assert response.status_code == 400 and response.json()["code"] == "money_in_escrow"


def test_disputed_contract_cannot_be_completed_or_cancelled(client_api, freelancer_api, contract):
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.DISPUTED)
    for api, action in ((client_api, "complete"), (freelancer_api, "cancel"), (client_api, "cancel")):
        response = api.post(url(contract, action))
        assert response.status_code == 400
        assert response.json()["code"] == "contract_disputed"
        assert "dispute" in response.json()["detail"]


def test_project_stays_in_progress_while_another_contract_runs(client_api, client_user, freelancer, contract):
    ContractFactory(project=contract.project, client=client_user, freelancer=FreelancerFactory())
    assert client_api.post(url(contract, "complete")).status_code == 200
    contract.project.refresh_from_db()
    assert contract.project.status == ProjectStatus.IN_PROGRESS


# Cancel


def test_freelancer_cancels_and_contract_cancelled_is_sent(freelancer_api, freelancer, contract):
    with captured(events.contract_cancelled) as sent:
        response = freelancer_api.post(url(contract, "cancel"), {"reason": "Scope changed"})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" and response.json()["cancelled_at"]
    assert sent[0]["actor"] == freelancer and sent[0]["reason"] == "Scope changed"


def test_client_cancels_too(client_api, contract):
    assert client_api.post(url(contract, "cancel")).status_code == 200


def test_cancelling_twice_is_409(client_api, freelancer_api, contract):
    assert client_api.post(url(contract, "cancel")).status_code == 200
    assert freelancer_api.post(url(contract, "cancel")).status_code == 409


def test_outsider_cancel_gets_404(outsider_api, contract):
    assert outsider_api.post(url(contract, "cancel")).status_code == 404


def test_staff_reader_may_not_cancel(api_as, contract):
    assert staff_reader(api_as).post(url(contract, "cancel")).status_code == 403


@pytest.mark.parametrize("held", [MilestoneStatus.FUNDED, MilestoneStatus.SUBMITTED])
def test_cancel_refused_while_money_in_escrow_or_work_submitted(freelancer_api, contract, held):
    MilestoneFactory(contract=contract, status=held,
                     funded_at=timezone.now() if held == MilestoneStatus.FUNDED else None)
    response = freelancer_api.post(url(contract, "cancel"))
    assert response.status_code == 400
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.ACTIVE


def test_completed_contract_cannot_be_cancelled(client_api, contract):
    assert client_api.post(url(contract, "complete")).status_code == 200
    assert client_api.post(url(contract, "cancel")).status_code == 400


# Pause and resume


def test_client_pauses_and_resumes(client_api, contract):
    response = client_api.post(url(contract, "pause"))
    assert response.status_code == 200 and response.json()["status"] == "paused" and response.json()["paused_at"]
    assert client_api.post(url(contract, "pause")).status_code == 409
    response = client_api.post(url(contract, "resume"))
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert client_api.post(url(contract, "resume")).status_code == 409


def test_freelancer_may_not_pause_and_outsider_gets_404(freelancer_api, outsider_api, contract):
    assert freelancer_api.post(url(contract, "pause")).status_code == 403
    assert outsider_api.post(url(contract, "pause")).status_code == 404
    assert outsider_api.post(url(contract, "resume")).status_code == 404


def test_paused_contract_can_still_be_completed(client_api, contract):
    client_api.post(url(contract, "pause"))
    assert client_api.post(url(contract, "complete")).status_code == 200


def test_the_list_shows_the_same_milestone_counts_as_the_contract(client_api, contract):
    """The list adds its page's counts after paging (milestone_summary_attach); they match the detail's."""
    detail = client_api.get(url(contract)).json()["milestones_summary"]
    listed = next(row for row in client_api.get("/api/contracts/").json()["results"] if row["id"] == contract.pk)
    assert listed["milestones_summary"] == detail
    assert detail["total"] == 2 and detail["approved"] == 1 and detail["pending"] == 1
    assert set(detail) == {"total", "pending", "funded", "in_progress", "submitted", "approved", "rejected", "paid"}
