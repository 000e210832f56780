"""Opening a project tells engagement, which counts one view per viewer per hour."""

from engagement.models import ProjectView
from marketplace.tests.factories import ProjectFactory


def test_a_freelancer_opening_a_project_page_and_api_counts_one_view(client, freelancer, freelancer_api):
    project = ProjectFactory()
    client.force_login(freelancer)
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    assert freelancer_api.get(f"/api/projects/{project.pk}").status_code == 200
    view = ProjectView.objects.get(project=project, viewer=freelancer)
    assert view.view_count == 1


def test_the_owner_and_anonymous_visitors_are_not_counted(db, client, api):
    project = ProjectFactory()
    client.force_login(project.client)
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    assert api.get(f"/api/projects/{project.pk}").status_code == 200
    assert not ProjectView.objects.filter(project=project).exists()
