from decimal import Decimal

import pytest

from accounts.tests.factories import FreelancerFactory
from marketplace import events
from marketplace.models import (
    BudgetType,
    Contract,
    Milestone,
    Project,
    ProjectStatus,
    Proposal,
    ProposalStatus,
)

from .factories import ProjectFactory, ProposalFactory

pytestmark = pytest.mark.django_db

LETTER = "I have built three shops like this one in Django and can start on Monday morning."


@pytest.fixture
def project(client_user):
    return ProjectFactory(client=client_user)


def bid(project, **overrides):
    data = {"project_id": project.pk, "cover_letter": LETTER, "bid_amount": 900, "availability": "next week"}
    data.update(overrides)
    return data


def _count(project):
    return Project.objects.get(pk=project.pk).proposal_count


# Submitting ----------------------------------------------------------------------------------------------------


def test_freelancer_bids_on_an_open_project(freelancer_api, freelancer, project):
    response = freelancer_api.post("/api/proposals/", bid(project), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["bid_amount"] == 900
    assert body["freelancer_id"] == freelancer.pk
    assert body["freelancer"] == {"id": freelancer.pk, "name": "Bob Freelancer"}
    assert body["project_id"] == project.pk and body["project"]["title"] == project.title
    assert body["contract_id"] is None
    assert _count(project) == 1


def test_bid_is_hours_times_rate_rounded_to_the_cent(freelancer_api, project):
    data = bid(project, estimated_hours="1.5", hourly_rate="33.33")
    del data["bid_amount"]
    response = freelancer_api.post("/api/proposals", data, format="json")
    assert response.status_code == 201, response.content
    # 1.5 x 33.33 = 49.995, rounded half up.
    assert response.json()["bid_amount"] == 50.0
    assert Proposal.objects.get().bid_amount == Decimal("50.00")


def test_bid_without_amount_or_hours_and_rate_is_400(freelancer_api, project):
    data = bid(project, estimated_hours=10)
    del data["bid_amount"]
    response = freelancer_api.post("/api/proposals/", data, format="json")
    assert response.status_code == 400
    assert "bid_amount" in response.json()["errors"]


def test_short_cover_letter_is_400(freelancer_api, project):
    response = freelancer_api.post("/api/proposals/", bid(project, cover_letter="Hire me."), format="json")
    assert response.status_code == 400
    assert "cover_letter" in response.json()["errors"]


def test_milestone_plan_is_stored_with_amounts_as_numbers(freelancer_api, project):
    plan = [{"title": "Design", "amount": "300.50", "due_date": "2030-01-15"},
            {"title": "Build", "amount": 600}]
    response = freelancer_api.post("/api/proposals/", bid(project, milestones=plan), format="json")
    assert response.status_code == 201, response.content
    milestones = response.json()["milestones"]
    assert milestones[0]["amount"] == 300.5 and milestones[0]["due_date"] == "2030-01-15"
    assert milestones[1]["amount"] == 600


def test_bad_milestone_plan_is_400(freelancer_api, project):
    response = freelancer_api.post("/api/proposals/", bid(project, milestones=[{"title": "x"}]), format="json")
    assert response.status_code == 400


def test_client_cannot_bid(client_api, outsider_api, project):
    assert client_api.post("/api/proposals/", bid(project), format="json").status_code == 403
    assert outsider_api.post("/api/proposals/", bid(project), format="json").status_code == 403


def test_anonymous_cannot_bid_or_list(api, project):
    assert api.post("/api/proposals/", bid(project), format="json").status_code == 401
    assert api.get("/api/proposals/").status_code == 401


@pytest.mark.parametrize("status", [ProjectStatus.IN_PROGRESS, ProjectStatus.CANCELLED, ProjectStatus.COMPLETED,
                                    ProjectStatus.ON_HOLD])
def test_only_open_projects_take_bids(freelancer_api, freelancer, client_user, status):
    project = ProjectFactory(client=client_user, status=status)
    ProposalFactory(project=project, freelancer=FreelancerFactory())  # someone bid earlier: it stays visible
    response = freelancer_api.post("/api/proposals/", bid(project), format="json")
    assert response.status_code == 400
    assert not Proposal.objects.filter(freelancer=freelancer).exists()


def test_bid_on_a_draft_or_hidden_project_is_400_project_not_found(freelancer_api, client_user):
    for project in (ProjectFactory(client=client_user, status=ProjectStatus.DRAFT),
                    ProjectFactory(client=client_user, is_hidden=True)):
        response = freelancer_api.post("/api/proposals/", bid(project), format="json")
        assert response.status_code == 400
        assert response.json()["errors"]["project_id"] == ["Project not found."]


def test_second_live_bid_on_the_same_project_is_400(freelancer_api, project):
    assert freelancer_api.post("/api/proposals/", bid(project), format="json").status_code == 201
    response = freelancer_api.post("/api/proposals/", bid(project), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_proposal"
    assert _count(project) == 1


def test_after_withdrawing_a_freelancer_may_bid_again(freelancer_api, project):
    first = freelancer_api.post("/api/proposals/", bid(project), format="json").json()["id"]
    assert freelancer_api.post(f"/api/proposals/{first}/withdraw").status_code == 200
    assert _count(project) == 0
    assert freelancer_api.post("/api/proposals/", bid(project), format="json").status_code == 201
    assert _count(project) == 1


def test_create_ignores_freelancer_id_status_and_contract(freelancer_api, freelancer, other_freelancer, project):
    response = freelancer_api.post("/api/proposals/", bid(project, freelancer_id=other_freelancer.pk,
                                                          status="accepted", decided_at="2020-01-01T00:00:00Z",
                                                          contract_id=5), format="json")
    assert response.status_code == 201
    proposal = Proposal.objects.get()
    assert proposal.freelancer_id == freelancer.pk
    assert proposal.status == ProposalStatus.SUBMITTED and proposal.decided_at is None
    assert not Contract.objects.exists()


# Who sees what -------------------------------------------------------------------------------------------------


def test_owner_sees_every_bid_on_their_project_and_freelancers_their_own(
    client_api, freelancer_api, freelancer, other_freelancer, api_as, project, outsider_api,
):
    mine = ProposalFactory(project=project, freelancer=freelancer)
    theirs = ProposalFactory(project=project, freelancer=other_freelancer)
    elsewhere = ProposalFactory()

    def ids(api):
        return {row["id"] for row in api.get("/api/proposals/").json()["results"]}

    assert ids(client_api) == {mine.pk, theirs.pk}
    assert ids(freelancer_api) == {mine.pk}
    assert ids(api_as(other_freelancer)) == {theirs.pk}
    assert ids(outsider_api) == set()
    assert freelancer_api.get(f"/api/proposals/{theirs.pk}").status_code == 404
    assert freelancer_api.get(f"/api/proposals/{elsewhere.pk}").status_code == 404
    assert outsider_api.get(f"/api/proposals/{mine.pk}").status_code == 404
    assert client_api.get(f"/api/proposals/{mine.pk}").status_code == 200


def test_staff_without_rights_sees_no_proposals(staff_api, project):
    proposal = ProposalFactory(project=project)
    assert staff_api.get(f"/api/proposals/{proposal.pk}").status_code == 404
    assert staff_api.get("/api/proposals/").json()["count"] == 0


def test_list_filters_by_project_and_status(client_api, client_user):
    first, second = ProjectFactory(client=client_user), ProjectFactory(client=client_user)
    a = ProposalFactory(project=first)
    b = ProposalFactory(project=second, status=ProposalStatus.SHORTLISTED)
    assert [r["id"] for r in client_api.get(f"/api/proposals/?project_id={first.pk}").json()["results"]] == [a.pk]
    assert [r["id"] for r in client_api.get("/api/proposals/?status=shortlisted").json()["results"]] == [b.pk]
    ordered = client_api.get("/api/proposals/?ordering=bid_high").json()["results"]
    assert len(ordered) == 2


def test_proposal_list_query_count_is_constant(client_api, client_user, django_assert_num_queries):
    def add():
        ProposalFactory(project=ProjectFactory(client=client_user))

    for _ in range(3):
        add()
    # session, count, page (project, client, freelancer and contract joined)
    # The page's ids, then its rows (megilance.api.pagination.IdsFirstPaginator).
    with django_assert_num_queries(4):
        assert client_api.get("/api/proposals/").json()["count"] == 3
    add()
    with django_assert_num_queries(4):
        assert client_api.get("/api/proposals/").json()["count"] == 4


# Editing and deleting ------------------------------------------------------------------------------------------


def test_freelancer_edits_own_bid_and_the_bid_follows_hours_and_rate(freelancer_api, freelancer, project):
    proposal = ProposalFactory(project=project, freelancer=freelancer)
    response = freelancer_api.patch(f"/api/proposals/{proposal.pk}",
                                    {"estimated_hours": 10, "hourly_rate": "45.50"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["bid_amount"] == 455.0


def test_patch_cannot_move_project_freelancer_or_status(freelancer_api, freelancer, other_freelancer, project):
    proposal = ProposalFactory(project=project, freelancer=freelancer)
    other_project = ProjectFactory()
    response = freelancer_api.patch(f"/api/proposals/{proposal.pk}", {
        "project_id": other_project.pk, "freelancer_id": other_freelancer.pk, "status": "accepted",
    }, format="json")
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.project_id == project.pk
    assert proposal.freelancer_id == freelancer.pk
    assert proposal.status == ProposalStatus.SUBMITTED


def test_client_cannot_edit_a_bid_and_others_get_404(client_api, api_as, other_freelancer, project):
    proposal = ProposalFactory(project=project)
    assert client_api.patch(f"/api/proposals/{proposal.pk}", {"availability": "x"},
                            format="json").status_code == 403
    assert api_as(other_freelancer).patch(f"/api/proposals/{proposal.pk}", {"availability": "x"},
                                          format="json").status_code == 404


def test_decided_bid_cannot_be_edited(freelancer_api, freelancer, project):
    proposal = ProposalFactory(project=project, freelancer=freelancer, status=ProposalStatus.REJECTED)
    assert freelancer_api.patch(f"/api/proposals/{proposal.pk}", {"availability": "now"},
                                format="json").status_code == 400


def test_freelancer_deletes_own_bid_and_the_count_follows(freelancer_api, freelancer, project):
    proposal_id = freelancer_api.post("/api/proposals/", bid(project), format="json").json()["id"]
    assert _count(project) == 1
    assert freelancer_api.delete(f"/api/proposals/{proposal_id}").status_code == 204
    assert _count(project) == 0


def test_client_cannot_delete_a_bid(client_api, project):
    proposal = ProposalFactory(project=project)
    assert client_api.delete(f"/api/proposals/{proposal.pk}").status_code == 403
    assert Proposal.objects.filter(pk=proposal.pk).exists()


# Accepting -----------------------------------------------------------------------------------------------------


@pytest.fixture
def accepted_events():
    seen = []

    def handle(sender, **kwargs):
        seen.append(kwargs)

    events.proposal_accepted.connect(handle, weak=False)
    yield seen
    events.proposal_accepted.disconnect(handle)


def test_accept_creates_the_contract_and_starts_the_project(client_api, project, freelancer, other_freelancer,
                                                            accepted_events):
    plan = [{"title": "Design", "amount": "400.00"}, {"title": "Build", "amount": "600.00"}]
    chosen = ProposalFactory(project=project, freelancer=freelancer, bid_amount=Decimal("1000"), milestones=plan)
    other = ProposalFactory(project=project, freelancer=other_freelancer)
    response = client_api.post(f"/api/proposals/{chosen.pk}/accept")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted" and body["decided_at"] is not None
    contract = Contract.objects.get()
    assert body["contract_id"] == contract.pk
    assert (contract.client_id, contract.freelancer_id, contract.amount) == (
        project.client_id, freelancer.pk, Decimal("1000.00"))
    assert list(Milestone.objects.filter(contract=contract).values_list("title", flat=True)) == ["Design", "Build"]
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.IN_PROGRESS
    # The other bidder's proposal is kept as it was, and the event names it so they can be told.
    assert Proposal.objects.get(pk=other.pk).status == ProposalStatus.SUBMITTED
    assert accepted_events[0]["contract"] == contract
    assert accepted_events[0]["other_proposal_ids"] == [other.pk]


def test_accept_with_a_replacement_milestone_plan(client_api, project):
    proposal = ProposalFactory(project=project, bid_amount=Decimal("1000"))
    response = client_api.post(f"/api/proposals/{proposal.pk}/accept",
                               {"milestones": [{"title": "All of it", "amount": 950}]}, format="json")
    assert response.status_code == 200
    contract = Contract.objects.get()
    assert contract.amount == Decimal("950.00")
    assert contract.milestones.get().title == "All of it"


def test_accepting_twice_is_409_with_one_contract(client_api, project):
    proposal = ProposalFactory(project=project)
    assert client_api.post(f"/api/proposals/{proposal.pk}/accept").status_code == 200
    response = client_api.post(f"/api/proposals/{proposal.pk}/accept")
    assert response.status_code == 409
    assert Contract.objects.count() == 1


def test_accepting_a_second_bid_on_the_same_project_is_409(client_api, project, other_freelancer):
    first = ProposalFactory(project=project)
    second = ProposalFactory(project=project, freelancer=other_freelancer)
    assert client_api.post(f"/api/proposals/{first.pk}/accept").status_code == 200
    assert client_api.post(f"/api/proposals/{second.pk}/accept").status_code == 409
    assert Contract.objects.count() == 1
    assert Proposal.objects.get(pk=second.pk).status == ProposalStatus.SUBMITTED


def test_accept_on_a_cancelled_project_is_409(client_api, client_user):
    project = ProjectFactory(client=client_user, status=ProjectStatus.CANCELLED)
    proposal = ProposalFactory(project=project)
    assert client_api.post(f"/api/proposals/{proposal.pk}/accept").status_code == 409
    assert not Contract.objects.exists()


def test_withdrawn_bid_cannot_be_accepted(client_api, project):
    proposal = ProposalFactory(project=project, status=ProposalStatus.WITHDRAWN)
    assert client_api.post(f"/api/proposals/{proposal.pk}/accept").status_code == 400


def test_freelancer_cannot_accept_own_bid(freelancer_api, freelancer, project):
    proposal = ProposalFactory(project=project, freelancer=freelancer)
    assert freelancer_api.post(f"/api/proposals/{proposal.pk}/accept").status_code == 403
    assert not Contract.objects.exists()


@pytest.mark.parametrize("who", ["outsider_api", "staff_api"])
def test_outsiders_cannot_accept_reject_or_shortlist(request, project, who):
    proposal = ProposalFactory(project=project)
    intruder = request.getfixturevalue(who)
    for verb in ("accept", "reject", "shortlist", "withdraw"):
        assert intruder.post(f"/api/proposals/{proposal.pk}/{verb}").status_code == 404, verb
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED


def test_accept_on_an_hourly_project_makes_an_hourly_contract(client_api, client_user):
    project = ProjectFactory(client=client_user, budget_type=BudgetType.HOURLY)
    proposal = ProposalFactory(project=project, bid_amount=Decimal("400"), hourly_rate=Decimal("40"),
                               estimated_hours=Decimal("10"))
    assert client_api.post(f"/api/proposals/{proposal.pk}/accept").status_code == 200
    contract = Contract.objects.get()
    assert contract.contract_type == "hourly" and contract.hourly_rate == Decimal("40.00")


# Rejecting, shortlisting, withdrawing --------------------------------------------------------------------------


def test_client_rejects_a_bid_once(client_api, freelancer_api, project):
    proposal = Proposal.objects.get(pk=freelancer_api.post("/api/proposals/", bid(project), format="json").json()["id"])
    response = client_api.post(f"/api/proposals/{proposal.pk}/reject", {"reason": "Over budget"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert client_api.post(f"/api/proposals/{proposal.pk}/reject").status_code == 409
    assert _count(project) == 1  # a rejected bid still counts as received


def test_freelancer_cannot_reject_or_shortlist_own_bid(freelancer_api, freelancer, project):
    proposal = ProposalFactory(project=project, freelancer=freelancer)
    assert freelancer_api.post(f"/api/proposals/{proposal.pk}/reject").status_code == 403
    assert freelancer_api.post(f"/api/proposals/{proposal.pk}/shortlist").status_code == 403


def test_withdrawn_bid_cannot_be_rejected(client_api, project):
    proposal = ProposalFactory(project=project, status=ProposalStatus.WITHDRAWN)
    assert client_api.post(f"/api/proposals/{proposal.pk}/reject").status_code == 400


def test_client_shortlists_then_accepts(client_api, project):
    proposal = ProposalFactory(project=project)
    assert client_api.post(f"/api/proposals/{proposal.pk}/shortlist").json()["status"] == "shortlisted"
    assert client_api.post(f"/api/proposals/{proposal.pk}/shortlist").status_code == 409
    assert client_api.post(f"/api/proposals/{proposal.pk}/accept").json()["status"] == "accepted"


def test_freelancer_withdraws_once(freelancer_api, freelancer, project):
    proposal = ProposalFactory(project=project, freelancer=freelancer)
    assert freelancer_api.post(f"/api/proposals/{proposal.pk}/withdraw").json()["status"] == "withdrawn"
    assert freelancer_api.post(f"/api/proposals/{proposal.pk}/withdraw").status_code == 409


def test_client_cannot_withdraw_a_bid(client_api, project):
    proposal = ProposalFactory(project=project)
    assert client_api.post(f"/api/proposals/{proposal.pk}/withdraw").status_code == 403


def test_accepted_bid_cannot_be_withdrawn_or_deleted(client_api, freelancer_api, freelancer, project):
    proposal = ProposalFactory(project=project, freelancer=freelancer)
    client_api.post(f"/api/proposals/{proposal.pk}/accept")
    assert freelancer_api.post(f"/api/proposals/{proposal.pk}/withdraw").status_code == 400
    assert freelancer_api.delete(f"/api/proposals/{proposal.pk}").status_code == 400
