"""Support fixtures: staff of the Support and Moderation groups (made by the groups' post-migrate sync), a funded
contract between alice and bob, and the ledger check after every test that touched the database."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import StaffFactory
from billing.services.ledger import ledger_differences
from marketplace.tests.factories import ContractFactory, MilestoneFactory


@pytest.fixture(autouse=True)
def books_balance_after_test(request):
    yield
    if {"db", "transactional_db"} & set(request.fixturenames) or request.node.get_closest_marker("django_db"):
        problems = ledger_differences()
        assert not problems, "ledger_check found differences:\n" + "\n".join(problems)


def _member(group: str, **kwargs):
    user = StaffFactory(**kwargs)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def agent(db):
    """A staff member of the Support group."""
    return _member("Support", email="sue.support@example.com", name="Sue Support")


@pytest.fixture
def second_agent(db):
    return _member("Support", email="stan.support@example.com", name="Stan Support")


@pytest.fixture
def moderator(db):
    return _member("Moderation", email="mo.moderator@example.com", name="Mo Moderator")


@pytest.fixture
def agent_api(agent, api_as):
    return api_as(agent)


@pytest.fixture
def contract(client_user, freelancer):
    return ContractFactory(project__client=client_user, freelancer=freelancer, amount=Decimal("1000.00"))


@pytest.fixture
def milestone(contract):
    return MilestoneFactory(contract=contract, amount=Decimal("500.00"), title="Design")


@pytest.fixture
def funded_escrow(contract, milestone, client_user):
    from billing.services.escrow import escrow_fund

    return escrow_fund(contract=contract, actor=client_user, milestone=milestone)
