"""The allauth pages around the main journey: forgotten password, email confirmation, log-out, settings."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_forgotten_password_is_reset_through_the_emailed_link(page, freelancer, mailoutbox, login, screenshot):
    page.goto("/accounts/login/")
    page.get_by_test_id("login-forgot").click()
    page.wait_for_url("**/accounts/password/reset/")
    page.get_by_label("Email").fill(freelancer.email)
    screenshot(page, "request")
    page.get_by_test_id("password-reset-submit").click()
    page.wait_for_url("**/accounts/password/reset/done/")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    screenshot(page, "sent")

    assert [m.to for m in mailoutbox] == [[freelancer.email]]
    page.goto(_link_in(mailoutbox[0]))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New Password", exact=True).fill("a-brand-new-secret-7")
    page.get_by_label("New Password (again)").fill("a-brand-new-secret-7")
    screenshot(page, "new-password")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="Your password is changed")).to_be_visible()

    login(page, freelancer, "a-brand-new-secret-7")
    expect(page.get_by_test_id("nav-logout")).to_be_visible()


def test_expired_reset_link_offers_a_new_one(page, freelancer):
    page.goto("/accounts/password/reset/key/1-not-a-real-key/")
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    expect(page.get_by_test_id("password-reset-again")).to_be_visible()


def test_new_client_confirms_email_from_the_link(page, mailoutbox, screenshot):
    page.goto("/accounts/signup/?role=client")
    expect(page.locator("input[name=role][value=client]")).to_be_checked()
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password", exact=True).fill("analytical-engine-1843")
    page.get_by_label("Password (again)").fill("analytical-engine-1843")
    page.get_by_test_id("signup-submit").click()
    page.wait_for_url("**/dashboard/")
    expect(page.get_by_test_id("nav-role")).to_have_text("Client")

    page.goto(_link_in(mailoutbox[-1]))
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    screenshot(page, "confirm")
    page.get_by_test_id("email-confirm-submit").click()
    expect(page.get_by_test_id("flash").first).to_be_visible()
    user = User.objects.get(email="ada@example.com")
    assert EmailAddress.objects.get(user=user).verified
    assert user.email_verified


def test_signup_refuses_a_taken_email_and_keeps_the_chosen_role(page, freelancer, screenshot):
    page.goto("/accounts/signup/")
    page.get_by_test_id("role-freelancer").click()
    page.get_by_label("Full name").fill("Someone Else")
    page.get_by_label("Email").fill(freelancer.email)
    page.get_by_label("Password", exact=True).fill("another-secret-99")
    page.get_by_label("Password (again)").fill("another-secret-99")
    page.get_by_test_id("signup-submit").click()

    expect(page.get_by_test_id("error-email")).to_be_visible()
    expect(page.locator("input[name=role][value=freelancer]")).to_be_checked()
    screenshot(page, "errors")
    assert User.objects.filter(email__iexact=freelancer.email).count() == 1


def test_wrong_password_is_refused_on_the_login_page(page, client_user, screenshot):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(client_user.email)
    page.get_by_label("Password", exact=True).fill("not-my-password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(page.get_by_test_id("nav-login")).to_be_visible()
    screenshot(page, "refused")


def test_logout_page_asks_before_signing_out(page, client_user, login, screenshot):
    login(page, client_user)
    page.goto("/accounts/logout/")
    screenshot(page, "confirm")
    page.get_by_test_id("logout-confirm").click()
    expect(page.get_by_test_id("nav-login")).to_be_visible()


def test_account_settings_pages_share_the_settings_navigation(page, freelancer, login, screenshot):
    login(page, freelancer)
    for path, heading, name in [
        ("/profile/", None, "profile"),
        ("/accounts/email/", "Email addresses", "email"),
        ("/accounts/password/change/", "Password", "password"),
        ("/accounts/2fa/", "Two-factor authentication", "mfa"),
    ]:
        page.goto(path)
        nav = page.get_by_test_id("settings-nav")
        expect(nav).to_be_visible()
        expect(nav.locator("[aria-current=page]")).to_have_count(1)
        if heading:
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        screenshot(page, name)


def test_two_factor_setup_asks_for_the_password_then_shows_the_code(page, freelancer, login, password, screenshot):
    login(page, freelancer)
    page.goto("/accounts/2fa/")
    page.get_by_test_id("mfa-activate").click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    screenshot(page, "reauthenticate")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    expect(page.get_by_label("Authenticator secret")).not_to_have_value("")
    expect(page.get_by_label("Authenticator code")).to_be_visible()
    screenshot(page, "activate")
