"""The first journey every person takes: sign up, log out, log back in, fill in the profile."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_signs_up_as_freelancer_logs_out_logs_in_and_edits_profile(page, screenshot):
    page.goto("/")
    expect(page.get_by_test_id("home-title")).to_be_visible()
    screenshot(page, "home")

    page.get_by_test_id("nav-signup").click()
    page.wait_for_url("**/accounts/signup/")
    page.get_by_test_id("role-freelancer").click()
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password", exact=True).fill("compilers-1952")
    page.get_by_label("Password (again)").fill("compilers-1952")
    expect(page.locator("input[name=role][value=freelancer]")).to_be_checked()
    screenshot(page, "signup")
    page.get_by_test_id("signup-submit").click()

    # Lands signed in, as a freelancer.
    page.wait_for_url("**/dashboard/")
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("Grace Hopper")
    expect(page.get_by_test_id("nav-role")).to_have_text("Freelancer")
    user = User.objects.get(email="grace@example.com")
    assert (user.name, user.role) == ("Grace Hopper", Role.FREELANCER)
    screenshot(page, "dashboard")

    page.get_by_test_id("nav-logout").click()
    expect(page.get_by_test_id("nav-login")).to_be_visible()
    expect(page.get_by_test_id("nav-logout")).to_have_count(0)

    page.get_by_test_id("nav-login").click()
    page.wait_for_url("**/accounts/login/")
    screenshot(page, "login")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password", exact=True).fill("compilers-1952")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")

    page.get_by_test_id("nav-profile").click()
    page.wait_for_url("**/profile/")
    expect(page.get_by_test_id("profile-name")).to_have_text("Grace Hopper")
    page.get_by_label("Headline").fill("COBOL and compiler consultant")
    page.get_by_label("Hourly rate (USD)").fill("120")
    page.get_by_label("Skills").fill("COBOL, Compilers, Mentoring")
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_test_id("profile-save").click()

    expect(page.get_by_test_id("flash")).to_contain_text("Your profile was saved.")
    expect(page.get_by_label("Headline")).to_have_value("COBOL and compiler consultant")
    expect(page.get_by_label("Time zone")).to_have_value("America/New_York")
    screenshot(page, "profile")
    user.refresh_from_db()
    assert user.title == "COBOL and compiler consultant"
    assert user.timezone == "America/New_York"
    assert [us.skill.name for us in user.user_skills.select_related("skill").order_by("id")] == [
        "COBOL", "Compilers", "Mentoring"]

    page.get_by_test_id("profile-view-public").click()
    expect(page.get_by_test_id("public-profile-title")).to_have_text("COBOL and compiler consultant")


def test_profile_shows_validation_errors_next_to_the_fields(page, login, freelancer, screenshot):
    login(page, freelancer)
    page.goto("/profile/")
    page.get_by_label("Hourly rate (USD)").fill("-5")
    page.get_by_label("Profile image URL").fill("javascript:alert(1)")
    page.get_by_test_id("profile-save").click()

    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(page.get_by_test_id("error-hourly_rate")).to_be_visible()
    expect(page.get_by_test_id("error-profile_image_url")).to_be_visible()
    screenshot(page, "profile-errors")
    freelancer.refresh_from_db()
    assert freelancer.hourly_rate >= 0
    assert freelancer.profile_image_url == ""


def test_menu_toggle_reveals_the_navigation_on_a_phone(phone_page, screenshot):
    page = phone_page
    page.goto("/")
    toggle = page.get_by_test_id("nav-toggle")
    expect(toggle).to_be_visible()
    expect(page.get_by_test_id("nav-login")).to_be_hidden()
    screenshot(page, "home-phone")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_test_id("nav-login")).to_be_visible()
    expect(page.get_by_test_id("nav-signup")).to_be_visible()
    screenshot(page, "menu-open-phone")

    page.keyboard.press("Escape")
    expect(page.get_by_test_id("nav-login")).to_be_hidden()

    toggle.click()
    page.get_by_test_id("nav-signup").click()
    page.wait_for_url("**/accounts/signup/")
    expect(page.get_by_test_id("role-client")).to_be_visible()
    screenshot(page, "signup-phone")


def test_pages_fit_a_phone_without_sideways_scrolling(phone_page, login, client_user, screenshot):
    page = phone_page
    for path, name in [("/accounts/login/", "login-phone"), ("/accounts/password/reset/", "password-reset-phone")]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        screenshot(page, name)
    login(page, client_user)
    for path, name in [("/dashboard/", "dashboard-phone"), ("/profile/", "profile-phone"),
                       ("/accounts/email/", "email-phone"), ("/accounts/password/change/", "password-phone"),
                       ("/accounts/2fa/", "mfa-phone"), (f"/people/{client_user.pk}/", "public-profile-phone")]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        screenshot(page, name)
