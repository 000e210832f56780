"""Two simultaneous approvals of one submitted milestone: the row lock lets exactly one through."""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import DEFAULT_PASSWORD, ClientFactory, FreelancerFactory
from marketplace import events
from marketplace.models import Milestone, MilestoneStatus
from marketplace.tests.factories import ContractFactory, MilestoneFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_release_once():
    from rest_framework.test import APIClient

    client_user = ClientFactory(email="race.client@example.com")
    freelancer = FreelancerFactory(email="race.freelancer@example.com")
    contract = ContractFactory(project__client=client_user, freelancer=freelancer)
    milestone = MilestoneFactory(contract=contract, status=MilestoneStatus.SUBMITTED, funded_at=timezone.now(),
                                 submitted_at=timezone.now(), deliverables="v1")

    apis = []
    for _ in range(2):
        api = APIClient()
        token = api.post("/api/auth/login", {"email": client_user.email, "password": DEFAULT_PASSWORD},
                         format="json").json()["access_token"]
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        apis.append(api)

    releases = []

    def slow_release(sender, milestone, **kwargs):
        # Stands in for billing's escrow release: holding the lock a while makes the two requests overlap.
        releases.append(milestone.pk)
        time.sleep(0.3)

    events.milestone_approved.connect(slow_release, weak=False, dispatch_uid="race-release")
    barrier = threading.Barrier(2)
    statuses = []

    def approve(api):
        try:
            barrier.wait(timeout=5)
            statuses.append(api.post(f"/api/milestones/{milestone.pk}/approve", format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(api,)) for api in apis]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        events.milestone_approved.disconnect(dispatch_uid="race-release")

    assert sorted(statuses) == [200, 409]
    assert releases == [milestone.pk]
    assert Milestone.objects.get(pk=milestone.pk).status == MilestoneStatus.APPROVED
