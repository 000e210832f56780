"""The same client accepting two different proposals of one project at the same moment: the project row lock
lets exactly one through, so the project gets exactly one contract."""

import threading
import time

import pytest
from django.db import connection

from accounts.tests.factories import DEFAULT_PASSWORD, ClientFactory, FreelancerFactory
from marketplace import events
from marketplace.models import Contract, Project, ProjectStatus, Proposal, ProposalStatus
from marketplace.tests.factories import ProjectFactory, ProposalFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_make_one_contract():
    from rest_framework.test import APIClient

    client_user = ClientFactory(email="accept.race.client@example.com")
    project = ProjectFactory(client=client_user)
    proposals = [
        ProposalFactory(project=project, freelancer=FreelancerFactory(email=f"bidder{n}@example.com"))
        for n in range(2)
    ]

    apis = []
    for _ in proposals:
        api = APIClient()
        token = api.post("/api/auth/login", {"email": client_user.email, "password": DEFAULT_PASSWORD},
                         format="json").json()["access_token"]
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        apis.append(api)

    def slow_contract(sender, contract, **kwargs):
        # Holding the lock a while after the contract exists makes the two requests overlap for sure.
        time.sleep(0.3)

    events.contract_created.connect(slow_contract, weak=False, dispatch_uid="accept-race")
    barrier = threading.Barrier(2)
    statuses = []

    def accept(api, proposal):
        try:
            barrier.wait(timeout=5)
            statuses.append(api.post(f"/api/proposals/{proposal.pk}/accept", format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=pair) for pair in zip(apis, proposals, strict=True)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        events.contract_created.disconnect(dispatch_uid="accept-race")

    assert sorted(statuses) == [200, 409]
    assert Contract.objects.filter(project=project).count() == 1
    assert Proposal.objects.filter(project=project, status=ProposalStatus.ACCEPTED).count() == 1
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.IN_PROGRESS
