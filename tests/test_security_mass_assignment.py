"""Mass assignment: writing role, staff flags, status, money amounts or owner fields through the API changes
nothing the caller may not change. Each request may answer 2xx (the field is ignored) or 400 (refused); the stored
row is what counts."""

from decimal import Decimal

import pytest

from accounts.models import User
from accounts.tests.factories import ClientFactory, FreelancerFactory

pytestmark = pytest.mark.django_db

PRIVILEGED_USER_FIELDS = {"role": "admin", "user_type": "admin", "is_staff": True, "is_superuser": True,
                          "is_active": False, "email_verified": True, "is_verified": True,
                          "email": "taken.over@example.com", "id": 999999, "date_joined": "2000-01-01T00:00:00Z"}
LETTER = "I have shipped five dashboards like this one and can start on Monday with a weekly demo. " * 2


def _accepted_or_refused(response):
    assert response.status_code < 500, response.content
    assert response.status_code in (200, 201, 400, 403), response.content


@pytest.mark.parametrize("method", ["patch", "put"])
def test_me_cannot_raise_privileges_or_verify_itself(api_as, method):
    person = ClientFactory(email_verified=False, name="Plain Person")
    before = User.objects.filter(pk=person.pk).values().get()

    response = getattr(api_as(person), method)("/api/auth/me", {"name": "Plain Person", **PRIVILEGED_USER_FIELDS},
                                               format="json")

    _accepted_or_refused(response)
    after = User.objects.filter(pk=person.pk).values().get()
    for field in ("role", "is_staff", "is_superuser", "is_active", "email_verified", "is_verified", "email", "id",
                  "date_joined"):
        assert after[field] == before[field], field


def test_register_cannot_make_staff_superusers_or_verified_accounts(api):
    response = api.post("/api/auth/register", {"email": "fresh@example.com", "password": "a-Long-pass-phrase-9",
                                               "name": "Fresh", "role": "freelancer",
                                               **{k: v for k, v in PRIVILEGED_USER_FIELDS.items()
                                                  if k not in ("role", "user_type", "email")}}, format="json")
    _accepted_or_refused(response)
    user = User.objects.filter(email="fresh@example.com").first()
    if user is not None:
        assert (user.role, user.is_staff, user.is_superuser, user.email_verified, user.is_verified, user.is_active) == (
            "freelancer", False, False, False, False, True)


def test_a_project_owner_cannot_rewrite_owner_status_counters_or_moderation(client_api, client_user, outsider):
    from marketplace.tests.factories import ProjectFactory

    project = ProjectFactory(client=client_user)
    before = type(project).objects.filter(pk=project.pk).values().get()

    response = client_api.patch(f"/api/projects/{project.pk}", {
        "client_id": outsider.pk, "client": outsider.pk, "status": "completed", "proposal_count": 99,
        "is_hidden": True, "hidden_reason": "x", "published_at": "2000-01-01T00:00:00Z"}, format="json")

    _accepted_or_refused(response)
    after = type(project).objects.filter(pk=project.pk).values().get()
    for field in ("client_id", "status", "proposal_count", "is_hidden", "hidden_reason", "published_at"):
        assert after[field] == before[field], field


def test_a_proposal_is_always_the_callers_and_starts_submitted(freelancer_api, freelancer, client_user,
                                                               other_freelancer):
    from marketplace.models import Proposal
    from marketplace.tests.factories import ProjectFactory

    project = ProjectFactory(client=client_user)
    response = freelancer_api.post("/api/proposals", {
        "project_id": project.pk, "cover_letter": LETTER, "bid_amount": 900, "freelancer_id": other_freelancer.pk,
        "freelancer": other_freelancer.pk, "status": "accepted", "contract_id": 1}, format="json")

    _accepted_or_refused(response)
    for proposal in Proposal.objects.filter(project=project):
        assert proposal.freelancer_id == freelancer.pk
        assert proposal.status == "submitted"


def test_a_freelancer_cannot_accept_their_own_proposal_by_editing_it(freelancer_api, freelancer, client_user):
    from marketplace.models import Proposal
    from marketplace.tests.factories import ProjectFactory, ProposalFactory

    proposal = ProposalFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    response = freelancer_api.patch(f"/api/proposals/{proposal.pk}", {
        "status": "accepted", "freelancer_id": ClientFactory().pk, "currency": "EUR"}, format="json")

    _accepted_or_refused(response)
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert (proposal.status, proposal.freelancer_id, proposal.currency) == ("submitted", freelancer.pk, "USD")


