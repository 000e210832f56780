"""Disputes under concurrency, on PostgreSQL with real threads: a decision is carried out once, and two parties
opening a dispute on the same money at the same moment get one dispute."""

from collections import Counter

import pytest
from django.core.management import call_command

from billing.models import EscrowStatus, Payment, PaymentType, Refund
from billing.tests.test_concurrency import THREADS, _signed_in, post_from_threads
from support.models import Dispute
from support.services import dispute_add_evidence, dispute_open

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_many_resolutions_of_one_dispute_split_once(api_as, agent, client_user, freelancer, contract, milestone,
                                                    funded_escrow):
    dispute = dispute_open(actor=client_user, contract=contract, milestone=milestone, dispute_type="quality",
                           description="Not as agreed.")
    dispute_add_evidence(dispute=dispute, actor=freelancer, description="It is as agreed.")
    statuses = post_from_threads(_signed_in(api_as, agent), f"/api/disputes/{dispute.pk}/resolve",
                                 [{"client_amount": 100, "freelancer_amount": 400}] * THREADS)
    assert Counter(statuses) == {200: 1, 409: THREADS - 1}, statuses
    funded_escrow.refresh_from_db()
    assert funded_escrow.status == EscrowStatus.RELEASED
    assert Payment.objects.filter(escrow=funded_escrow, payment_type=PaymentType.RELEASE).count() == 1
    assert Refund.objects.filter(escrow=funded_escrow).count() == 1
    call_command("ledger_check")


def test_both_parties_opening_at_once_make_one_dispute(api_as, client_user, freelancer, contract, milestone,
                                                       funded_escrow):
    from rest_framework.test import APIClient

    from billing.tests.test_concurrency import run_at_once

    body = {"contract_id": contract.pk, "milestone_id": milestone.pk, "dispute_type": "payment",
            "description": "We disagree."}
    calls = []
    for user in [client_user, freelancer] * 4:
        headers = _signed_in(api_as, user)
        calls.append(lambda h=headers: APIClient().post("/api/disputes", body, format="json", **h).status_code)
    statuses = run_at_once(calls)
    assert Counter(statuses) == {201: 1, 409: 7}, statuses
    assert Dispute.objects.filter(escrow=funded_escrow).count() == 1
    call_command("ledger_check")
