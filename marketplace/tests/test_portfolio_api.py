"""The portfolio API: public to read, each freelancer edits only their own items."""

import pytest

from marketplace.models import PortfolioItem
from marketplace.tests.factories import PortfolioItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(freelancer):
    return PortfolioItemFactory(freelancer=freelancer, title="Shop for a bakery", skills=["Django", "HTMX"])


def url(item):
    return f"/api/portfolio/{item.pk}"


def test_anyone_reads_portfolios_filtered_by_freelancer(api, item, other_freelancer):
    PortfolioItemFactory(freelancer=other_freelancer)
    assert api.get("/api/portfolio/").json()["count"] == 2
    body = api.get(f"/api/portfolio?freelancer_id={item.freelancer_id}").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["title"] == "Shop for a bakery" and row["skills"] == ["Django", "HTMX"]
    assert row["freelancer"] == {"id": item.freelancer_id, "name": "Bob Freelancer"}
    assert api.get(url(item)).status_code == 200


def test_list_query_count_is_constant(api, freelancer, django_assert_num_queries):
    PortfolioItemFactory.create_batch(2, freelancer=freelancer)
    with django_assert_num_queries(2):
        assert api.get("/api/portfolio/").json()["count"] == 2
    PortfolioItemFactory()
    with django_assert_num_queries(2):
        assert api.get("/api/portfolio/").json()["count"] == 3


def test_freelancer_adds_an_item_with_skills_as_a_comma_string(freelancer_api, freelancer):
    response = freelancer_api.post("/api/portfolio/", {
        "title": "Booking app", "description": "Flutter app for a salon", "images": ["https://cdn.example.com/a.png"],
        "project_url": "https://example.com/salon", "skills": "Flutter, Firebase, flutter",
        "completed_on": "2025-03-01",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["freelancer_id"] == freelancer.pk and body["skills"] == ["Flutter", "Firebase"]
    assert body["image_url"] == "https://cdn.example.com/a.png" and body["completed_on"] == "2025-03-01"


def test_clients_keep_no_portfolio(client_api):
    assert client_api.post("/api/portfolio/", {"title": "Not mine"}).status_code == 403


def test_anonymous_may_not_write(api, item):
    assert api.post("/api/portfolio/", {"title": "x"}).status_code == 401
    assert api.patch(url(item), {"title": "x"}).status_code == 401


def test_bad_input_is_400(freelancer_api, item):
    assert freelancer_api.post("/api/portfolio/", {"description": "no title"}).status_code == 400
    assert freelancer_api.patch(url(item), {"project_url": "not a url"}).status_code == 400
    assert freelancer_api.patch(url(item), {"owner": 3}).status_code == 400


def test_owner_edits_and_deletes(freelancer_api, item):
    response = freelancer_api.patch(url(item), {"title": "Bakery shop", "skills": ["Django"]})
    assert response.status_code == 200
    assert response.json()["title"] == "Bakery shop" and response.json()["skills"] == ["Django"]
    assert freelancer_api.delete(url(item)).status_code == 204
    assert not PortfolioItem.objects.filter(pk=item.pk).exists()


def test_others_cannot_edit_or_delete_and_get_404(outsider_api, staff_api, other_freelancer, api_as, item):
    for api in (outsider_api, staff_api, api_as(other_freelancer)):
        assert api.patch(url(item), {"title": "Hijacked"}).status_code == 404
        assert api.put(url(item), {"title": "Hijacked"}).status_code == 404
        assert api.delete(url(item)).status_code == 404
    item.refresh_from_db()
    assert item.title == "Shop for a bakery"


def test_inactive_freelancers_portfolio_is_hidden(api, item, freelancer):
    freelancer.is_active = False
    freelancer.save(update_fields=["is_active"])
    assert api.get("/api/portfolio/").json()["count"] == 0
    assert api.get(url(item)).status_code == 404
