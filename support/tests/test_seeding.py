"""Support's demo data: tickets in several states, an open and a resolved dispute, current and past
announcements; the books balance and a second run changes nothing."""

import pytest
from django.core.management import call_command

from accounts.seeding import seed_accounts
from billing.models import EscrowStatus
from billing.seeding import seed_billing
from marketplace.seeding import seed_marketplace
from support.models import Announcement, Dispute, DisputeStatus, SupportTicket, TicketMessage
from support.seeding import seed_support
from support.selectors import announcements_active_for

pytestmark = pytest.mark.django_db


class Progress:
    def advance(self, n=1):
        pass


def _counts():
    return {model.__name__: model.objects.count() for model in (SupportTicket, TicketMessage, Dispute,
                                                                  Announcement)}


def test_demo_seed_on_top_of_the_other_layers_is_complete_and_idempotent():
    from django.contrib.auth.models import AnonymousUser

    for seeder in (seed_accounts, seed_marketplace, seed_billing, seed_support):
        seeder(Progress())
    statuses = set(SupportTicket.objects.values_list("status", flat=True))
    assert {"open", "in_progress", "waiting_on_user", "resolved", "closed"} <= statuses
    assert TicketMessage.objects.filter(is_staff_reply=True).exists()
    assert TicketMessage.objects.filter(is_staff_reply=False).exists()
    resolved = Dispute.objects.get(status=DisputeStatus.RESOLVED)
    assert resolved.client_amount + resolved.freelancer_amount == resolved.frozen_amount
    assert resolved.escrow.status != EscrowStatus.DISPUTED
    assert Dispute.objects.get(status=DisputeStatus.OPEN).escrow.status == EscrowStatus.DISPUTED
    assert announcements_active_for(AnonymousUser()).exists()
    assert Announcement.objects.count() > announcements_active_for(AnonymousUser()).count()  # a past one
    call_command("ledger_check")
    before = _counts()
    seed_support(Progress())
    assert _counts() == before


def test_seed_makes_its_own_funded_contract_when_the_market_is_empty():
    seed_accounts(Progress())
    seed_support(Progress())
    assert Dispute.objects.filter(status=DisputeStatus.RESOLVED).count() == 1
    assert Dispute.objects.filter(status=DisputeStatus.OPEN).count() == 1
    call_command("ledger_check")
