"""Billing fixtures: a contract between alice (client) and bob (freelancer) with a milestone, and helpers that
move money through the real services. After every test that touched the database, the books must balance."""

import os
from decimal import Decimal

import hypothesis
import pytest

from billing.services.ledger import ledger_differences
from marketplace.tests.factories import ContractFactory, MilestoneFactory


@pytest.fixture(autouse=True)
def books_balance_after_test(request):
    """Every money test ends with the ledger check: entries sum to zero, cached balances match."""
    yield
    if "ledger_check_off" in request.fixturenames:
        return
    if {"db", "transactional_db", "django_db_setup"} & set(request.fixturenames) or request.node.get_closest_marker(
            "django_db"):
        problems = ledger_differences()
        assert not problems, "ledger_check found differences:\n" + "\n".join(problems)


@pytest.fixture
def ledger_check_off():
    """For tests that post raw ledger movements with no escrow rows behind them on purpose."""


@pytest.fixture
def contract(client_user, freelancer):
    return ContractFactory(project__client=client_user, freelancer=freelancer, amount=Decimal("1000.00"))


@pytest.fixture
def milestone(contract):
    return MilestoneFactory(contract=contract, amount=Decimal("500.00"), title="Design")


@pytest.fixture
def second_milestone(contract):
    return MilestoneFactory(contract=contract, amount=Decimal("500.00"), title="Build")


@pytest.fixture
def funded_escrow(contract, milestone, client_user):
    from billing.services.escrow import escrow_fund

    return escrow_fund(contract=contract, actor=client_user, milestone=milestone)


@pytest.fixture
def deposit(contract, client_user):
    from billing.services.escrow import escrow_fund

    return escrow_fund(contract=contract, actor=client_user, amount=Decimal("300.00"))


@pytest.fixture
def finance_user(db):
    """A staff member of the Finance group: sees all money and decides refunds."""
    from django.contrib.auth.models import Group, Permission

    from accounts.tests.factories import StaffFactory

    group, _ = Group.objects.get_or_create(name="Finance")
    group.permissions.set(Permission.objects.filter(content_type__app_label="billing"))
    user = StaffFactory(email="finance@example.com", name="Fiona Finance")
    user.groups.add(group)
    return user


@pytest.fixture
def finance_api(finance_user, api_as):
    return api_as(finance_user)


def submit(milestone, freelancer):
    from marketplace.services.milestones import milestone_submit

    return milestone_submit(milestone=milestone, actor=freelancer, deliverables="The designs, as agreed.")


@pytest.fixture
def remote_gateway(monkeypatch, settings):
    """Make the fake remote provider the configured gateway for the test."""
    from billing.gateways import base

    from .money_fakes import FakeRemoteGateway

    FakeRemoteGateway.reset()
    monkeypatch.setitem(base.GATEWAYS, "fake_remote", "billing.tests.money_fakes.FakeRemoteGateway")
    settings.PAYMENT_GATEWAY = "fake_remote"
    yield FakeRemoteGateway
    FakeRemoteGateway.reset()


# Hypothesis profiles for the money state machine: small by default so CI stays fast; HYPOTHESIS_PROFILE=thorough
# explores much more before a release.
hypothesis.settings.register_profile(
    "megilance", max_examples=30, stateful_step_count=20, deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.function_scoped_fixture],
)
hypothesis.settings.register_profile(
    "thorough", max_examples=300, stateful_step_count=40, deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.function_scoped_fixture],
)


def hypothesis_profile() -> hypothesis.settings:
    return hypothesis.settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "megilance"))
