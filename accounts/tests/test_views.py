"""Account pages for people: home, navigation per role, profile edit, public profile, the allauth pages."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import SkillFactory

pytestmark = pytest.mark.django_db


def test_home_explains_the_product_with_the_configured_fee(client, settings):
    settings.PLATFORM_FEE_PERCENT = Decimal("12.50")
    settings.ESCROW_AUTO_RELEASE_DAYS = 10
    html = client.get("/").content.decode()
    assert 'data-testid="hero-signup"' in html
    assert "12.5%" in html and "$875.00" in html and "$125.00" in html
    assert "after 10 days" in html
    assert "10%" not in html.replace("12.5%", "")


def test_anonymous_navigation_offers_log_in_and_sign_up(client):
    html = client.get("/").content.decode()
    assert 'data-testid="nav-login"' in html and 'data-testid="nav-signup"' in html
    assert 'data-testid="nav-logout"' not in html


@pytest.mark.parametrize("role_fixture, badge, admin_link", [
    ("client_user", "Client", False),
    ("freelancer", "Freelancer", False),
    ("staff_user", "Admin", True),
])
def test_signed_in_navigation_follows_the_role(request, client, role_fixture, badge, admin_link):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'data-testid="nav-login"' not in html
    assert f'data-testid="nav-role">{badge}<' in html
    assert ('data-testid="nav-admin"' in html) is admin_link


def test_profile_edit_needs_a_signed_in_user(client):
    response = client.get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_freelancer_saves_profile_with_rate_timezone_and_skills(client, freelancer):
    client.force_login(freelancer)
    response = client.post("/profile/", {
        "name": "Bob Builder", "title": "Django developer", "bio": "Ten years of web work.", "hourly_rate": "72.50",
        "location": "Lisbon, Portugal", "timezone": "Europe/Lisbon", "profile_image_url": "https://img.example/b.png",
        "skills": "Django, PostgreSQL",
    })
    assert response.status_code == 302 and response["Location"] == reverse("profile-edit")
    freelancer.refresh_from_db()
    assert (freelancer.name, freelancer.title, freelancer.hourly_rate, freelancer.timezone) == (
        "Bob Builder", "Django developer", Decimal("72.50"), "Europe/Lisbon")
    assert list(freelancer.user_skills.order_by("id").values_list("skill__name", flat=True)) == ["Django", "PostgreSQL"]
    assert "Your profile was saved." in client.get("/profile/").content.decode()


def test_profile_errors_are_shown_and_nothing_is_saved(client, freelancer):
    client.force_login(freelancer)
    stored_name = freelancer.name
    response = client.post("/profile/", {
        "name": "A New Name", "title": "", "bio": "", "hourly_rate": "-3", "location": "",
        "timezone": "Not/AZone", "profile_image_url": "", "skills": "",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in html
    assert 'data-testid="error-hourly_rate"' in html and 'data-testid="error-timezone"' in html
    # The header keeps the stored name: a refused edit must not look saved.
    assert f'data-testid="profile-name">{stored_name}<' in html
    freelancer.refresh_from_db()
    assert freelancer.name == stored_name


def test_client_profile_save_keeps_skills_added_elsewhere(client, client_user):
    client_user.user_skills.create(skill=SkillFactory(name="Hiring"))
    client.force_login(client_user)
    response = client.post("/profile/", {
        "name": "Alice", "title": "Founder", "bio": "", "location": "", "timezone": "UTC", "profile_image_url": "",
    })
    assert response.status_code == 302
    assert client_user.user_skills.count() == 1


def test_public_profile_is_public_and_hides_deactivated_people(client, freelancer):
    html = client.get(f"/people/{freelancer.pk}/").content.decode()
    assert freelancer.display_name in html
    assert freelancer.email not in html
    User.objects.filter(pk=freelancer.pk).update(is_active=False)
    assert client.get(f"/people/{freelancer.pk}/").status_code == 404


def test_profile_checklist_counts_what_a_freelancer_has_done(freelancer):
    User.objects.filter(pk=freelancer.pk).update(bio="", profile_image_url="", title="Dev")
    freelancer.refresh_from_db()
    html = Template("{% load accounts_pages %}{% profile_checklist user %}").render(Context({"user": freelancer}))
    # name, headline, rate and email are done; bio, skills, picture and two-factor are not.
    assert "4 of 8 done" in html
    assert 'aria-valuenow="50"' in html


def test_local_time_filter_ignores_unknown_zones():
    from accounts.templatetags.accounts_pages import local_time

    assert local_time("Europe/Lisbon").tzinfo is not None
    assert local_time("Nowhere/Special") is None
    assert local_time("../../etc/passwd") is None


@pytest.mark.parametrize("path, testid", [
    ("/accounts/login/", "login-form"),
    ("/accounts/signup/", "signup-form"),
    ("/accounts/password/reset/", "password-reset-form"),
])
def test_allauth_entrance_pages_use_the_site_layout(client, path, testid):
    html = client.get(path).content.decode()
    assert f'data-testid="{testid}"' in html
    assert 'data-testid="auth-card"' in html and 'class="site-footer"' in html


def test_signup_page_preselects_the_role_from_the_link(client):
    html = client.get("/accounts/signup/?role=freelancer").content.decode()
    assert 'value="freelancer" id="id_role_1" required checked' in html
    assert 'value="client" id="id_role_0" required>' in html


def test_web_signup_stores_name_and_role_and_signs_in(client):
    response = client.post("/accounts/signup/", {
        "name": "  Ada   Lovelace ", "email": "Ada@Example.com", "role": Role.FREELANCER,
        "password1": "analytical-engine-1843", "password2": "analytical-engine-1843",
    })
    assert response.status_code == 302
    user = User.objects.get(email="ada@example.com")
    assert (user.name, user.role, user.is_staff) == ("Ada Lovelace", Role.FREELANCER, False)
    assert client.get("/profile/").status_code == 200


def test_web_signup_cannot_choose_the_admin_role(client):
    response = client.post("/accounts/signup/", {
        "name": "Mallory", "email": "mallory@example.com", "role": Role.ADMIN,
        "password1": "analytical-engine-1843", "password2": "analytical-engine-1843",
    })
    assert response.status_code == 200
    assert not User.objects.filter(email="mallory@example.com").exists()


@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"])
def test_settings_pages_show_the_settings_navigation(client, freelancer, path):
    client.force_login(freelancer)
    html = client.get(path).content.decode()
    assert 'data-testid="settings-nav"' in html and 'aria-current="page"' in html
