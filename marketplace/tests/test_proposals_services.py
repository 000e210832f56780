from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from marketplace import events
from marketplace.models import Proposal, ProposalStatus
from marketplace.services import proposals as services
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden

from .factories import ProjectFactory, ProposalFactory

pytestmark = pytest.mark.django_db

LETTER = "A careful, tested delivery in two weeks, with daily updates and a short handover call."


@pytest.fixture
def project(client_user):
    return ProjectFactory(client=client_user)


@pytest.fixture
def caught():
    seen = []
    names = ("proposal_submitted", "proposal_accepted", "proposal_rejected", "proposal_withdrawn")
    handlers = {}
    for name in names:
        def handle(sender, _name=name, **kwargs):
            seen.append((_name, kwargs))
        handlers[name] = handle
        getattr(events, name).connect(handle, weak=False)
    yield seen
    for name, handler in handlers.items():
        getattr(events, name).disconnect(handler)


def test_submit_sends_the_event_and_counts(freelancer, project, caught):
    proposal = services.proposal_submit(freelancer=freelancer, project=project, cover_letter=LETTER,
                                        bid_amount="120.005")
    assert proposal.bid_amount == Decimal("120.01")
    assert caught == [("proposal_submitted", {"proposal": proposal, "signal": events.proposal_submitted})]
    project.refresh_from_db()
    assert project.proposal_count == 1


def test_the_database_constraint_backs_the_duplicate_check(freelancer, project, monkeypatch):
    ProposalFactory(project=project, freelancer=freelancer)
    # Simulate a request that raced past the existence check: only the constraint is left to refuse it.
    monkeypatch.setattr(services, "LIVE_PROPOSAL_STATUSES", ())
    with pytest.raises(ApplicationError) as refused:
        services.proposal_submit(freelancer=freelancer, project=project, cover_letter=LETTER, bid_amount=10)
    assert refused.value.code == "duplicate_proposal" and refused.value.status_code == 400
    assert Proposal.objects.filter(project=project, freelancer=freelancer).count() == 1


def test_constraint_allows_a_new_bid_after_a_rejected_one(freelancer, project):
    ProposalFactory(project=project, freelancer=freelancer, status=ProposalStatus.REJECTED)
    ProposalFactory(project=project, freelancer=freelancer, status=ProposalStatus.WITHDRAWN)
    services.proposal_submit(freelancer=freelancer, project=project, cover_letter=LETTER, bid_amount=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalFactory(project=project, freelancer=freelancer)


def test_client_cannot_submit(client_user, project):
    with pytest.raises(Forbidden):
        services.proposal_submit(freelancer=client_user, project=project, cover_letter=LETTER, bid_amount=10)


def test_zero_bid_is_refused(freelancer, project):
    with pytest.raises(ApplicationError):
        services.proposal_submit(freelancer=freelancer, project=project, cover_letter=LETTER, bid_amount=0)


def test_accept_by_another_client_is_forbidden(outsider, project):
    proposal = ProposalFactory(project=project)
    with pytest.raises(Forbidden):
        services.proposal_accept(proposal=proposal, actor=outsider)


def test_accept_event_carries_contract_and_other_bidders(client_user, project, caught):
    chosen, other = ProposalFactory(project=project), ProposalFactory(project=project)
    ProposalFactory(project=project, status=ProposalStatus.WITHDRAWN)
    services.proposal_accept(proposal=chosen, actor=client_user)
    name, payload = caught[-1]
    assert name == "proposal_accepted"
    assert payload["proposal"].pk == chosen.pk
    assert payload["contract"].proposal_id == chosen.pk
    assert payload["other_proposal_ids"] == [other.pk]


def test_second_accept_is_a_conflict(client_user, project):
    first, second = ProposalFactory(project=project), ProposalFactory(project=project)
    services.proposal_accept(proposal=first, actor=client_user)
    with pytest.raises(Conflict):
        services.proposal_accept(proposal=second, actor=client_user)


def test_reject_and_withdraw_send_their_events(client_user, freelancer, project, caught):
    rejected = ProposalFactory(project=project)
    withdrawn = ProposalFactory(project=project, freelancer=freelancer)
    services.proposal_reject(proposal=rejected, actor=client_user, reason="Over budget")
    services.proposal_withdraw(proposal=withdrawn, actor=freelancer)
    assert [name for name, _ in caught] == ["proposal_rejected", "proposal_withdrawn"]
    assert caught[0][1]["reason"] == "Over budget"


def test_update_refuses_unknown_fields(freelancer, project):
    proposal = ProposalFactory(project=project, freelancer=freelancer)
    with pytest.raises(ApplicationError):
        services.proposal_update(proposal=proposal, actor=freelancer, status=ProposalStatus.ACCEPTED)


def test_update_after_the_project_closed_is_refused(freelancer, client_user, project):
    proposal = ProposalFactory(project=project, freelancer=freelancer)
    from marketplace.services.projects import project_cancel

    project_cancel(project=project, actor=client_user)
    with pytest.raises(ApplicationError):
        services.proposal_update(proposal=proposal, actor=freelancer, availability="now")
