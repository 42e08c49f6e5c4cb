"""The simulator in a real browser: the device's audio player, its streams, queue and media
buttons, and the events it reports to the skill.

The server, the browser and the helpers: tests/simulator_browser.py.
"""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import OTHER_SKILL_ID, SKILL_ID
from tests.simulator_browser import BELL, FOGHORN, STREAM, USER_TURNS, last_turn, say, wait_until


def test_audio_player_play_streams_and_reports_its_events_to_the_skill(page: Any) -> None:
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the harbour")
    cancelled = page.evaluate("window.__cancelled")
    expect(last_turn(page).locator("details.directive.audio summary")).to_contain_text(
        "AudioPlayer.Play: Harbour sounds"
    )
    player = page.locator("audio#player")
    expect(player).to_have_attribute("controls", "")
    wait_until(page, f"window.__played.some((item) => item.src === {STREAM!r})")
    # Alexa speaks the answer first, then starts the stream (the stand-in voice takes 30 ms).
    spoken = page.evaluate("window.__spoken")
    said = next(item["at"] for item in spoken if item["text"].startswith("Playing the harbour"))
    played = page.evaluate("window.__played")
    started = next(item["at"] for item in played if item["src"] == STREAM)
    assert started - said >= 25
    # The stream (0.3 s here) plays through, and the device tells the skill as Alexa's do:
    # started, nearly finished (the skill queues the foghorn), finished; then the foghorn.
    events = page.locator("#history > li.turn.device .msg.device")
    expected = [
        "AudioPlayer.PlaybackStarted harbour-1",
        "AudioPlayer.PlaybackNearlyFinished harbour-1",
        "AudioPlayer.PlaybackFinished harbour-1",
        "AudioPlayer.PlaybackStarted foghorn-1",
        "AudioPlayer.PlaybackNearlyFinished foghorn-1",
        "AudioPlayer.PlaybackFinished foghorn-1",
    ]
    expect(events).to_have_count(len(expected))
    seen = [" ".join(text.split()[1:3]).rstrip(",") for text in events.all_inner_texts()]
    assert seen == expected
    queued = page.locator("#history > li.turn.device").nth(1)
    expect(queued.locator("details.directive.audio summary")).to_contain_text(
        "AudioPlayer.Play: Foghorn"
    )
    wait_until(page, f"window.__played.some((item) => item.src === {FOGHORN!r})")
    expect(page.locator("#now-playing")).to_contain_text("Foghorn — The Lighthouse")
    # The user's own turns are where they were, and the events did not cut the skill's speech.
    expect(page.locator(USER_TURNS)).to_have_count(1)
    assert page.evaluate("window.__cancelled") == cancelled


def test_replace_enqueued_replaces_the_queue_and_the_stream_plays_on(page: Any) -> None:
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the tide")
    wait_until(page, "window.__played.some((item) => item.src.endsWith('/long/tide.mp3'))")
    say(page, "ask the lighthouse to queue the foghorn")
    expect(page.locator("#queue")).to_have_text("Next: Foghorn")
    say(page, "ask the lighthouse to queue the bell instead")
    # Alexa's AudioPlayer reference: REPLACE_ENQUEUED replaces every queued stream.
    expect(page.locator("#queue")).to_have_text("Next: Bell")
    expect(page.locator("#now-playing")).to_contain_text("Tide")
    assert page.evaluate("document.querySelector('#player').src").endswith("/long/tide.mp3")


def test_an_enqueue_after_another_stream_is_ignored(page: Any) -> None:
    # Alexa's AudioPlayer reference: the device ignores an ENQUEUE whose expectedPreviousToken
    # is not the stream it holds. The page queued it whatever it expected.
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the tide")
    wait_until(page, "window.__played.some((item) => item.src.endsWith('/long/tide.mp3'))")
    say(page, "ask the lighthouse to queue the bell after the harbour")
    # (No rule violation: the request names the tide, not the queue, which a device may have
    # ended with the harbour.)
    expect(last_turn(page).locator("details.directive.audio summary")).to_contain_text("Bell")
    expect(page.locator("#queue")).to_have_text("")
    expect(page.locator("#now-playing")).to_contain_text("Tide")
    say(page, "ask the lighthouse to queue the foghorn")  # expects the tide: queued
    expect(page.locator("#queue")).to_have_text("Next: Foghorn")


