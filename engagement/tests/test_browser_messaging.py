"""Messaging works live on the pages: a new message appears without a reload, and the send form adds the row."""

import pytest
from playwright.sync_api import expect

from engagement.services.messaging import message_send
from engagement.tests.factories import ConversationFactory
from marketplace.tests.factories import ProjectFactory
from tests.browser.conftest import DESKTOP, _new_page, browser, login, page  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_conversation_page_shows_new_messages_live_and_sends_with_htmx(page, browser, live_server,  # noqa: F811
                                                                       login, client_user, freelancer):  # noqa: F811
    conversation = ConversationFactory(project=ProjectFactory(client=client_user), client=client_user,
                                       freelancer=freelancer)
    login(page, client_user)
    page.goto(f"/messages/{conversation.pk}/")
    expect(page.get_by_text("No messages yet")).to_be_visible()

    # Bob writes from elsewhere: Alice's open page shows it at the next poll, no reload.
    message_send(conversation=conversation, sender=freelancer, body="Hi Alice, the mock-ups are ready.")
    expect(page.get_by_text("Hi Alice, the mock-ups are ready.")).to_be_visible(timeout=8000)

    # Alice answers through the HTMX form: the row appears once, the form is cleared.
    page.get_by_label("Message").fill("Great, sending feedback tonight.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Great, sending feedback tonight.")).to_have_count(1)
    expect(page.get_by_label("Message")).to_have_value("")
    page.wait_for_timeout(3500)  # one more poll must not duplicate the row
    expect(page.get_by_test_id("message-row")).to_have_count(2)

    # Bob's inbox page lists the new message live too.
    context, bob_page = _new_page(browser, live_server, DESKTOP)
    try:
        login(bob_page, freelancer)
        bob_page.goto("/messages/")
        expect(bob_page.get_by_test_id("inbox-feed").get_by_text("Great, sending feedback tonight.")).to_be_visible()
        message_send(conversation=conversation, sender=client_user, body="One more thing: the logo colours.")
        expect(bob_page.get_by_test_id("inbox-feed").get_by_text("One more thing: the logo colours.")).to_be_visible(
            timeout=8000)
        assert not bob_page.js_errors
    finally:
        context.close()


def test_engagement_pages_render_without_script_errors(page, login, client_user):  # noqa: F811
    login(page, client_user)
    for path, heading in [("/messages/", "Messages"), ("/notifications/", "Notifications"),
                          ("/notifications/settings/", "Notification settings"), ("/analytics/", "Analytics")]:
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    page.goto("/notifications/settings/")
    page.get_by_role("button", name="Turn on push in this browser").click()
    expect(page.locator("#push-status")).not_to_be_empty()  # without VAPID keys it says push is off
