"""The simulator in a real browser, its server's answers given by the test: cards, images and
display templates shown as Alexa would, and answers the page cannot show said so.

The server, the browser and the helpers: tests/simulator_browser.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.simulator_browser import last_turn, say

# --- pages whose server is faked (its answers given by the test) -------------------------------


def answer_every_turn(page: Any, response: Any, *, status: int = 200) -> None:
    """Answer each turn of the page's with one LaunchRequest the skill answered ``response``
    (HTTP ``status``; 0: no answer at all), on a speaker, no session open."""
    exchange = {"request": {"type": "LaunchRequest"}, "status": status, "response": response}
    state = {"locale": "en-US", "interfaces": ["AudioPlayer"], "screen": False, "session": None}
    answered = {"turn": {"exchanges": [exchange], "notes": []}, "notes": [], "state": state}
    page.route(
        "**/_simulator/api/turn",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(answered)
        ),
    )


def answer_with_a_card(page: Any, card: dict[str, Any]) -> None:
    """Answer each turn of the page's with ``card``, the session ended."""
    answer_every_turn(
        page, {"version": "1.0", "response": {"card": card, "shouldEndSession": True}}
    )


def answer_every_turn_in_a_shape_the_page_does_not_expect(page: Any) -> None:
    """The server's answer to each turn as the page cannot show it ("exchanges" a number)."""
    state = {"locale": "en-US", "interfaces": ["AudioPlayer"], "screen": False, "session": None}
    answered = {"turn": {"exchanges": 5}, "notes": [], "state": state}
    page.route(
        "**/_simulator/api/turn",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(answered)
        ),
    )


def test_an_answer_the_page_cannot_show_is_not_blamed_on_the_server(page: Any) -> None:
    # The page failing to show an answer (here one of a shape it does not expect) said "The
    # server did not answer: is `alexaskill serve --dev` still running?", the server running.
    from playwright.sync_api import expect

    answer_every_turn_in_a_shape_the_page_does_not_expect(page)
    page.get_by_label("What you say to Alexa").fill("help")
    page.keyboard.press("Enter")
    status = page.locator("#status")
    expect(status).to_contain_text("could not show the answer")
    expect(status).not_to_contain_text("did not answer")
    expect(page.locator("body[data-busy]")).to_have_count(0)


def test_a_device_events_answer_the_page_cannot_show_is_said_not_dropped(page: Any) -> None:
    # An error showing the answer to a device's event (here of a shape the page does not
    # expect) was swallowed: nothing in the history, the event seemingly never sent.
    from playwright.sync_api import expect

    answer_every_turn_in_a_shape_the_page_does_not_expect(page)
    page.get_by_role("button", name="⏭ Next").click()
    expect(page.locator("#history")).to_contain_text(
        "PlaybackController.NextCommandIssued: the page could not show the answer"
    )


def test_a_card_image_that_is_not_https_is_not_shown(page: Any) -> None:
    # Alexa shows card images from HTTPS URLs only (Amazon's card reference); the page loaded
    # whatever the answer named (http:, a data: or javascript: URL) as if it would show.
    from playwright.sync_api import expect

    image = {"smallImageUrl": "http://images.example.com/a.png"}
    card = {"type": "Standard", "title": "Plain", "text": "Over http.", "image": image}
    answer_with_a_card(page, card)
    say(page, "open the lighthouse")
    card_view = last_turn(page).locator(".card")
    expect(card_view.locator(".card-text")).to_have_text("Over http.")
    expect(card_view.locator(".card-image-refused")).to_contain_text(
        "not shown: Alexa shows card images from HTTPS URLs only"
    )
    expect(card_view.locator(".card-image-refused")).to_contain_text(image["smallImageUrl"])
    assert page.locator("img.card-image").count() == 0