def test_an_enqueue_with_nothing_playing_plays_nothing(page: Any) -> None:
    # The page started the stream, as if the ENQUEUE had been a REPLACE_ALL.
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to queue the foghorn")
    expect(last_turn(page).locator(".note").first).to_contain_text("holds no stream")
    say(page, "ask the lighthouse to play the tide")  # a stream after it, to wait for
    wait_until(page, "window.__played.some((item) => item.src.endsWith('/long/tide.mp3'))")
    played = page.evaluate("window.__played.map((item) => item.src)")
    assert not any(src.endswith("/foghorn.mp3") for src in played)
    expect(page.locator("#queue")).to_have_text("")


def test_an_enqueue_after_the_stream_it_follows_has_ended_plays_it(page: Any) -> None:
    # The last stream is over, and the queue empty: the one that follows it plays next, now.
    # (Also what keeps a NearlyFinished answer that arrives after a short stream ended.)
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the harbour")  # then the foghorn, queued
    events = page.locator("#history > li.turn.device .msg.device")
    expect(events.last).to_contain_text("AudioPlayer.PlaybackFinished foghorn-1", timeout=30_000)
    say(page, "ask the lighthouse to queue the bell after the foghorn")
    wait_until(page, f"window.__played.some((item) => item.src === {BELL!r})")
    expect(page.locator("#now-playing")).to_contain_text("Bell")


def test_stop_while_the_stream_plays_pauses_it(page: Any) -> None:
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the tide")
    started = page.locator("#history > li.turn.device .msg.device")
    expect(started.first).to_contain_text("AudioPlayer.PlaybackStarted tide-1")
    say(page, "stop")  # no session, no name: Alexa sends the player's skill a pause
    turn = last_turn(page)
    expect(turn.locator(".note").first).to_have_text(
        "AMAZON.StopIntent while the skill's audio plays: Alexa sends AMAZON.PauseIntent"
    )
    request = json.loads(turn.locator("details.raw pre").first.text_content() or "{}")
    assert request["request"]["intent"]["name"] == "AMAZON.PauseIntent"
    assert request["context"]["AudioPlayer"]["playerActivity"] == "PLAYING"
    assert request["context"]["AudioPlayer"]["token"] == "tide-1"
    wait_until(page, "document.querySelector('#player').paused")  # the skill's Stop


def test_a_play_that_keeps_the_session_open_waits_for_the_session_to_end(page: Any) -> None:
    # The page streamed it at once, as if the user heard it while Alexa listened.
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the tide and ask")
    turn = last_turn(page)
    expect(turn.locator(".note").first).to_contain_text("rule violation: ")
    expect(page.locator("#now-playing")).to_contain_text("paused while Alexa listens")
    assert not page.evaluate("window.__played.some((item) => item.src.endsWith('/tide.mp3'))")
    say(page, "help")  # in the session: the request carries the stream, paused
    request = json.loads(last_turn(page).locator("details.raw pre").first.text_content() or "{}")
    assert request["context"]["AudioPlayer"] == {
        "token": "tide-2",
        "offsetInMilliseconds": 0,
        "playerActivity": "PAUSED",
    }
    assert not page.evaluate("window.__played.some((item) => item.src.endsWith('/tide.mp3'))")
    say(page, "stop")  # the session ends: Alexa plays what it paused
    wait_until(page, "window.__played.some((item) => item.src.endsWith('/long/tide.mp3'))")
    started = page.locator("#history > li.turn.device .msg.device")
    expect(started.last).to_contain_text("AudioPlayer.PlaybackStarted tide-2")


def test_a_play_keeping_the_session_open_replaces_the_stream_playing(page: Any) -> None:
    # The tide playing went on (heard, its events sent) while the page said PAUSED tide-2.
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the tide")
    events = page.locator("#history > li.turn.device .msg.device")
    expect(events.first).to_contain_text("AudioPlayer.PlaybackStarted tide-1")
    say(page, "ask the lighthouse to play the tide and ask")
    wait_until(page, "document.querySelector('#player').paused")
    expect(events.last).to_contain_text("AudioPlayer.PlaybackStopped tide-1")
    say(page, "help")
    request = json.loads(last_turn(page).locator("details.raw pre").first.text_content() or "{}")
    assert request["context"]["AudioPlayer"]["playerActivity"] == "PAUSED"
    assert request["context"]["AudioPlayer"]["token"] == "tide-2"


def test_an_enqueue_while_a_stream_is_held_queues_after_it(page: Any) -> None:
    # It replaced the stream held (the bell held paused instead of the tide).
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the tide and ask")
    say(page, "queue the bell after the tide")
    expect(page.locator("#queue")).to_have_text("Next: Bell")
    expect(page.locator("#now-playing")).to_contain_text("Tide")
    expect(page.locator("#now-playing")).to_contain_text("paused while Alexa listens")
    say(page, "stop")  # the session ends: the tide plays, the bell after it
    wait_until(page, "window.__played.some((item) => item.src.endsWith('/long/tide.mp3'))")
    expect(page.locator("#queue")).to_have_text("Next: Bell")


