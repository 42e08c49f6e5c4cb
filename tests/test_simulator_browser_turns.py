"""The simulator in a real browser: a conversation typed or said, heard and seen, cards, dialogs
and sessions, the keyboard, and the README's picture.

The server, the browser and the helpers: tests/simulator_browser.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.simulator_browser import CLIP, ROOT, SCREEN, answer, last_turn, say, wait_until

# --- the tests ---------------------------------------------------------------------------------


def test_type_an_utterance_hear_and_see_the_answer(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    say(page, "open the lighthouse")
    turn = last_turn(page)
    expect(turn.locator(".msg.user")).to_contain_text("open the lighthouse")
    expect(turn.locator(".understood .tag")).to_have_text("LaunchRequest")
    speech = turn.locator(".msg.alexa .speech").first
    expect(speech).to_contain_text("Welcome to the Lighthouse.")
    expect(speech.locator(".pause")).to_have_text("pause 0.7 s")
    expect(speech.locator("button.clip")).to_have_count(1)
    expect(turn.locator(".reprompt")).to_contain_text("Ask for the weather at sea")
    expect(page.locator("#session-state")).to_contain_text("open")
    expect(page.locator("#attributes")).to_contain_text('"turns": 1')
    # Spoken in two parts: the 700 ms break between them, the clip played in the break's wake.
    wait_until(page, "window.__spoken.length === 2")
    spoken = page.evaluate("window.__spoken")
    assert [item["text"] for item in spoken] == [
        "Welcome to the Lighthouse.",
        "What would you like?",
    ]
    assert spoken[0]["lang"] == "en-US"
    assert spoken[1]["at"] - spoken[0]["at"] >= 700
    played = page.evaluate("window.__played")
    assert [item["src"] for item in played] == [CLIP]
    assert spoken[0]["at"] < played[0]["at"] < spoken[1]["at"]
    # The raw request and response, opened from the keyboard.
    raw = turn.locator("details.raw summary")
    raw.focus()
    page.keyboard.press("Enter")
    expect(turn.locator("details.raw pre").first).to_be_visible()
    expect(turn.locator("details.raw")).to_contain_text('"type": "LaunchRequest"')
    expect(turn.locator("details.raw")).to_contain_text('"Signature-256"')
    page.screenshot(path=shots / "1-answer.png")


def test_the_locales_the_skill_declares_but_the_page_cannot_speak_are_named(page: Any) -> None:
    from playwright.sync_api import expect

    note = page.locator("#locale-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("de-DE")
    expect(note).to_contain_text("understands only the locales listed")
    expect(page.get_by_label("Locale")).to_have_accessible_description(note.text_content() or "")


def test_a_screen_device_shows_the_card(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to show me a picture")
    expect(answer(page)).to_contain_text("I need a device with a screen")
    page.get_by_label(SCREEN).check()
    expect(page.locator("#history .system .note").last).to_have_text("a new session")
    expect(page.get_by_label("Display", exact=True)).to_be_checked()
    say(page, "ask the lighthouse to show me a picture")
    card = last_turn(page).locator(".card-standard")
    expect(card.locator(".card-title")).to_have_text("The Lighthouse")
    expect(card.locator(".card-text")).to_have_text("Built in 1868, fifty metres tall.")
    on_screen = page.locator("#screen .card-standard img")
    expect(on_screen).to_have_attribute("alt", "Image of the card The Lighthouse")
    wait_until(page, "document.querySelector('#screen .card-standard img').naturalWidth === 480")
    request = page.evaluate(
        "JSON.parse(document.querySelector('#history > li.turn:last-child details.raw pre')"
        ".textContent).context.System.device.supportedInterfaces"
    )
    assert set(request) == {"AudioPlayer", "Display", "Alexa.Presentation.APL"}
    page.screenshot(path=shots / "2-screen-card.png")


def test_a_dialog_asks_and_an_answer_said_aloud_completes_it(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to book a tour")
    turn = last_turn(page)
    expect(turn.locator(".msg.prompt .speech")).to_have_text("For how many people?")
    expect(page.locator("#dialog-state")).to_have_text(
        "BookTour IN_PROGRESS, waiting for slot people"
    )
    wait_until(page, "window.__spoken.some((item) => item.text === 'For how many people?')")
    page.screenshot(path=shots / "3-dialog-prompt.png")
    # The answer, by "voice": the microphone's stand-in hears "four".
    page.evaluate("window.__heard = 'four'")
    page.get_by_role("button", name="Speak").click()
    expect(page.locator("#history > li.turn:not(.system)")).to_have_count(2)
    answered = last_turn(page)
    expect(answered.locator(".msg.user")).to_contain_text("four")
    expect(answered.locator(".understood .slot")).to_have_text("people = “4”")
    expect(answered.locator(".msg.alexa .speech").first).to_have_text("Your tour for 4 is booked.")
    expect(page.locator("#dialog-state")).to_have_text("none")
    assert page.evaluate("window.__recognitionLang") == "en-US"
    page.screenshot(path=shots / "4-dialog-answered.png")


def test_new_session_and_end_session(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    say(page, "ask the lighthouse how is the sea")
    say(page, "how is the sea")
    expect(answer(page)).to_contain_text("That was turn 2.")
    expect(page.locator("#attributes")).to_contain_text('"turns": 2')
    page.get_by_role("button", name="New session").click()
    expect(page.locator("#history .system .note").last).to_contain_text("a new session")
    expect(page.locator("#session-state")).to_have_text("no session")
    expect(page.locator("#attributes")).to_have_text("{}")
    say(page, "ask the lighthouse how is the sea")
    expect(answer(page)).to_contain_text("That was turn 1.")
    page.get_by_role("button", name="End session").click()
    expect(page.locator("#history > li.turn:not(.system)")).to_have_count(4)
    expect(last_turn(page).locator("details.raw summary")).to_contain_text("SessionEndedRequest")
    expect(last_turn(page).locator(".turn-state")).to_have_text("session ended")
    expect(page.locator("#session-state")).to_have_text("no session")
    # A turn with nothing understood (this one, a launch) showed a stray "null" in the history.
    assert "null" not in last_turn(page).inner_text()
    page.screenshot(path=shots / "5-new-session.png")


def test_stay_silent_hears_the_reprompt_then_ends_the_session(page: Any) -> None:
    from playwright.sync_api import expect

    say(page, "open the lighthouse")
    page.get_by_role("button", name="Stay silent").click()
    reprompt = "Ask for the weather at sea, a picture, or book a tour."
    expect(last_turn(page).locator(".msg.user")).to_contain_text("says nothing")
    expect(last_turn(page).locator(".msg.alexa.reprompt .speech")).to_have_text(reprompt)
    wait_until(page, f"window.__spoken.some((item) => item.text === {reprompt!r})")
    page.get_by_role("button", name="Stay silent").click()
    expect(last_turn(page).locator("details.raw summary")).to_contain_text("SessionEndedRequest")
    expect(page.locator("#session-state")).to_have_text("no session")


def test_a_progressive_response_is_heard_before_the_answer(page: Any) -> None:
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to look up the tides")
    turn = last_turn(page)
    messages = turn.locator(".msg.alexa")
    expect(messages.first).to_contain_text("Let me look.")
    expect(messages.first.locator(".who")).to_have_text("Skill (progressive response)")
    expect(messages.nth(1).locator(".speech")).to_have_text("High tide is at noon.")
    wait_until(page, "window.__spoken.length === 2")
    spoken = [item["text"] for item in page.evaluate("window.__spoken")]
    assert spoken == ["Let me look.", "High tide is at noon."]


def test_an_answer_alexa_refuses_is_shown_not_heard(page: Any) -> None:
    from playwright.sync_api import expect

    say(page, "open the lighthouse")
    say(page, "garble it")
    turn = last_turn(page)
    expect(turn.locator(".msg.alexa.refused > .speech")).to_have_text("Tom and pause 5 s Jerry")
    problem = turn.locator(".msg.alexa.problem")
    expect(problem.locator(".who")).to_have_text("Alexa")
    expect(problem.locator(".speech")).to_have_text(
        "There was a problem with the requested skill's response."
    )
    expect(turn.locator(".msg.alexa.prompt")).to_have_count(0)
    expect(turn.locator("details.raw summary").last).to_contain_text("SessionEndedRequest")
    wait_until(page, "window.__spoken.at(-1).text.startsWith('There was a problem')")
    assert not any("Jerry" in item["text"] for item in page.evaluate("window.__spoken"))


def test_keyboard_only_with_labelled_controls(page: Any) -> None:
    from playwright.sync_api import expect

    unnamed = page.evaluate(
        """Array.from(document.querySelectorAll("input, select, button, textarea"))
          .filter((control) => !(control.labels && control.labels.length)
            && !control.getAttribute("aria-label") && !control.textContent.trim())
          .map((control) => control.outerHTML)"""
    )
    assert unnamed == []
    # From the top of the page with Tab alone: open the skill, then change the locale.
    page.locator("body").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "launch":
            break
    else:
        pytest.fail("Tab never reached the 'Open the skill' button")
    page.keyboard.press("Enter")
    expect(last_turn(page).locator(".msg.user")).to_contain_text("opens the skill")
    expect(answer(page)).to_contain_text("Welcome")
    page.get_by_label("Locale").focus()
    page.keyboard.press("Home")
    expect(page.get_by_label("Locale")).to_have_value("en-AU")
    expect(page.locator("#history .system .note").first).to_have_text("now speaking en-AU")
    page.get_by_label("What you say to Alexa").focus()
    page.keyboard.type("ask the lighthouse for help")
    page.keyboard.press("Enter")
    expect(answer(page)).to_contain_text("Ask for the weather")
    assert page.evaluate("window.__spoken.at(-1).lang") == "en-AU"
    expect(page.get_by_label("What you say to Alexa")).to_be_focused()


def test_readme_screenshot(page: Any, shots: Path) -> None:
    """The README's picture: a screen device, a card, a dialog waiting for its answer."""
    from playwright.sync_api import expect

    page.get_by_label(SCREEN).check()
    expect(page.locator("#history .system .note").last).to_have_text("a new session")
    say(page, "open the lighthouse")
    say(page, "show me the lighthouse")
    say(page, "book a tour")
    page.evaluate(
        "document.querySelector('#history > li.turn:last-child .understood details').open = true"
    )
    expect(page.locator("#screen .card-standard")).to_be_visible()
    wait_until(page, "document.querySelector('#screen .card-standard img').naturalWidth === 480")
    page.get_by_label("What you say to Alexa").fill("four")
    page.locator("#history").evaluate("(history) => { history.scrollTop = history.scrollHeight; }")
    page.screenshot(path=shots / "6-readme.png")
    target = os.environ.get("ALEXASKILL_README_SCREENSHOT")
    if target:
        page.screenshot(path=ROOT / target)


def test_markup_the_skill_or_the_user_sends_is_shown_as_text(page: Any) -> None:
    # Speech, reprompt, card, session attributes and the user's own words are text: none may
    # become an element of the page (the Content-Security-Policy would stop an inline handler
    # too, but a page building HTML from them would show something else than was sent).
    from playwright.sync_api import expect

    HOSTILE = '<img src="x" class="hostile" onerror="window.__xss = 1">'  # simulator_skill's

    page.get_by_label("Device with a screen").check()
    say(page, "ask the lighthouse to show the markup card")
    turn = last_turn(page)
    expect(answer(page)).to_have_text(HOSTILE)
    expect(turn.locator(".reprompt")).to_contain_text(HOSTILE)
    expect(turn.locator(".card-title")).to_have_text(HOSTILE)
    expect(page.locator("#screen .card-text")).to_have_text(HOSTILE)
    expect(page.locator("#attributes")).to_contain_text("onerror")
    say(page, HOSTILE)
    expect(last_turn(page).locator(".msg.user")).to_contain_text(HOSTILE)
    assert page.locator("img.hostile, [onerror]").count() == 0
    assert page.evaluate("window.__xss") is None
