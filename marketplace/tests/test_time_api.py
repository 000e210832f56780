"""Time entries API: timer start/stop (POST, PUT, /stop), manual entries, review, summary, visibility."""

import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from marketplace.models import ContractType, TimeEntry, TimeEntryStatus

from .factories import ContractFactory

pytestmark = pytest.mark.django_db


def _as(user):
    # The week rules need the clock moved across days, past any JWT's lifetime: these clients skip the token.
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def freelancer_api(freelancer):
    return _as(freelancer)


@pytest.fixture
def client_api(client_user):
    return _as(client_user)


@pytest.fixture
def outsider_api(outsider):
    return _as(outsider)


@pytest.fixture
def hourly(client_user, freelancer):
    return ContractFactory(project__client=client_user, freelancer=freelancer, contract_type=ContractType.HOURLY,
                           amount=None, hourly_rate=Decimal("40.00"), weekly_limit_hours=Decimal("20.00"))


def make_entry(contract, minutes=60, status=TimeEntryStatus.DRAFT, day="2026-11-24T08:00:00", **kwargs):
    start = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.UTC)
    return TimeEntry.objects.create(
        user=contract.freelancer, contract=contract, start_time=start,
        end_time=start + datetime.timedelta(minutes=minutes), duration_minutes=minutes,
        hourly_rate=contract.hourly_rate, amount=Decimal(minutes) * contract.hourly_rate / 60, status=status,
        week_start=datetime.date(2026, 11, 23), **kwargs)


