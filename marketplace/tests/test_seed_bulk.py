"""seed_bulk: counts, searchable rows, rare/medium/common vocabulary, bad arguments."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User, UserSkill
from marketplace.models import Project
from marketplace.search import params as search_params
from marketplace.search import service

pytestmark = pytest.mark.django_db


def seed(**kwargs):
    out = StringIO()
    call_command("seed_bulk", stdout=out, **kwargs)
    return out.getvalue()


def test_seeds_the_requested_rows_with_a_progress_bar():
    output = seed(projects=300, freelancers=40, clients=10, batch=100)
    assert Project.objects.count() == 300
    assert User.objects.filter(role=Role.FREELANCER).count() == 40
    assert User.objects.filter(role=Role.CLIENT).count() == 10
    assert UserSkill.objects.count() >= 80
    assert Project.skills.through.objects.count() >= 600
    assert "projects" in output and "300/300" in output and "Seeded 300 projects" in output


def test_seeded_projects_are_searchable_with_common_and_medium_terms():
    seed(projects=400, freelancers=20, clients=10, batch=150)
    common = service.project_search(search_params.ProjectQuery(q="website")).count
    assert common > 40
    page = service.project_search(search_params.ProjectQuery(q="website"), limit=5)
    assert len(page.items) == 5


def test_running_twice_adds_more_rows():
    seed(projects=50, freelancers=5, clients=5)
    seed(projects=50, freelancers=5, clients=5)
    assert Project.objects.count() == 100
    assert User.objects.filter(role=Role.FREELANCER).count() == 10


def test_negative_counts_are_refused():
    with pytest.raises(CommandError):
        seed(projects=-1)


@pytest.mark.postgres
def test_postgres_rows_get_search_vectors_and_indexes():
    from django.db import connection

    seed(projects=200, freelancers=20, clients=5, batch=80)
    assert not Project.objects.filter(search_vector__isnull=True).exists()
    assert not User.objects.filter(role=Role.FREELANCER, search_vector__isnull=True).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'projects'")
        assert "projects_search_vector_gin" in {row[0] for row in cursor.fetchall()}
    # The ids continue after the seeded ones: a normal insert does not collide.
    from marketplace.tests.factories import ProjectFactory

    assert ProjectFactory().pk > 200
