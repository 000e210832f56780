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


def test_a_typo_is_corrected_from_the_known_words_of_public_titles(api):
    public = ProjectFactory(title="Kubernetes migration for a bakery", description="Move the shop to a cluster.")
    ProjectFactory(title="Confidential xylophone tuning", visibility="private")
    body = api.get("/api/search/projects", {"q": "kubernetis"}).json()
    assert body["fuzzy"] is True and ids_of(body) == [public.pk]
    # A word only a private project's title holds is not known, so it corrects nothing.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_words WHERE word = 'xylophone'")
        assert cursor.fetchone()[0] == 0
    body = api.get("/api/search/projects", {"q": "xylophon"}).json()
    assert body["fuzzy"] is True and body["results"] == []


def test_search_words_are_recounted_by_the_command_and_on_the_beat(api):
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command

    ProjectFactory(title="Shopify theme tweaks")
    ProjectFactory(title="Shopify store setup")
    out = StringIO()
    call_command("rebuild_search_words", stdout=out)
    assert "known words" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT ndoc FROM search_words WHERE word = 'shopify'")
        assert cursor.fetchone()[0] == 2
    assert "marketplace.rebuild_search_words" in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def ids_of(body):
    return [row["id"] for row in body["results"]]
