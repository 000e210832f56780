"""Public profiles: GET /api/users/ and /api/users/{id}."""

import pytest

from accounts.models import UserSkill
from accounts.tests.factories import ClientFactory, FreelancerFactory, SkillFactory

pytestmark = pytest.mark.django_db


def _with_skills(user, *names):
    for name in names:
        UserSkill.objects.create(user=user, skill=SkillFactory(name=name))
    return user


def test_the_user_list_is_public_and_paginated(api, client_user, freelancer):
    response = api.get("/api/users/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert [u["id"] for u in body["results"]] == [client_user.pk, freelancer.pk]


def test_anonymous_readers_never_see_emails(api, client_user, freelancer):
    listing = api.get("/api/users/").json()["results"]
    detail = api.get(f"/api/users/{freelancer.pk}").json()

    assert all(u["email"] is None for u in listing)
    assert detail["email"] is None
    assert "password" not in detail


def test_other_users_do_not_see_an_email_but_the_user_sees_their_own(client_api, client_user, freelancer):
    listing = {u["id"]: u for u in client_api.get("/api/users/").json()["results"]}

    assert listing[client_user.pk]["email"] == client_user.email
    assert listing[freelancer.pk]["email"] is None
    assert client_api.get(f"/api/users/{freelancer.pk}").json()["email"] is None
    assert client_api.get(f"/api/users/{client_user.pk}").json()["email"] == client_user.email


def test_staff_see_emails(staff_api, client_user, freelancer):
    listing = {u["id"]: u for u in staff_api.get("/api/users/").json()["results"]}

    assert listing[client_user.pk]["email"] == client_user.email
    assert listing[freelancer.pk]["email"] == freelancer.email


def test_a_profile_carries_the_fields_of_the_api(api, freelancer):
    _with_skills(freelancer, "Django", "PostgreSQL")

    body = api.get(f"/api/users/{freelancer.pk}/").json()

    assert body["role"] == body["user_type"] == "freelancer"
    assert body["name"] == "Bob Freelancer"
    assert body["skills"] == ["Django", "PostgreSQL"]
    assert isinstance(body["hourly_rate"], float)
    assert body["joined_at"].endswith("Z") or "+" in body["joined_at"]


def test_inactive_users_are_hidden_from_everyone_but_staff(api, client_api, staff_api):
    gone = FreelancerFactory(is_active=False)

    assert api.get(f"/api/users/{gone.pk}").status_code == 404
    assert client_api.get(f"/api/users/{gone.pk}").status_code == 404
    assert gone.pk not in [u["id"] for u in api.get("/api/users/").json()["results"]]
    assert staff_api.get(f"/api/users/{gone.pk}").status_code == 200
    assert gone.pk in [u["id"] for u in staff_api.get("/api/users/").json()["results"]]


def test_an_unknown_user_answers_404_json(api):
    response = api.get("/api/users/999999")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_non_numeric_user_id_answers_404(api):
    assert api.get("/api/users/abc").status_code == 404


def test_users_can_be_filtered_by_role_and_skill(api, client_user, freelancer, other_freelancer):
    _with_skills(freelancer, "Django")
    _with_skills(other_freelancer, "Figma")

    by_role = api.get("/api/users/?role=freelancer").json()["results"]
    by_skill = api.get("/api/users/?skills=django").json()["results"]

    assert {u["id"] for u in by_role} == {freelancer.pk, other_freelancer.pk}
    assert [u["id"] for u in by_skill] == [freelancer.pk]


def test_a_bad_filter_value_answers_400_not_500(api):
    response = api.get("/api/users/?role=emperor")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_users_are_not_writable_through_the_list(client_api, freelancer):
    assert client_api.post("/api/users/", {"email": "x@example.com"}, format="json").status_code == 405
    assert client_api.patch(f"/api/users/{freelancer.pk}", {"name": "Hacked"}, format="json").status_code == 405
    assert client_api.delete(f"/api/users/{freelancer.pk}").status_code == 405
    freelancer.refresh_from_db()
    assert freelancer.name == "Bob Freelancer"


def _make_people(n):
    for i in range(n):
        _with_skills(FreelancerFactory(), f"Skill A{i}", f"Skill B{i}")
        ClientFactory()


# Anonymous: count, page, skills prefetch. Signed in: plus the session lookup of the JWT.
@pytest.mark.parametrize("who,queries", [("anonymous", 3), ("client", 4), ("staff", 4)])
def test_the_user_list_costs_the_same_queries_for_n_and_n_plus_1_users(
    who, queries, api, client_api, staff_api, django_assert_num_queries
):
    reader = {"anonymous": api, "client": client_api, "staff": staff_api}[who]
    _make_people(3)
    with django_assert_num_queries(queries):
        first = reader.get("/api/users/")
    _make_people(1)
    with django_assert_num_queries(queries):
        second = reader.get("/api/users/")

    assert first.status_code == second.status_code == 200
    assert second.json()["count"] == first.json()["count"] + 2


def test_a_profile_costs_the_same_queries_with_more_skills(api, freelancer, django_assert_num_queries):
    _with_skills(freelancer, "One")
    with django_assert_num_queries(2):
        api.get(f"/api/users/{freelancer.pk}")
    _with_skills(freelancer, "Two", "Three")
    with django_assert_num_queries(2):
        response = api.get(f"/api/users/{freelancer.pk}")
    assert response.json()["skills"] == ["One", "Two", "Three"]
