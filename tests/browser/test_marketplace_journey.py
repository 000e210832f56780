"""The marketplace journey: a client posts a project on a desktop, a freelancer bids from a phone, the client
compares and hires, both open the contract, work is handed in and approved, and both review each other."""

import pytest
from playwright.sync_api import expect

from marketplace.models import Contract, MilestoneStatus, Project, ProjectStatus, Proposal, ProposalStatus
from marketplace.tests.factories import CategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Inventory sync between Shopify and our warehouse"
COVER = ("I connected Shopify to two warehouse systems last year with webhooks and a nightly reconciliation job. "
         "I would start with a mapping workshop and ship the sync in two weeks.")


def top(page):
    """Back to the top before a full-page screenshot (pages after an action jump to the milestone)."""
    page.evaluate("window.scrollTo(0, 0)")


def test_client_posts_freelancer_bids_client_hires_and_both_see_the_contract(
        page, phone_page, login, screenshot, client_user, freelancer):
    web = CategoryFactory(name="Web Development", slug="web-development", icon="code")
    CategoryFactory(name="E-commerce", slug="e-commerce", parent=web)

    # The client posts a project from the navigation.
    login(page, client_user)
    page.get_by_test_id("nav-project-create").click()
    page.wait_for_url("**/projects/new/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill("Keep stock levels in Shopify in step with our warehouse system, "
                                          "every five minutes, with an alert when they disagree.")
    page.get_by_label("Category").select_option(label="E-commerce")
    page.get_by_label("Skills").fill("Shopify, Python, REST APIs")
    page.get_by_label("Budget from (USD)").fill("1500")
    page.get_by_label("Budget up to (USD)").fill("2500")
    screenshot(page, "post-project")
    page.get_by_test_id("publish-project").click()
    expect(page.get_by_test_id("project-title")).to_have_text(TITLE)
    expect(page.get_by_test_id("project-status")).to_have_text("Open")
    project = Project.objects.get(title=TITLE)
    assert project.status == ProjectStatus.OPEN
    assert sorted(project.skills.values_list("name", flat=True)) == ["Python", "REST APIs", "Shopify"]

    # The freelancer finds it on a phone through the menu and the live search, and bids.
    login(phone_page, freelancer)
    phone_page.get_by_test_id("nav-toggle").click()
    phone_page.get_by_test_id("nav-find-work").click()
    phone_page.wait_for_url("**/projects/")
    phone_page.locator("#project-filters summary").click()
    phone_page.get_by_placeholder("Search projects").fill("shopify warehouse")
    expect(phone_page.get_by_test_id("results-count")).to_have_text("1 open project")
    screenshot(phone_page, "browse-phone")
    phone_page.get_by_role("link", name=TITLE).click()
    phone_page.get_by_label("Cover letter").fill(COVER)
    phone_page.get_by_label("Your bid (USD)").fill("2100")
    phone_page.get_by_label("Availability").fill("Can start Monday")
    screenshot(phone_page, "bid-phone")
    phone_page.get_by_test_id("submit-proposal").click()
    phone_page.wait_for_url("**/proposals/")
    expect(phone_page.get_by_test_id("my-proposal-row")).to_contain_text(TITLE)
    expect(phone_page.get_by_test_id("my-proposal-row")).to_contain_text("Submitted")
    proposal = Proposal.objects.get(project=project, freelancer=freelancer)

    # The client compares, shortlists (in place, without a reload) and hires after confirming.
    page.get_by_test_id("nav-project-mine").click()
    page.get_by_role("link", name="Compare proposals").first.click()
    card = page.get_by_test_id("proposal-card")
    expect(card).to_contain_text(freelancer.display_name)
    expect(card).to_contain_text("$2,100")
    card.get_by_test_id("shortlist-proposal").click()
    expect(card).to_contain_text("Shortlisted")
    screenshot(page, "compare")
    card.get_by_test_id("accept-proposal").click()
    expect(page.get_by_role("heading", name=f"Hire {freelancer.display_name}?")).to_be_visible()
    page.get_by_test_id("confirm-accept").click()
    expect(page.get_by_test_id("contract-title")).to_have_text(TITLE)
    expect(page.get_by_test_id("contract-status")).to_have_text("Active")
    contract = Contract.objects.get(proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    screenshot(page, "contract-client")

    # The freelancer sees the same contract and hands in the work.
    phone_page.goto("/contracts/")
    phone_page.get_by_role("link", name=TITLE).first.click()
    expect(phone_page.get_by_test_id("contract-title")).to_have_text(TITLE)
    milestone = phone_page.get_by_test_id("milestone")
    expect(milestone).to_have_count(1)
    milestone.get_by_test_id("open-submit").click()
    milestone.get_by_label("What you deliver").fill("Sync deployed: https://example.com/sync, runbook in the repo.")
    milestone.get_by_test_id("submit-milestone").click()
    expect(phone_page.get_by_test_id("milestone-status")).to_have_text("Submitted")
    top(phone_page)
    screenshot(phone_page, "contract-phone")

    # The client approves it after the browser's confirmation (static/js/app.js; the page allows no inline
    # script): declining leaves the milestone as it was, accepting pays.
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.reload()
    page.get_by_test_id("approve-milestone").click()
    expect(page.get_by_test_id("milestone-status")).to_have_text("Submitted")
    assert asked and asked[0].startswith("Approve “") and "release" in asked[0]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("approve-milestone").click()
    expect(page.get_by_test_id("milestone-status")).to_have_text("Approved")
    assert contract.milestones.get().status == MilestoneStatus.APPROVED
    top(page)
    screenshot(page, "approved")

    # The client closes the contract and reviews; the review stays blind until the freelancer reviews too.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("complete-contract").click()
    expect(page.get_by_test_id("contract-status")).to_have_text("Completed")
    assert refused == []
    review_form = page.get_by_test_id("review-form")
    review_form.get_by_label("5 – Excellent").check()
    review_form.get_by_label("Comment").fill("Bob mapped our messy SKUs without complaint and shipped early.")
    review_form.get_by_test_id("submit-review").click()
    expect(page.get_by_test_id("my-review")).to_contain_text("Hidden until")

    phone_page.reload()
    expect(phone_page.get_by_test_id("contract-status")).to_have_text("Completed")
    phone_page.get_by_test_id("review-form").get_by_label("5 – Excellent").check()
    phone_page.get_by_test_id("submit-review").click()
    expect(phone_page.get_by_test_id("their-review")).to_contain_text("shipped early")
    top(phone_page)
    screenshot(phone_page, "reviews-phone")