def test_contract_parties_cannot_rewrite_amount_parties_or_status(client_api, client_user, freelancer, outsider):
    from marketplace.models import Contract
    from marketplace.tests.factories import ContractFactory, ProjectFactory

    contract = ContractFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    before = Contract.objects.filter(pk=contract.pk).values().get()

    for payload in ({"amount": 1}, {"status": "completed"}, {"freelancer_id": outsider.pk},
                    {"client_id": outsider.pk}):
        _accepted_or_refused(client_api.patch(f"/api/contracts/{contract.pk}", payload, format="json"))

    after = Contract.objects.filter(pk=contract.pk).values().get()
    for field in ("amount", "status", "freelancer_id", "client_id"):
        assert after[field] == before[field], field


def test_a_freelancer_cannot_mark_a_milestone_paid_or_change_its_amount(freelancer_api, client_user, freelancer):
    from marketplace.models import Milestone
    from marketplace.tests.factories import ContractFactory, MilestoneFactory, ProjectFactory

    milestone = MilestoneFactory(contract=ContractFactory(project=ProjectFactory(client=client_user),
                                                          freelancer=freelancer))
    response = freelancer_api.patch(f"/api/milestones/{milestone.pk}", {"status": "approved",
                                                                       "amount": 99999}, format="json")

    _accepted_or_refused(response)
    milestone = Milestone.objects.get(pk=milestone.pk)
    assert (milestone.status, milestone.amount) == ("pending", Decimal("500.00"))


def test_a_portfolio_item_is_always_the_callers(freelancer_api, freelancer, other_freelancer):
    from marketplace.models import PortfolioItem

    response = freelancer_api.post("/api/portfolio", {"title": "A shop", "description": "Built it.",
                                                      "freelancer_id": other_freelancer.pk}, format="json")
    _accepted_or_refused(response)
    assert not PortfolioItem.objects.filter(freelancer=other_freelancer).exists()


def test_a_message_is_always_sent_by_the_caller(freelancer_api, client_user, freelancer, outsider):
    from engagement.models import Message
    from engagement.tests.factories import ConversationFactory
    from marketplace.tests.factories import ProjectFactory

    conversation = ConversationFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    response = freelancer_api.post("/api/messages", {"conversation_id": conversation.pk, "content": "Hi",
                                                     "sender_id": client_user.pk, "recipient_id": outsider.pk,
                                                     "is_flagged": True, "read_at": "2000-01-01T00:00:00Z"},
                                   format="json")
    _accepted_or_refused(response)
    for message in Message.objects.filter(conversation=conversation):
        assert (message.sender_id, message.recipient_id) == (freelancer.pk, client_user.pk)
        assert message.read_at is None


def test_a_support_ticket_is_the_callers_and_starts_open(client_api, client_user, staff_user):
    from support.models import SupportTicket

    response = client_api.post("/api/support-tickets", {
        "subject": "Help", "description": "Where is my invoice?", "user_id": staff_user.pk, "status": "resolved",
        "assigned_to_id": staff_user.pk, "assigned_to": staff_user.pk}, format="json")
    _accepted_or_refused(response)
    for ticket in SupportTicket.objects.all():
        assert ticket.user_id == client_user.pk
        assert ticket.status == "open"
        assert ticket.assigned_to_id is None


def test_escrow_cannot_be_funded_for_someone_elses_contract_or_released_by_the_freelancer(
        client_api, freelancer_api, outsider_api, client_user, freelancer):
    from billing.models import Escrow
    from marketplace.tests.factories import ContractFactory, ProjectFactory

    contract = ContractFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    stranger = outsider_api.post("/api/escrow/fund", {"contract_id": contract.pk, "amount": 100}, format="json")
    by_freelancer = freelancer_api.post("/api/escrow/fund", {"contract_id": contract.pk, "amount": 100},
                                        format="json")
    assert stranger.status_code in (403, 404) and by_freelancer.status_code in (400, 403, 404)

    funded = client_api.post("/api/escrow/fund", {"contract_id": contract.pk, "amount": 100,
                                                  "client_id": FreelancerFactory().pk, "status": "released",
                                                  "released_amount": 100}, format="json")
    assert funded.status_code in (200, 201), funded.content
    escrow = Escrow.objects.get(contract=contract)
    assert (escrow.client_id, escrow.released_amount) == (client_user.pk, Decimal("0.00"))
    assert freelancer_api.post(f"/api/escrow/{escrow.pk}/release", {}, format="json").status_code in (403, 404)