@freeze_time("2026-11-25T09:00:00Z")
def test_post_starts_timer_and_put_stops_it(hourly, freelancer_api):
    response = freelancer_api.post("/api/time-entries/", {"contract_id": hourly.pk, "description": "Build"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "running" and body["hourly_rate"] == 40.0 and body["end_time"] is None
    with freeze_time("2026-11-25T10:30:00Z"):
        stopped = freelancer_api.put(f"/api/time-entries/{body['id']}", {})
    assert stopped.status_code == 200, stopped.content
    assert stopped.json()["duration_minutes"] == 90
    assert stopped.json()["amount"] == 60.0
    assert stopped.json()["status"] == "draft"


@freeze_time("2026-11-25T09:00:00Z")
def test_stop_action_accepts_post_and_put_with_an_end_time(hourly, freelancer_api):
    first = freelancer_api.post("/api/time-entries", {"contract_id": hourly.pk}).json()
    response = freelancer_api.post(f"/api/time-entries/{first['id']}/stop",
                                   {"end_time": "2026-11-25T08:59:00Z"})
    assert response.status_code == 400  # before the start
    response = freelancer_api.put(f"/api/time-entries/{first['id']}/stop/", {"description": "Done"})
    assert response.status_code == 200
    assert response.json()["description"] == "Done"
    again = freelancer_api.post(f"/api/time-entries/{first['id']}/stop")
    assert again.status_code == 400 and again.json()["code"] == "not_running"


@freeze_time("2026-11-25T09:00:00Z")
def test_second_start_answers_400(hourly, freelancer_api):
    assert freelancer_api.post("/api/time-entries/", {"contract_id": hourly.pk}).status_code == 201
    response = freelancer_api.post("/api/time-entries/", {"contract_id": hourly.pk})
    assert response.status_code == 400
    assert response.json()["code"] == "timer_running"


@freeze_time("2026-11-27T09:00:00Z")
def test_manual_entry_and_weekly_limit(hourly, freelancer_api):
    response = freelancer_api.post("/api/time-entries/", {
        "contract_id": hourly.pk, "start_time": "2026-11-24T08:00:00Z", "end_time": "2026-11-24T20:00:00Z"})
    assert response.status_code == 201
    assert response.json()["is_manual"] and response.json()["amount"] == 480.0
    over = freelancer_api.post("/api/time-entries/", {
        "contract_id": hourly.pk, "start_time": "2026-11-25T08:00:00Z", "end_time": "2026-11-25T17:00:00Z"})
    assert over.status_code == 400 and over.json()["code"] == "weekly_limit_exceeded"
    bad = freelancer_api.post("/api/time-entries/", {"contract_id": hourly.pk, "end_time": "2026-11-25T17:00:00Z"})
    assert bad.status_code == 400


@freeze_time("2026-11-25T09:00:00Z")
def test_client_cannot_start_and_outsider_sees_no_contract(hourly, client_api, outsider_api):
    assert client_api.post("/api/time-entries/", {"contract_id": hourly.pk}).status_code == 403
    assert outsider_api.post("/api/time-entries/", {"contract_id": hourly.pk}).status_code == 404


@freeze_time("2026-11-27T09:00:00Z")
def test_client_approves_and_rejects_with_reason(hourly, client_api, freelancer_api, outsider_api):
    first, second = make_entry(hourly), make_entry(hourly, day="2026-11-25T08:00:00")
    assert freelancer_api.post(f"/api/time-entries/{first.pk}/approve").status_code == 403
    assert outsider_api.post(f"/api/time-entries/{first.pk}/approve").status_code == 404
    response = client_api.post(f"/api/time-entries/{first.pk}/approve")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert client_api.post(f"/api/time-entries/{first.pk}/approve").status_code == 409
    assert client_api.post(f"/api/time-entries/{second.pk}/reject", {}).status_code == 400
    response = client_api.post(f"/api/time-entries/{second.pk}/reject", {"reason": "Not in scope"})
    assert response.status_code == 200
    assert response.json()["rejection_reason"] == "Not in scope"


@freeze_time("2026-11-27T09:00:00Z")
def test_week_submit_and_approve(hourly, client_api, freelancer_api):
    make_entry(hourly)
    make_entry(hourly, day="2026-11-26T08:00:00")
    submitted = freelancer_api.post("/api/time-entries/submit-week",
                                    {"contract_id": hourly.pk, "week_start": "2026-11-26"})
    assert submitted.status_code == 200 and submitted.json()["count"] == 2
    assert submitted.json()["week_start"] == "2026-11-23"
    approved = client_api.post("/api/time-entries/approve-week",
                               {"contract_id": hourly.pk, "week_start": "2026-11-23"})
    assert approved.status_code == 200 and approved.json()["count"] == 2


@freeze_time("2026-11-27T09:00:00Z")
def test_summary_as_numbers_for_either_party(hourly, client_api, freelancer_api, outsider_api):
    make_entry(hourly, minutes=90)
    make_entry(hourly, minutes=30, billable=False, day="2026-11-25T08:00:00")
    make_entry(hourly, minutes=60, status=TimeEntryStatus.REJECTED, day="2026-11-26T08:00:00")
    for api in (client_api, freelancer_api):
        response = api.get(f"/api/time-entries/summary?contract_id={hourly.pk}")
        assert response.status_code == 200
        assert response.json() == {"contract_id": hourly.pk, "total_hours": 2.0, "total_amount": 80.0,
                                   "billable_hours": 1.5, "billable_amount": 60.0, "entry_count": 2}
    assert outsider_api.get(f"/api/time-entries/summary?contract_id={hourly.pk}").status_code == 404
    assert client_api.get("/api/time-entries/summary").status_code == 400


@freeze_time("2026-11-27T09:00:00Z")
def test_list_is_scoped_and_constant_in_queries(hourly, client_api, outsider_api, django_assert_num_queries):
    make_entry(hourly)
    with django_assert_num_queries(2):  # count, page
        response = client_api.get("/api/time-entries/")
    assert response.json()["count"] == 1
    make_entry(hourly, day="2026-11-25T08:00:00")
    with django_assert_num_queries(2):
        response = client_api.get(f"/api/time-entries/?contract_id={hourly.pk}")
    assert response.json()["count"] == 2
    assert outsider_api.get("/api/time-entries/").json()["count"] == 0


@freeze_time("2026-11-27T09:00:00Z")
def test_freelancer_edits_and_deletes_but_not_after_approval(hourly, client_api, freelancer_api):
    entry = make_entry(hourly)
    response = freelancer_api.patch(f"/api/time-entries/{entry.pk}", {"end_time": "2026-11-24T10:00:00Z"})
    assert response.status_code == 200 and response.json()["duration_minutes"] == 120
    assert client_api.patch(f"/api/time-entries/{entry.pk}", {"description": "x"}).status_code == 403
    client_api.post(f"/api/time-entries/{entry.pk}/approve")
    locked = freelancer_api.patch(f"/api/time-entries/{entry.pk}", {"description": "x"})
    assert locked.status_code == 400 and locked.json()["code"] == "entry_locked"
    other = make_entry(hourly, day="2026-11-26T08:00:00")
    assert freelancer_api.delete(f"/api/time-entries/{other.pk}").status_code == 204