def test_a_stop_in_the_session_stops_the_stream_held(page: Any) -> None:
    # Without it, the stream held played once the session ended, though the skill stopped it.
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the tide and ask")
    say(page, "pause")  # AMAZON.PauseIntent: the skill's AudioPlayer.Stop, the session ends
    expect(last_turn(page).locator(".turn-state")).to_have_text("session ended")
    say(page, "ask the lighthouse how is the sea")
    request = json.loads(last_turn(page).locator("details.raw pre").first.text_content() or "{}")
    assert request["context"]["AudioPlayer"]["playerActivity"] == "STOPPED"
    assert request["context"]["AudioPlayer"]["token"] == "tide-2"
    assert not page.evaluate("window.__played.some((item) => item.src.endsWith('/tide.mp3'))")


def test_a_new_session_plays_the_stream_held_for_the_old_one(page: Any) -> None:
    # The stream held outlived its session: still PAUSED, and never played.
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the tide and ask")
    page.get_by_role("button", name="New session").click()
    wait_until(page, "window.__played.some((item) => item.src.endsWith('/long/tide.mp3'))")
    started = page.locator("#history > li.turn.device .msg.device")
    expect(started.last).to_contain_text("AudioPlayer.PlaybackStarted tide-2")


def test_a_media_button_asks_the_skill_which_plays(page: Any) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="⏭ Next").click()
    pressed = page.locator("#history > li.turn.device").first
    expect(pressed.locator(".msg.device")).to_contain_text("PlaybackController.NextCommandIssued")
    expect(pressed.locator("details.directive.audio summary")).to_contain_text(
        "AudioPlayer.Play: Foghorn"
    )
    wait_until(page, f"window.__played.some((item) => item.src === {FOGHORN!r})")
    expect(page.locator("#now-playing")).to_contain_text("Foghorn — The Lighthouse")
    expect(page.locator(USER_TURNS)).to_have_count(0)


def test_an_enqueue_or_replace_enqueued_after_a_stop_plays_at_once(page: Any) -> None:
    # A device starts its queue when a Play adds to it while nothing plays (the AVS Device
    # SDK's AudioPlayer, from STOPPED as from FINISHED), as testing.DevicePlayer does: the page
    # queued the stream after the one the skill had stopped, and it never played.
    from playwright.sync_api import expect

    events = page.locator("#history > li.turn.device .msg.device")
    # ENQUEUE after the tide (the foghorn), then REPLACE_ENQUEUED (the bell).
    for queue, url, token in (("foghorn", FOGHORN, "foghorn-2"), ("bell instead", BELL, "bell-1")):
        say(page, "ask the lighthouse to play the tide")
        expect(events.last).to_contain_text("AudioPlayer.PlaybackStarted tide-1")
        say(page, "stop")  # the skill's AudioPlayer.Stop
        expect(events.last).to_contain_text("AudioPlayer.PlaybackStopped tide-1")
        say(page, f"ask the lighthouse to queue the {queue}")
        wait_until(page, f"window.__played.some((item) => item.src === {url!r})")
        expect(page.locator("#queue")).to_have_text("")
        expect(events.last).to_contain_text(f"AudioPlayer.PlaybackFinished {token}")


def test_the_audio_element_s_play_does_not_restart_a_stream_the_skill_stopped(page: Any) -> None:
    # Its own play button played the stream the skill had stopped, and the page told the
    # skill PlaybackStarted: a device plays it again only on the skill's AudioPlayer.Play.
    from playwright.sync_api import expect

    events = page.locator("#history > li.turn.device .msg.device")
    say(page, "ask the lighthouse to play the tide")
    expect(events.last).to_contain_text("AudioPlayer.PlaybackStarted tide-1")
    say(page, "stop")  # the skill's AudioPlayer.Stop
    expect(events.last).to_contain_text("AudioPlayer.PlaybackStopped tide-1")
    sent = events.count()
    page.locator("#player").evaluate("(player) => player.play()")
    expect(page.locator("#status")).to_contain_text("plays it again only when the skill sends")
    wait_until(page, "document.querySelector('#player').paused")
    assert events.count() == sent  # no PlaybackStarted of it


