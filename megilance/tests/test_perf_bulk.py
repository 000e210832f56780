"""Bulk activity for scale tests: the rows arrive with COPY and the books still balance."""

import io

import pytest
from django.core.management import call_command

from billing.models import Escrow, LedgerAccount
from billing.services.ledger import ledger_differences
from engagement.models import Message, Notification
from marketplace.models import Contract, Milestone, Proposal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_seed_bulk_adds_proposals_contracts_escrow_and_messages_with_a_balanced_ledger():
    out = io.StringIO()
    call_command("seed_bulk", projects=300, freelancers=60, clients=20, proposals=900, contracts=60,
                 messages=1200, notifications=100, stdout=out)

    assert Proposal.objects.count() == 900
    assert 30 <= Contract.objects.count() <= 60
    assert Milestone.objects.count() >= Contract.objects.count()
    assert Escrow.objects.exists()
    assert Message.objects.count() == 1200
    assert Notification.objects.count() == 100
    assert ledger_differences() == []
    assert LedgerAccount.objects.filter(purpose="platform_revenue", balance__gt=0).exists()
    assert "proposals and contracts" in out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_freelancer_bids_twice_on_a_project_and_indexes_come_back():
    from django.db import connection

    call_command("seed_bulk", projects=200, freelancers=10, clients=10, proposals=1000, contracts=10,
                 messages=100, notifications=0, stdout=io.StringIO())

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM (SELECT project_id, freelancer_id FROM proposals "
                       "GROUP BY 1, 2 HAVING count(*) > 1) d")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'messages'")
        assert cursor.fetchone()[0] >= 5
