"""Work logs API: the freelancer writes one log per day and contract, the client reads, others see nothing."""

from decimal import Decimal

import pytest
from freezegun import freeze_time

from marketplace.models import ContractType, WorkLog

from .factories import ContractFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with freeze_time("2026-11-27T09:00:00Z"):
        yield


@pytest.fixture
def contract(client_user, freelancer):
    return ContractFactory(project__client=client_user, freelancer=freelancer, contract_type=ContractType.HOURLY,
                           amount=None, hourly_rate=Decimal("40.00"))


def payload(contract, **extra):
    return {"contract_id": contract.pk, "date": "2026-11-26", "hours_worked": 6.5,
            "tasks_completed": "Login page", "blockers": "Waiting for API keys", "notes": "", **extra}


def test_freelancer_writes_and_client_reads(contract, freelancer_api, client_api):
    response = freelancer_api.post("/api/work-logs/", payload(contract))
    assert response.status_code == 201, response.content
    log_id = response.json()["id"]
    assert response.json()["hours_worked"] == 6.5
    read = client_api.get(f"/api/work-logs/{log_id}")
    assert read.status_code == 200 and read.json()["blockers"] == "Waiting for API keys"
    assert client_api.patch(f"/api/work-logs/{log_id}", {"notes": "x"}).status_code == 403
    assert client_api.delete(f"/api/work-logs/{log_id}").status_code == 403
    assert client_api.post("/api/work-logs/", payload(contract, date="2026-11-25")).status_code == 403


def test_one_log_per_day_and_no_future_days(contract, freelancer_api):
    assert freelancer_api.post("/api/work-logs/", payload(contract)).status_code == 201
    duplicate = freelancer_api.post("/api/work-logs/", payload(contract))
    assert duplicate.status_code == 400 and duplicate.json()["code"] == "duplicate_work_log"
    assert freelancer_api.post("/api/work-logs/", payload(contract, date="2026-12-10")).status_code == 400
    assert freelancer_api.post("/api/work-logs/", payload(contract, hours_worked=25)).status_code == 400


def test_freelancer_edits_and_deletes(contract, freelancer_api):
    log_id = freelancer_api.post("/api/work-logs/", payload(contract)).json()["id"]
    response = freelancer_api.patch(f"/api/work-logs/{log_id}", {"blockers": ""})
    assert response.status_code == 200 and response.json()["blockers"] == ""
    response = freelancer_api.put(f"/api/work-logs/{log_id}", payload(contract, hours_worked=7))
    assert response.status_code == 200 and response.json()["hours_worked"] == 7.0
    assert freelancer_api.delete(f"/api/work-logs/{log_id}").status_code == 204
    assert not WorkLog.objects.exists()


def test_outsider_sees_nothing(contract, freelancer_api, outsider_api):
    log_id = freelancer_api.post("/api/work-logs/", payload(contract)).json()["id"]
    assert outsider_api.get(f"/api/work-logs/{log_id}").status_code == 404
    assert outsider_api.get("/api/work-logs/").json()["count"] == 0
    assert outsider_api.post("/api/work-logs/", payload(contract, date="2026-11-25")).status_code == 404


def test_list_query_count_is_constant(contract, freelancer, client_api, django_assert_num_queries):
    WorkLog.objects.create(contract=contract, user=freelancer, date="2026-11-20", hours_worked=3)
    with django_assert_num_queries(3):  # token user, count, page
        assert client_api.get("/api/work-logs/").json()["count"] == 1
    WorkLog.objects.create(contract=contract, user=freelancer, date="2026-11-21", hours_worked=3)
    with django_assert_num_queries(3):  # token user, count, page
        assert client_api.get(f"/api/work-logs/?contract_id={contract.pk}").json()["count"] == 2