def test_an_enqueue_after_a_stop_in_an_open_session_waits_for_the_session_to_end(
    page: Any,
) -> None:
    # Nothing playing, the ENQUEUE starts the queue; its reply keeps the session open, so
    # Alexa holds the stream paused while it listens, as for a REPLACE_ALL (and as
    # testing.DevicePlayer does): the page played it at once.
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the tide and ask")
    say(page, "pause")  # the skill's AudioPlayer.Stop: tide-2 STOPPED, the session over
    expect(last_turn(page).locator(".turn-state")).to_have_text("session ended")
    say(page, "ask the lighthouse to queue the bell after the tide")  # ask(): the session open
    expect(page.locator("#now-playing")).to_contain_text("paused while Alexa listens")
    expect(page.locator("#now-playing")).to_contain_text("Bell")
    assert not page.evaluate(f"window.__played.some((item) => item.src === {BELL!r})")
    say(page, "stop")  # the session ends: Alexa plays what it paused
    wait_until(page, f"window.__played.some((item) => item.src === {BELL!r})")


def test_a_stream_that_fails_is_held_stopped_as_the_device_reports_it(page: Any) -> None:
    # After PlaybackFailed the device holds the stream that failed, STOPPED (as
    # testing.DevicePlayer does); the page's next request said IDLE, as if it held none.
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the broken stream")
    events = page.locator("#history > li.turn.device .msg.device")
    expect(events.last).to_contain_text("AudioPlayer.PlaybackFailed broken-1")
    say(page, "ask the lighthouse how is the sea")
    request = json.loads(last_turn(page).locator("details.raw pre").first.text_content() or "{}")
    assert request["context"]["AudioPlayer"] == {
        "token": "broken-1",
        "offsetInMilliseconds": 0,
        "playerActivity": "STOPPED",
    }


def test_a_device_without_an_audio_player_plays_no_stream(page: Any) -> None:
    # Unticking AudioPlayer left the stream playing, its events dropped unsaid (the page
    # reports none for a device without the interface), and the queue waiting.
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the tide")
    events = page.locator("#history > li.turn.device .msg.device")
    expect(events.last).to_contain_text("AudioPlayer.PlaybackStarted tide-1")
    say(page, "ask the lighthouse to queue the foghorn")
    expect(page.locator("#queue")).to_have_text("Next: Foghorn")
    page.get_by_role("checkbox", name="AudioPlayer").uncheck()
    wait_until(page, "document.querySelector('#player').paused")
    expect(page.locator("#now-playing")).to_contain_text("no AudioPlayer interface")
    expect(page.locator("#queue")).to_have_text("")


def test_a_second_enqueue_follows_the_last_stream_queued(page: Any) -> None:
    # The AVS Device SDK's AudioPlayer checks expectedPreviousToken against the last stream
    # queued (the stream held only when none is): the bell after the foghorn is queued.
    from playwright.sync_api import expect

    say(page, "ask the lighthouse to play the tide")
    wait_until(page, "window.__played.some((item) => item.src.endsWith('/long/tide.mp3'))")
    say(page, "ask the lighthouse to queue the foghorn")
    expect(page.locator("#queue")).to_have_text("Next: Foghorn")
    say(page, "ask the lighthouse to queue the bell next")  # after the foghorn
    expect(last_turn(page).locator(".note")).to_have_text([])  # (a failure shows each note)
    expect(page.locator("#queue")).to_have_text("Next: Foghorn, Bell")
    say(page, "ask the lighthouse to queue the foghorn")  # after the tide: no longer the last
    expect(page.locator("#queue")).to_have_text("Next: Foghorn, Bell")
    # No rule violation (the request shows no queue), but the page says what the device did.
    expect(last_turn(page).locator(".note")).to_have_text(
        "The device ignores the ENQUEUE of foghorn-2: it expects tide-1, but follows bell-5."
    )


