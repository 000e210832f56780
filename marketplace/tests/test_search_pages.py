"""Search pages: results with filters and facets, autocomplete fragment, categories, saved searches, fragments."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from accounts.models import UserSkill
from accounts.tests.factories import SkillFactory
from engagement.saved_searches import SavedSearch
from marketplace.models import ProjectStatus
from marketplace.tests.factories import CategoryFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def listing(client_user):
    web = CategoryFactory(name="Web", slug="web")
    shop = CategoryFactory(name="Shops", slug="shops", parent=web)
    react = SkillFactory(name="React")
    found = ProjectFactory(client=client_user, title="React shop for a bakery", category=shop, skills=[react],
                           budget_min=Decimal("900"), budget_max=Decimal("1500"))
    other = ProjectFactory(title="Logo for a bakery", category=CategoryFactory(name="Design", slug="design"))
    draft = ProjectFactory(client=client_user, title="Bakery secret", status=ProjectStatus.DRAFT)
    return {"web": web, "found": found, "other": other, "draft": draft, "react": react}


def test_search_page_lists_matches_with_facets(client, listing):
    response = client.get("/search/", {"q": "bakery"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "React shop for a bakery" in html and "Logo for a bakery" in html and "Bakery secret" not in html
    assert 'data-testid="facet-category"' in html and "Shops" in html
    assert 'hx-get="/search/autocomplete/"' in html


def test_filters_narrow_the_page(client, listing):
    html = client.get("/search/", {"q": "bakery", "category": "web"}).content.decode()
    assert "React shop for a bakery" in html and "Logo for a bakery" not in html


def test_bad_filters_show_errors_with_400(client, listing):
    response = client.get("/search/", {"budget_min": "-1", "sort": "cheap"})
    assert response.status_code == 400
    assert 'data-testid="search-errors"' in response.content.decode()


def test_htmx_request_gets_only_the_results(client, listing):
    html = client.get("/search/", {"q": "react"}, headers={"HX-Request": "true"}).content.decode()
    assert "React shop for a bakery" in html and "<html" not in html


def test_autocomplete_fragment_links_suggestions(client, listing):
    html = client.get("/search/autocomplete/", {"q": "Rea"}).content.decode()
    assert "/search/?skills=React" in html and f"/projects/{listing['found'].pk}/" in html
    assert client.get("/search/autocomplete/").content.decode().strip() == ""


def test_category_page_includes_subcategories(client, listing):
    html = client.get("/categories/web/").content.decode()
    assert "React shop for a bakery" in html and "Logo for a bakery" not in html and "Shops" in html
    assert client.get("/categories/nope/").status_code == 404
    assert "Web" in client.get("/categories/").content.decode()


def test_freelancer_search_page(client, freelancer):
    freelancer.title = "Kotlin developer"
    freelancer.save()
    html = client.get("/search/freelancers/", {"q": "kotlin"}).content.decode()
    assert freelancer.display_name in html
    assert client.get("/search/freelancers/", {"min_rate": "x"}).status_code == 400


def test_save_list_and_delete_a_search(client, freelancer, listing):
    client.force_login(freelancer)
    response = client.post("/search/saved/", {"name": "Bakeries", "alert_frequency": "instant",
                                               "query_string": "q=bakery&budget_min=100"})
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=freelancer)
    assert saved.query == {"q": "bakery", "budget_min": "100"} and saved.alert_frequency == "instant"
    html = client.get("/search/saved/").content.decode()
    assert "Bakeries" in html
    assert client.post(f"/search/saved/{saved.pk}/delete/").status_code == 302
    assert not SavedSearch.objects.exists()


def test_saving_a_bad_search_shows_an_error(client, freelancer):
    client.force_login(freelancer)
    response = client.post("/search/saved/", {"name": "Bad", "query_string": "budget_min=-5"})
    assert response.status_code == 302 and not SavedSearch.objects.exists()


def test_saved_searches_are_private(client, freelancer, outsider):
    saved = SavedSearch.objects.create(user=freelancer, name="Mine", query={"q": "x"})
    assert client.get("/search/saved/").status_code == 302  # to log in
    client.force_login(outsider)
    assert "Mine" not in client.get("/search/saved/").content.decode()
    assert client.post(f"/search/saved/{saved.pk}/delete/").status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_recommended_fragment_for_freelancers(client, freelancer, client_user, listing):
    UserSkill.objects.create(user=freelancer, skill=listing["react"])
    client.force_login(freelancer)
    html = client.get("/search/recommended/").content.decode()
    assert "React shop for a bakery" in html and "Has 1 of 1 required skills" in html
    client.force_login(client_user)
    assert client.get("/search/recommended/").status_code == 403


def test_suggested_fragment_for_the_projects_client_only(client, client_user, outsider, freelancer, listing):
    UserSkill.objects.create(user=freelancer, skill=listing["react"])
    path = f"/search/suggested/{listing['found'].pk}/"
    client.force_login(client_user)
    assert freelancer.display_name in client.get(path).content.decode()
    client.force_login(outsider)
    assert client.get(path).status_code == 404
