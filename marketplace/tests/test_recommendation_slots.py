"""The dashboard and the client's project page load the ranked recommendations with HTMX."""

from accounts.tests.factories import FreelancerFactory
from marketplace.tests.factories import ProjectFactory


def test_the_freelancer_dashboard_loads_recommended_projects(db, client):
    freelancer = FreelancerFactory()
    ProjectFactory()
    client.force_login(freelancer)
    page = client.get("/dashboard/").content.decode()
    assert 'hx-get="/search/recommended/"' in page
    fragment = client.get("/search/recommended/")
    assert fragment.status_code == 200
    assert 'data-testid="recommended-projects"' in fragment.content.decode()


def test_the_owner_of_an_open_project_sees_suggested_freelancers_and_others_do_not(db, client):
    project = ProjectFactory()
    client.force_login(project.client)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'hx-get="/search/suggested/{project.pk}/"' in page
    assert client.get(f"/search/suggested/{project.pk}/").status_code == 200
    client.force_login(FreelancerFactory())
    assert "/search/suggested/" not in client.get(f"/projects/{project.pk}/").content.decode()
    assert client.get(f"/search/suggested/{project.pk}/").status_code == 404