def test_a_stream_still_loading_is_the_stream_the_device_holds(page: Any) -> None:
    # Between the Play and the audio element's first "playing" (its data on the way: a slow
    # machine), the page's requests said the player held no stream (context.AudioPlayer
    # {"playerActivity": "IDLE"}), while the page queued after that very stream: an ENQUEUE
    # after it was a rule violation ("... while it holds no stream ..."), noted on the turn.
    # The device holds the stream from the Play on, PLAYING (as testing.DevicePlayer does).
    from playwright.sync_api import expect

    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)  # its data held back: the element is not "playing" yet

    page.route("**/long/tide.mp3", hold)
    say(page, "ask the lighthouse to play the tide")
    wait_until(page, "window.__played.some((item) => item.src.endsWith('/long/tide.mp3'))")
    say(page, "ask the lighthouse to queue the foghorn")
    expect(page.locator("#queue")).to_have_text("Next: Foghorn")
    expect(last_turn(page).locator(".note")).to_have_text([])  # (a failure shows each note)
    request = json.loads(last_turn(page).locator("details.raw pre").first.text_content() or "{}")
    assert request["context"]["AudioPlayer"] == {
        "token": "tide-1",
        "offsetInMilliseconds": 0,
        "playerActivity": "PLAYING",
    }
    say(page, "ask the lighthouse to queue the bell next")  # after the foghorn
    expect(last_turn(page).locator(".note")).to_have_text([])
    expect(page.locator("#queue")).to_have_text("Next: Foghorn, Bell")
    assert held  # (the element asked for the tide's data: what was held back)
    for route in held:
        route.fallback()  # the browser's own answer: the tide plays, and says so
    events = page.locator("#history > li.turn.device .msg.device")
    expect(events.first).to_contain_text("AudioPlayer.PlaybackStarted tide-1")


def two_skills(page: Any) -> None:
    """Reload the page as if the app mounted two skills (/a/ and /b/), en-US and en-GB."""
    from playwright.sync_api import expect

    info = {
        "skills": [
            {"index": 0, "path": "/a/", "skillId": SKILL_ID},
            {"index": 1, "path": "/b/", "skillId": OTHER_SKILL_ID},
        ],
        "locales": ["en-GB", "en-US"],
        "locale": "en-US",
        "interfaces": ["AudioPlayer", "Display", "Alexa.Presentation.APL", "VideoApp"],
        "devices": {"speaker": ["AudioPlayer"], "screen": ["AudioPlayer", "Display"]},
        "device": "speaker",
        "examples": ["open the skill"],
        "unheard": [],
    }
    page.route(
        "**/_simulator/api/info",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(info)
        ),
    )
    page.reload()
    expect(page.locator("body[data-ready]")).to_have_count(1)


def test_the_audio_players_events_go_to_the_skill_whose_stream_plays(page: Any) -> None:
    # With several skills mounted, the player's events and the media buttons went to the skill
    # chosen now, not to the one whose stream played (and the user's requests to another skill
    # carried that stream's token as their own player's).
    from playwright.sync_api import expect

    two_skills(page)
    sent: list[dict[str, Any]] = []
    play = {
        "type": "AudioPlayer.Play",
        "playBehavior": "REPLACE_ALL",
        "audioItem": {"stream": {"url": "https://streams.example.com/long/a.mp3", "token": "a-1"}},
    }

    def answer(route: Any) -> None:
        body = json.loads(route.request.post_data or "{}")
        sent.append(body)
        skill = body["skill"]
        state = {"locale": "en-US", "interfaces": ["AudioPlayer"], "screen": False}
        state = {**state, "session": None, "skill": skill, "skillPath": ["/a/", "/b/"][skill]}
        turn: dict[str, Any] | None = None
        if body["action"] == "say" and skill == 0:
            response = {"version": "1.0", "response": {"directives": [play]}}
            exchange = {"request": {"type": "IntentRequest"}, "status": 200, "response": response}
            turn = {"exchanges": [exchange], "notes": [], "sessionOpen": False}
        elif body["action"] != "configure":  # shown in the history
            turn = {"exchanges": [], "notes": [], "sessionOpen": False}
        answered: dict[str, Any] = {"turn": turn, "notes": [], "state": state}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(answered))

    page.route("**/_simulator/api/turn", answer)
    say(page, "ask a to play")
    wait_until(page, "window.__played.some((item) => item.src.endsWith('/long/a.mp3'))")
    expect(page.locator("#history > li.turn.device").first).to_contain_text("PlaybackStarted")
    page.get_by_label("Skill", exact=True).select_option("1")
    wait_until(page, "document.body.dataset.busy === undefined")
    say(page, "ask b something")
    page.get_by_role("button", name="⏸ Pause").click()
    page.evaluate("document.getElementById('player').pause()")
    wait_until(page, "document.querySelectorAll('#history > li.turn.device').length >= 3")
    devices = [body for body in sent if body["action"] in ("audio", "button")]
    assert [(body.get("event") or body["command"], body["skill"]) for body in devices] == [
        ("PlaybackStarted", 0),
        ("Pause", 0),
        ("PlaybackStopped", 0),
    ]
    (to_b,) = [body for body in sent if body["action"] == "say" and body["skill"] == 1]
    assert to_b["player"] == {"activity": "IDLE"}
