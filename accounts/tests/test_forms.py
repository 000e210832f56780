from decimal import Decimal

import pytest

from accounts.forms import ProfileForm, timezone_choices
from accounts.models import User
from accounts.tests.factories import ClientFactory, FreelancerFactory, SkillFactory

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {"name": "Grace Hopper", "title": "Compiler consultant", "bio": "", "location": "Arlington",
            "timezone": "America/New_York", "profile_image_url": "", "hourly_rate": "120.00", "skills": ""}
    data.update(overrides)
    return data


def test_timezone_choices_are_real_zones_grouped_by_region_with_utc_first():
    import zoneinfo

    choices = timezone_choices()
    assert choices[0] == ("UTC", "UTC")
    zones = [zone for _, group in choices[1:] for zone, _ in group]
    assert "Europe/Lisbon" in zones and "America/Argentina/Buenos_Aires" in zones
    assert set(zones) <= zoneinfo.available_timezones()
    assert not [z for z in zones if z.startswith(("Etc/", "US/"))]


def test_unknown_timezone_is_refused():
    form = ProfileForm(_data(timezone="Mars/Olympus_Mons"), instance=FreelancerFactory())
    assert not form.is_valid()
    assert "timezone" in form.errors


def test_a_legacy_zone_alias_is_still_accepted():
    form = ProfileForm(_data(timezone="US/Pacific"), instance=FreelancerFactory())
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("rate", ["-1", "10000.01", "abc", "12.345"])
def test_hourly_rate_must_be_a_sensible_amount(rate):
    form = ProfileForm(_data(hourly_rate=rate), instance=FreelancerFactory())
    assert not form.is_valid()
    assert "hourly_rate" in form.errors


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.com/me.png", "not a url"])
def test_profile_image_must_be_a_web_link(url):
    form = ProfileForm(_data(profile_image_url=url), instance=FreelancerFactory())
    assert not form.is_valid()
    assert "profile_image_url" in form.errors


def test_a_blank_name_is_refused():
    form = ProfileForm(_data(name="   "), instance=FreelancerFactory())
    assert not form.is_valid()
    assert "name" in form.errors


def test_skills_are_trimmed_and_deduplicated_case_insensitively():
    form = ProfileForm(_data(skills=" Python ,django,  python, , Django REST  framework"), instance=FreelancerFactory())
    assert form.is_valid(), form.errors
    assert form.skill_names() == ["Python", "django", "Django REST framework"]


def test_too_many_or_too_long_skills_are_refused():
    too_many = ProfileForm(_data(skills=", ".join(f"Skill {n}" for n in range(51))), instance=FreelancerFactory())
    too_long = ProfileForm(_data(skills="x" * 81), instance=FreelancerFactory())
    assert "skills" in too_many.errors and "skills" in too_long.errors


def test_freelancer_form_starts_with_current_skills_in_order():
    freelancer = FreelancerFactory()
    for name in ["Go", "Rust"]:
        freelancer.user_skills.create(skill=SkillFactory(name=name))
    assert ProfileForm(instance=freelancer)["skills"].initial == "Go, Rust"


def test_client_form_has_no_rate_or_skills_and_leaves_skills_alone():
    client = ClientFactory()
    form = ProfileForm(_data(hourly_rate="99", skills="Python"), instance=client)
    assert "hourly_rate" not in form.fields and "skills" not in form.fields
    assert form.is_valid(), form.errors
    assert form.skill_names() is None


def test_valid_freelancer_form_cleans_money_as_decimal():
    form = ProfileForm(_data(hourly_rate="65.5"), instance=FreelancerFactory())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hourly_rate"] == Decimal("65.50")
    assert isinstance(form.instance, User)
