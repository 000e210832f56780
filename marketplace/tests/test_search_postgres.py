"""PostgreSQL full-text behaviour: weights, recency, websearch syntax, stemming, typos and stored vectors."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import UserSkill
from accounts.tests.factories import FreelancerFactory, SkillFactory
from marketplace.models import Project
from marketplace.search.indexing import search_reindex_all
from marketplace.tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_title_match_outranks_description_match(api):
    in_description = ProjectFactory(title="Website work", description="We need a kubernetes expert for a month.")
    in_title = ProjectFactory(title="Kubernetes cluster upgrade", description="Upgrade and tune it.")
    assert ids(api.get("/api/search/projects", {"q": "kubernetes"})) == [in_title.pk, in_description.pk]


def test_skill_match_outranks_description_match(api):
    in_description = ProjectFactory(title="Dashboard", description="Charts drawn with terraform outputs.")
    in_skill = ProjectFactory(title="Cloud setup", description="Infrastructure as code.",
                              skills=[SkillFactory(name="Terraform")])
    assert ids(api.get("/api/search/projects", {"q": "terraform"})) == [in_skill.pk, in_description.pk]


def test_recency_breaks_ties_between_equal_matches(api):
    old = ProjectFactory(title="Flutter app", description="Same words here.")
    new = ProjectFactory(title="Flutter app", description="Same words here.")
    Project.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=120))
    assert ids(api.get("/api/search/projects", {"q": "flutter"})) == [new.pk, old.pk]


def test_stemming_and_websearch_syntax(api):
    testing = ProjectFactory(title="Testing payments", description="Write tests for the payment flow.")
    phrase = ProjectFactory(title="Mobile payment app", description="An app for mobile payments.")
    assert set(ids(api.get("/api/search/projects", {"q": "payment"}))) == {testing.pk, phrase.pk}
    assert ids(api.get("/api/search/projects", {"q": '"mobile payment"'})) == [phrase.pk]
    assert ids(api.get("/api/search/projects", {"q": "payment -mobile"})) == [testing.pk]
    assert set(ids(api.get("/api/search/projects", {"q": "testing or mobile"}))) == {testing.pk, phrase.pk}


def test_typo_finds_close_title_words(api):
    project = ProjectFactory(title="JavaScript animation for a landing page")
    body = api.get("/api/search/projects", {"q": "javascrpt"}).json()
    assert body["fuzzy"] is True and [r["id"] for r in body["results"]] == [project.pk]


def test_typo_finds_freelancer_names(api):
    person = FreelancerFactory(name="Margarethe Svensson", title="Translator", bio="")
    body = api.get("/api/search/freelancers", {"q": "Margarete"}).json()
    assert body["fuzzy"] is True and [r["id"] for r in body["results"]] == [person.pk]


def test_autocomplete_corrects_typos_in_skill_names(api):
    skill = SkillFactory(name="Kotlin")
    suggestions = api.get("/api/search/autocomplete", {"q": "Kotlni"}).json()["suggestions"]
    assert {"id": skill.pk, "type": "skill", "text": "Kotlin"} in suggestions


def test_freelancer_vector_follows_profile_and_skills(api):
    person = FreelancerFactory(name="Ines Duarte", title="Analyst", bio="")
    person.bio = "Spreadsheets and forecasting"
    person.save()
    assert [r["id"] for r in api.get("/api/search/freelancers", {"q": "forecasting"}).json()["results"]] == [
        person.pk]
    row = UserSkill.objects.create(user=person, skill=SkillFactory(name="Tableau"))
    assert [r["id"] for r in api.get("/api/search/freelancers", {"q": "tableau"}).json()["results"]] == [person.pk]
    row.delete()
    assert api.get("/api/search/freelancers", {"q": "tableau"}).json()["results"] == []


def test_reindex_all_matches_incremental_vectors():
    project = ProjectFactory(title="Rust compiler plugin", skills=[SkillFactory(name="Rust")])
    before = Project.objects.values_list("search_vector", flat=True).get(pk=project.pk)
    search_reindex_all()
    assert Project.objects.values_list("search_vector", flat=True).get(pk=project.pk) == before
    assert "'rust':1A,5B" in before.replace(" ", "") or "rust" in before


def test_search_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename IN ('projects', 'users')")
        names = {row[0] for row in cursor.fetchall()}
    assert {"projects_search_vector_gin", "projects_search_public_gin", "projects_title_trgm",
            "projects_title_prefix_c", "users_search_vector_gin", "users_name_trgm", "users_name_prefix_c"} <= names