def test_a_skill_that_did_not_answer_is_not_shown_as_an_http_status(page: Any) -> None:
    # A turn the skill did not answer in time (status 0, no HTTP answer at all) read
    # "HTTP 0: no answer from the skill ...", and its request "→ HTTP 0".
    from playwright.sync_api import expect

    reason = "no answer from the skill within 10 s (Alexa waits about 8 s)"
    answer_every_turn(page, {"error": reason}, status=0)
    say(page, "open the lighthouse")
    skill = last_turn(page).locator(".msg.alexa")
    expect(skill.locator(".error")).to_have_text(reason)
    expect(skill.locator("details.raw summary")).to_have_text(
        "Request and response: LaunchRequest → no answer"
    )
    expect(skill).not_to_contain_text("HTTP 0")


def test_a_long_image_url_not_shown_stays_inside_its_card(page: Any) -> None:
    # The URL of an image not shown is named in the card: one long URL (Alexa allows 2000
    # characters) ran out of the card, and the screen panel, in one unbroken line.
    from playwright.sync_api import expect

    url = "http://images.example.com/" + "a" * 600 + ".png"
    card = {"type": "Standard", "title": "Long", "text": "x", "image": {"largeImageUrl": url}}
    answer_with_a_card(page, card)
    say(page, "open the lighthouse")
    expect(page.locator("#screen .card-image-refused")).to_contain_text(url)
    for card_view in (last_turn(page).locator(".card"), page.locator("#screen .card")):
        assert card_view.evaluate("(card) => card.scrollWidth <= card.clientWidth")


def test_a_display_template_is_shown_on_the_screen_as_text(page: Any) -> None:
    # Display.RenderTemplate was only JSON in the history: the screen panel showed nothing of
    # it. Its title and texts are shown, as text (markup in them is never read as HTML).
    from playwright.sync_api import expect

    text = {
        "primaryText": {"type": "RichText", "text": "Calm <b>sea</b><br/>wind &amp;lt; 5"},
        "secondaryText": {"type": "PlainText", "text": "<img src=x onerror=alert(1)>"},
    }
    template = {"type": "BodyTemplate1", "token": "sea", "title": "<i>Sea</i>", "textContent": text}
    directive = {"type": "Display.RenderTemplate", "template": template}
    answer_every_turn(
        page, {"version": "1.0", "response": {"directives": [directive], "shouldEndSession": True}}
    )
    say(page, "open the lighthouse")
    shown = page.locator("#screen .template")
    expect(shown.locator(".card-type")).to_have_text("Display.RenderTemplate BodyTemplate1")
    expect(shown.locator(".card-title")).to_have_text("<i>Sea</i>")
    expect(shown.locator(".card-text")).to_have_text(
        ["Calm sea\nwind &lt; 5", "<img src=x onerror=alert(1)>"]
    )
    assert page.locator("#screen img, #screen b, #screen i").count() == 0


def test_numeric_character_references_in_a_template_s_rich_text_are_read(page: Any) -> None:
    # A RichText is XML: "&#38;" and "&#x2013;" are "&" and an en dash on a device's screen.
    # The page read the five named entities only and showed "Tides &#38; currents" as written.
    from playwright.sync_api import expect

    text = {"primaryText": {"type": "RichText", "text": "Tides &#38; currents &#x2013; &amp;#38;"}}
    template = {"type": "BodyTemplate1", "token": "sea", "textContent": text}
    directive = {"type": "Display.RenderTemplate", "template": template}
    answer_every_turn(
        page, {"version": "1.0", "response": {"directives": [directive], "shouldEndSession": True}}
    )
    say(page, "open the lighthouse")
    expect(page.locator("#screen .template .card-text")).to_have_text(
        "Tides & currents \u2013 &#38;"
    )


