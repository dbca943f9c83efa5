"""A frontline member of staff raises an idea from a phone; their lead responds; they hear
about it without reloading."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ideas.models import Idea
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.ideas.pictures import image_bytes


def test_staff_raise_an_idea_with_a_photo_and_hear_the_response_live(
    live_url, new_page, cast, team_a, team_a_coaches, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    Idea.objects.create(
        team=team_a_coaches,
        author=cast["wendy"],
        title="Pre-fill the address on the claim form",
        problem="Customers give it three times",
    )
    staff = new_page(PHONE)
    sign_in(staff, live_url, "sam", PASSWORD)
    staff.get_by_role("link", name="Raise an idea").first.click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Raise an idea")
    expect(staff.get_by_text("hidden from everyone except LeanHub administrators")).to_be_visible()
    assert_accessible(staff)

    staff.get_by_label("Title").press_sequentially("claim form address", delay=30)
    hint = staff.locator("#similar-ideas")
    expect(hint).to_contain_text("Similar ideas already raised")
    expect(hint.get_by_role("link", name="Pre-fill the address on the claim form")).to_be_visible()

    staff.get_by_label("What is the problem now?").fill("Customers give their address three times.")
    staff.get_by_label("Waiting", exact=True).check()
    staff.get_by_label("Minutes saved each time").fill("3")
    staff.get_by_label("Times a year").fill("4000")
    expect(staff.locator("#hours-a-year")).to_have_text("That is about 200 hours a year.")
    staff.get_by_label("Photos").set_input_files(
        {"name": "form.png", "mimeType": "image/png", "buffer": image_bytes("PNG", (120, 90))}
    )
    assert_accessible(staff)
    staff.get_by_role("button", name="Send my idea").click()

    expect(staff).to_have_url(re.compile(r"/ideas/\d+/$"))
    expect(staff.get_by_role("heading", level=1)).to_have_text("claim form address")
    expect(staff.get_by_role("img", name="Photo 1 of the idea")).to_be_visible()
    # The photo has loaded and decoded (visible alone does not wait for its bytes).
    staff.wait_for_function(
        "img => img.complete && img.naturalWidth > 0",
        arg=staff.locator(".photo-grid img").first.element_handle(),
    )
    # Kaizen's and metrics' parts of the page (nothing yet) have come and replaced their links.
    expect(staff.locator('[data-hx-trigger="load"]')).to_have_count(0)
    expect(staff.get_by_role("link", name="Kaizen cards working on this idea")).to_have_count(0)
    assert_accessible(staff)
    badge = staff.locator("#notification-count .badge")
    expect(badge).to_have_text("0")
    expect(staff.locator("html")).to_have_attribute("data-live", "connected")
    idea_url = staff.url

    lead = new_page(DESKTOP)
    sign_in(lead, live_url, "lee", PASSWORD)
    lead.goto(idea_url)
    assert_accessible(lead)
    lead.get_by_label("New status").select_option("accepted")
    lead.get_by_label("Note to the person who raised it").fill("Good idea — trial next week.")
    lead.get_by_role("button", name="Record response").click()
    expect(lead.get_by_role("status").filter(has_text="Response recorded")).to_be_visible()
    # Accepted: kaizen's part of the page offers to put it on the team's board.
    expect(lead.get_by_role("heading", name="Improvement work")).to_be_visible()
    expect(lead.get_by_role("button", name="Put it on the team's kaizen board")).to_be_visible()
    assert_accessible(lead)

    expect(badge).to_have_text("1")  # the staff member's page was not reloaded
    staff.reload()
    expect(staff.locator(".timeline")).to_contain_text("Good idea — trial next week.")
    expect(staff.locator('[data-hx-trigger="load"]')).to_have_count(0)
    expect(staff.get_by_role("button", name="Put it on the team's kaizen board")).to_have_count(0)
    assert_accessible(staff)

    # Finding it again: the filters update the list in place and keep the address shareable.
    navigation = staff.get_by_role("navigation", name="Main")
    navigation.get_by_role("button", name="Menu").click()  # a phone folds the navigation away
    navigation.get_by_role("link", name="Ideas").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Ideas")
    assert_accessible(staff)
    staff.get_by_label("Status").select_option("accepted")
    expect(staff).to_have_url(re.compile(r"status=accepted"))
    results = staff.locator("#idea-results")
    expect(results).to_contain_text("1 idea")
    expect(results.get_by_role("link", name="claim form address")).to_be_visible()
    assert_accessible(staff)


def test_stop_doing_without_an_owner_is_refused_on_a_phone_and_keeps_the_photo(
    live_url, new_page, cast, team_a, settings, tmp_path
):
    from ideas.models import IdeaPhoto, PendingPhoto

    settings.MEDIA_ROOT = tmp_path
    staff = new_page(PHONE)
    sign_in(staff, live_url, "sam", PASSWORD)
    staff.goto(f"{live_url}/ideas/new/")
    red_tape = staff.locator("#red-tape")
    expect(red_tape).to_be_hidden()
    staff.get_by_label("Title").fill("Stop the weekly paper tally")
    staff.get_by_label("What is the problem now?").fill("We count by hand what the system counts.")
    staff.get_by_label("Stop doing (red tape)").check()
    expect(red_tape).to_be_visible()
    owner = staff.get_by_label("Who owns it?")
    # Required now, and it says so: no "(optional)" beside it.
    label = red_tape.locator("label[for='id_burden_owner']")
    expect(label.get_by_text("(required)")).to_be_visible()
    expect(label.get_by_text("(optional)")).to_be_hidden()
    expect(owner).to_have_attribute("aria-required", "true")
    staff.get_by_label("Name of the form, report or rule").fill("Weekly paper tally")
    staff.get_by_label("Photos").set_input_files(
        {"name": "tally.png", "mimeType": "image/png", "buffer": image_bytes("PNG", (120, 90))}
    )
    staff.get_by_role("button", name="Send my idea").click()

    expect(staff.locator(".error-summary")).to_contain_text("Say who owns it")
    expect(staff.locator("#field-burden_owner .field-error")).to_contain_text("Say who owns it")
    kept = staff.get_by_role("img", name="Photo 1 you added")
    expect(kept).to_be_visible()
    staff.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=kept.element_handle()
    )
    expect(staff.get_by_label("Remove photo 1")).not_to_be_checked()
    expect(staff.get_by_label("Title")).to_have_value("Stop the weekly paper tally")
    assert_accessible(staff)

    staff.get_by_label("Who owns it?").select_option("organisation")
    staff.get_by_role("button", name="Send my idea").click()
    expect(staff).to_have_url(re.compile(r"/ideas/\d+/$"))
    expect(staff.get_by_role("img", name="Photo 1 of the idea")).to_be_visible()
    # The photo has loaded and decoded (visible alone does not wait for its bytes).
    staff.wait_for_function(
        "img => img.complete && img.naturalWidth > 0",
        arg=staff.locator(".photo-grid img").first.element_handle(),
    )
    assert_accessible(staff)
    idea = Idea.objects.get()
    assert (idea.kind, idea.burden_owner) == ("stop_doing", "organisation")
    assert IdeaPhoto.objects.filter(idea=idea).count() == 1
    assert not PendingPhoto.objects.exists()