def test_a_template_s_images_are_shown_from_https_only(page: Any) -> None:
    # A template's image and background image were not shown at all. They are, from an HTTPS
    # URL, as the page shows a card's; another is named, not loaded.
    from playwright.sync_api import expect

    image: dict[str, Any] = {
        "contentDescription": "A lighthouse",
        "sources": [{"url": "https://img.example.com/a.png"}],
    }
    background = {"sources": [{"url": "http://img.example.com/b.png"}]}
    template = {
        "type": "BodyTemplate2",
        "token": "sea",
        "image": image,
        "backgroundImage": background,
        "textContent": {"primaryText": {"type": "PlainText", "text": "Calm"}},
    }
    directive = {"type": "Display.RenderTemplate", "template": template}
    answer_every_turn(
        page, {"version": "1.0", "response": {"directives": [directive], "shouldEndSession": True}}
    )
    say(page, "open the lighthouse")
    shown = page.locator("#screen .template")
    expect(shown.locator("img.template-image")).to_have_count(1)
    expect(shown.locator("img.template-image")).to_have_attribute("alt", "A lighthouse")
    expect(shown.locator("img.template-image")).to_have_attribute("src", image["sources"][0]["url"])
    expect(shown.locator(".card-image-refused")).to_contain_text("http://img.example.com/b.png")


@pytest.mark.parametrize(
    "permissions", ["alexa::profile:given_name:read", {"scope": "x"}, None, [1, "alexa::x"]]
)
def test_a_consent_card_whose_permissions_are_no_list_of_scopes_is_said_so(
    page: Any, permissions: Any
) -> None:
    # A permissions string (or object) failed the page ("permissions.join is not a function":
    # "The page could not show the answer"), blaming the page for the skill's answer.
    from playwright.sync_api import expect

    answer_with_a_card(page, {"type": "AskForPermissionsConsent", "permissions": permissions})
    say(page, "open the lighthouse")
    text = last_turn(page).locator(".card .card-text")
    expect(text).to_contain_text("permissions")
    expect(text).to_contain_text("not a list of scopes")
    expect(page.locator("#history")).not_to_contain_text("could not show")


def test_a_consent_card_with_an_empty_list_of_permissions_is_said_to_name_none(page: Any) -> None:
    # `permissions: []` was said "not a list of scopes ([])": it is a list, naming no scope.
    from playwright.sync_api import expect

    answer_with_a_card(page, {"type": "AskForPermissionsConsent", "permissions": []})
    say(page, "open the lighthouse")
    text = last_turn(page).locator(".card .card-text")
    expect(text).to_contain_text("names no scope")
    expect(text).not_to_contain_text("not a list")
    expect(page.locator("#history")).not_to_contain_text("could not show")


def test_a_consent_card_s_permissions_are_cut_by_code_point_not_inside_an_emoji(
    page: Any,
) -> None:
    # The page shows the first 200 characters of permissions that are no list: slice(0, 200)
    # cut the emoji at 199-200 of their JSON in half, its first half shown alone.
    from playwright.sync_api import expect

    permissions = "x" * 198 + "\U0001f600" + "more"
    answer_with_a_card(page, {"type": "AskForPermissionsConsent", "permissions": permissions})
    say(page, "open the lighthouse")
    expect(last_turn(page).locator(".card .card-text")).to_contain_text(
        f'("{"x" * 198}\U0001f600): the Alexa app takes'
    )


def test_the_page_cuts_text_by_code_point(page: Any) -> None:
    # page.js's cut, which the consent card (200) and a PlaybackFailed's error message (2000:
    # the server's limit, in Python's characters) go through: as Python's text[:max], never
    # half of a UTF-16 pair.
    cases = [("ab\U0001f600c", 3), ("ab\U0001f600c", 2), ("\U0001f600" * 3, 2), ("abc", 5)]
    cut = page.evaluate(
        """async (cases) => {
          const { cut } = await import(new URL("page.js", document.baseURI));
          return cases.map(([text, max]) => cut(text, max));
        }""",
        cases,
    )
    assert cut == [text[:max] for text, max in cases]
