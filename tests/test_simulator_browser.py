"""The simulator in a real browser: Debian's Chromium, driven from pytest by Playwright for Python.

``alexaskill serve tests/simulator_skill.py:skill --dev`` runs on 127.0.0.1 for the module, and
one headless Chromium (``/usr/bin/chromium``, a fresh profile) opens the page in a new tab per
test. Nothing reaches the network: the card images and sound URLs the skill names are answered by
the test (a picture it draws, a short silence), everything else not on 127.0.0.1 is refused. The
browser's voice and microphone are stand-ins that record what they were asked, so that the tests
can check what was spoken, with which pauses, and say things by "voice".

Each state is saved as a screenshot in pytest's temporary directory (``simulator-screenshots*``),
or in ``$ALEXASKILL_SCREENSHOTS``. ``ALEXASKILL_README_SCREENSHOT=docs/simulator.png`` also writes
the README's picture.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest

from alexaskill.cli.dev import DEV_PKI_ENV

ROOT = Path(__file__).resolve().parent.parent
SKILL = f"{Path(__file__).with_name('simulator_skill.py')}:skill"
CHROMIUM = os.environ.get("ALEXASKILL_CHROMIUM", "/usr/bin/chromium")
STREAM = "https://streams.example.com/harbour-sounds.mp3"
CLIP = "https://sounds.example.com/chime.mp3"
FOGHORN = "https://streams.example.com/foghorn.mp3"
BELL = "https://streams.example.com/bell.mp3"
SCREEN = "Device with a screen"
# The flags asked of every headless Chromium here (Playwright adds --headless itself, and the
# fresh profile is its user_data_dir): no GPU, sandbox, QUIC or background traffic.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]

# The browser's voice and speech recognition, replaced by recorders (before the page's script).
STAND_INS = """
window.__spoken = [];
window.__played = [];
window.__heard = "how is the sea";
Object.defineProperty(window, "speechSynthesis", { value: {
  speak(utterance) {
    window.__spoken.push({ text: utterance.text, at: performance.now(), lang: utterance.lang });
    setTimeout(() => utterance.dispatchEvent(new Event("end")), 30);
  },
  cancel() { window.__cancelled = (window.__cancelled || 0) + 1; },
  pause() {}, resume() {}, getVoices() { return []; },
}});
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  window.__played.push({ src: this.src, at: performance.now() });
  return play.call(this);
};
class Recognition extends EventTarget {
  start() {
    window.__recognitionLang = this.lang;
    setTimeout(() => {
      const result = new Event("result");
      result.results = [[{ transcript: window.__heard }]];
      this.dispatchEvent(result);
      this.dispatchEvent(new Event("end"));
    }, 30);
  }
  stop() {}
}
window.SpeechRecognition = Recognition;
window.webkitSpeechRecognition = Recognition;
"""


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser tests must run)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _png(width: int = 480, height: int = 240) -> bytes:
    """A picture of a lighthouse at sea, drawn here (no file, no network)."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            if y > height * 0.7:
                pixel = (20, 70 + y % 7, 120)  # the sea
            elif abs(x - width // 2) < 12 + (y - 60) // 12 and y > 60:
                pixel = (235, 235, 235) if (y // 20) % 2 else (200, 40, 40)  # the tower
            elif abs(x - width // 2) < 20 and 40 < y <= 60:
                pixel = (255, 210, 80)  # the light
            else:
                pixel = (120 + y // 3, 180 + y // 6, 230)  # the sky
            row.extend(pixel)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def _wav(seconds: float = 0.3, rate: int = 8000) -> bytes:
    """A short silence, as a WAV file."""
    data = b"\x00\x00" * int(seconds * rate)
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(data),
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        rate,
        rate * 2,
        2,
        16,
        b"data",
        len(data),
    )
    return header + data


# --- the server, the browser, the page ---------------------------------------------------------


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """``alexaskill serve … --dev`` on 127.0.0.1 (stopped by its PID afterwards) and one headless
    Chromium for the module, with a fresh profile; no request of the browser leaves 127.0.0.1.
    Both start at once: the server while the browser is launched.
    """
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        _unavailable(f"{CHROMIUM} not found: apt-get install chromium")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed: pip install -e '.[test]'")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, DEV_PKI_ENV: str(tmp_path_factory.mktemp("dev-pki"))}
    command = [sys.executable, "-m", "alexaskill", "serve", SKILL, "--dev", "--port", str(port)]
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    picture, silence, long_silence = _png(), _wav(), _wav(60)

    def answer(route: Any) -> None:
        url = route.request.url
        if url.startswith(base + "/"):
            route.continue_()
        elif url.endswith(".png"):
            route.fulfill(status=200, content_type="image/png", body=picture)
        elif url.endswith(".mp3"):
            body = long_silence if "/long/" in url else silence
            route.fulfill(status=200, content_type="audio/wav", body=body)
        else:
            route.abort()

    with open(log, "wb") as output:
        process = subprocess.Popen(
            command, cwd=tmp_path_factory.mktemp("cwd"), env=env, stdout=output, stderr=output
        )
    try:
        with (
            tempfile.TemporaryDirectory(prefix="alexaskill-chromium-") as profile,
            sync_playwright() as playwright,
        ):
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                headless=True,
                args=FLAGS,
                viewport={"width": 1280, "height": 860},
            )
            try:
                context.route("**/*", answer)
                context.add_init_script(STAND_INS)
                # Generous bounds on waits, never reached when all is well: a loaded machine
                # may stall the server or the browser for seconds (expect's own default is 5 s).
                context.set_default_timeout(30_000)
                expect.set_options(timeout=30_000)
                _wait_for(base, process, log)
                yield base, context
            finally:
                context.close()
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"alexaskill serve --dev did not start: {log.read_text()}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go (a temporary directory unless $ALEXASKILL_SCREENSHOTS)."""
    chosen = os.environ.get("ALEXASKILL_SCREENSHOTS")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        return Path(chosen)
    return tmp_path_factory.mktemp("simulator-screenshots")


@pytest.fixture
def page(simulator: tuple[str, Any]) -> Iterator[Any]:
    """The simulator in a new tab, ready; no script error may happen on it."""
    from playwright.sync_api import expect

    server, browser = simulator
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(f"{server}/_simulator")
    expect(tab.locator("body[data-ready]")).to_have_count(1)
    yield tab
    tab.close()
    assert errors == []


def say(page: Any, text: str) -> None:
    """Type ``text`` and press Enter, then wait for the answer."""
    from playwright.sync_api import expect

    turns = page.locator(USER_TURNS).count()
    page.get_by_label("What you say to Alexa").fill(text)
    page.keyboard.press("Enter")
    expect(page.locator(USER_TURNS)).to_have_count(turns + 1)


def wait_until(page: Any, script: str, timeout: float = 30.0) -> None:
    """Wait until ``script`` is true in the page (``page.wait_for_function`` would need eval,
    which the page's Content-Security-Policy forbids, rightly)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            pytest.fail(f"still false after {timeout} s: {script}")
        time.sleep(0.05)


#: The turns of the user's (what the device's audio player reports is listed too, as .device).
USER_TURNS = "#history > li.turn:not(.system):not(.device)"


def last_turn(page: Any) -> Any:
    """The last turn of the user's conversation."""
    return page.locator(USER_TURNS).last


def answer(page: Any) -> Any:
    """What the skill said in the last turn (its speech, not the reprompt)."""
    return last_turn(page).locator(".msg.alexa > .speech").first


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
    expect(turn.locator(".msg.alexa.refused > .speech")).to_have_text("Tom & Jerry")
    problem = turn.locator(".msg.alexa.problem")
    expect(problem.locator(".who")).to_have_text("Alexa")
    expect(problem.locator(".speech")).to_have_text(
        "There was a problem with the requested skill's response."
    )
    expect(turn.locator(".msg.alexa.prompt")).to_have_count(0)
    expect(turn.locator("details.raw summary").last).to_contain_text("SessionEndedRequest")
    wait_until(page, "window.__spoken.at(-1).text.startsWith('There was a problem')")
    assert not any("Jerry" in item["text"] for item in page.evaluate("window.__spoken"))


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


def test_the_reason_the_api_refuses_the_page_is_shown(simulator: tuple[str, Any]) -> None:
    # Opened by a name the simulator refuses (mybox.local, say), the page said only "The
    # simulator's API did not answer (HTTP 403)", not the reason, which names what to use.
    from playwright.sync_api import expect

    server, browser = simulator
    tab = browser.new_page()
    reason = "host mybox.local may not use the simulator: use localhost or the machine's address"
    tab.route(
        "**/_simulator/api/info",
        lambda route: route.fulfill(
            status=403, content_type="application/json", body=json.dumps({"error": reason})
        ),
    )
    try:
        tab.goto(f"{server}/_simulator/")
        expect(tab.locator("#status")).to_contain_text(reason)
    finally:
        tab.close()


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
    expect(last_turn(page).locator(".note")).to_have_count(0)
    expect(page.locator("#queue")).to_have_text("Next: Foghorn, Bell")
    say(page, "ask the lighthouse to queue the foghorn")  # after the tide: no longer the last
    expect(page.locator("#queue")).to_have_text("Next: Foghorn, Bell")
    # No rule violation (the request shows no queue), but the page says what the device did.
    expect(last_turn(page).locator(".note")).to_have_text(
        "The device ignores the ENQUEUE of foghorn-2: it expects tide-1, but follows bell-5."
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


def test_the_examples_offered_follow_the_skill_and_locale_talked_to(page: Any) -> None:
    # The chips and the input's suggestions were the first skill's, in the first locale, for
    # the page's whole life: another skill chosen, or a locale whose model has another
    # invocation name, kept offering what that skill does not understand.
    from playwright.sync_api import expect

    chips = page.locator("#try button.chip")
    expect(chips.first).to_have_text("open the skill")
    examples = ["open the harbour", "ring the bell", "help", "stop"]
    state = {
        "locale": "en-GB",
        "interfaces": ["AudioPlayer"],
        "screen": False,
        "session": None,
        "examples": examples,
    }
    answered = {"turn": None, "notes": ["now speaking en-GB", "a new session"], "state": state}
    page.route(
        "**/_simulator/api/turn",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(answered)
        ),
    )
    page.get_by_label("Locale").select_option("en-GB")
    expect(chips).to_have_text(examples)
    options = page.locator("#examples option")
    assert [options.nth(i).get_attribute("value") for i in range(options.count())] == examples


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


def test_a_locale_chosen_while_a_turn_is_answered_is_sent_after_it(page: Any) -> None:
    # The page sends one request at a time: a locale (or device) chosen while a turn waited
    # for the skill was never sent, the server's device left as it was; the audio player's
    # events, which carry the page's choice, were then refused as "of a device since changed".
    from playwright.sync_api import expect

    held: list[Any] = []
    sent: list[dict[str, Any]] = []

    def hold_the_first(route: Any) -> None:
        sent.append(json.loads(route.request.post_data or "{}"))
        if not held:
            held.append(route)  # answered below, once the locale is chosen
        else:
            route.continue_()

    page.route("**/_simulator/api/turn", hold_the_first)
    page.get_by_label("What you say to Alexa").fill("open the lighthouse")
    page.keyboard.press("Enter")
    expect(page.locator("body[data-busy]")).to_have_count(1)
    page.get_by_label("Locale").select_option("en-GB")
    # The browser's network side may hand the request over after the page shows it busy.
    deadline = time.monotonic() + 30
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # (playwright calls the route's handler meanwhile)
    held[0].continue_()
    expect(page.locator("#history")).to_contain_text("now speaking en-GB")
    assert [(body["action"], body["locale"]) for body in sent] == [
        ("say", "en-US"),
        ("configure", "en-GB"),
    ]


def test_the_page_tells_the_server_it_talked_to_it_before(page: Any) -> None:
    # The server tells a page whose conversation it forgot (restarted, say) only when the page
    # says it talked to it before: its first request does not, the next ones do.
    from playwright.sync_api import expect

    sent: list[dict[str, Any]] = []

    def record(route: Any) -> None:
        sent.append(json.loads(route.request.post_data or "{}"))
        route.continue_()

    page.route("**/_simulator/api/turn", record)
    say(page, "open the lighthouse")
    say(page, "how is the sea")
    page.get_by_role("button", name="⏭ Next").click()
    # (The skill's answer plays a stream, whose events follow: the first one is the button's.)
    expect(page.locator("#history > li.turn.device").first).to_be_visible()
    assert [body.get("continuing") for body in sent[:3]] == [False, True, True]
    assert sent[2]["action"] == "button"


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


def two_skills(page: Any) -> None:
    """Reload the page as if the app mounted two skills (/a/ and /b/), en-US and en-GB."""
    from playwright.sync_api import expect

    info = {
        "skills": [
            {"index": 0, "path": "/a/", "skillId": "amzn1.ask.skill.a"},
            {"index": 1, "path": "/b/", "skillId": "amzn1.ask.skill.b"},
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


def test_a_locale_the_server_refused_is_not_kept_by_the_page(page: Any) -> None:
    # The server refuses a locale whose model file is broken and stays in the one it had; the
    # page stayed in the new one, so the player's events (which carry it) were all refused "of
    # a device since changed: not sent" until a turn succeeded.
    from playwright.sync_api import expect

    sent: list[dict[str, Any]] = []
    broken = {"error": "the skill's interaction model for en-GB: a broken file"}

    def refuse_en_gb(route: Any) -> None:
        body = json.loads(route.request.post_data or "{}")
        sent.append(body)
        if body.get("locale") == "en-GB":
            route.fulfill(status=400, content_type="application/json", body=json.dumps(broken))
        else:
            route.continue_()

    page.route("**/_simulator/api/turn", refuse_en_gb)
    say(page, "open the lighthouse")
    page.get_by_label("Locale").select_option("en-GB")
    history = page.locator("#history")
    expect(history).to_contain_text("The simulator refused: the skill's interaction model")
    expect(history).to_contain_text("The page keeps the locale en-US as before.")
    expect(page.get_by_label("Locale")).to_have_value("en-US")
    say(page, "how is the sea")
    assert [(body["action"], body["locale"]) for body in sent] == [
        ("say", "en-US"),
        ("configure", "en-GB"),
        ("say", "en-US"),
    ]


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


def _held_start(simulator: tuple[str, Any]) -> tuple[Any, list[Any], list[dict[str, Any]]]:
    """A new tab whose api/info is held (the routes of the requests, answered by the test) and
    whose turns are recorded as sent; the simulator's page opened in it, its buttons there."""
    server, browser = simulator
    tab = browser.new_page()
    held: list[Any] = []
    sent: list[dict[str, Any]] = []
    tab.route("**/_simulator/api/info", lambda route: held.append(route))

    def record(route: Any) -> None:
        sent.append(json.loads(route.request.post_data or "{}"))
        route.continue_()

    tab.route("**/_simulator/api/turn", record)
    tab.goto(f"{server}/_simulator/")
    wait_until(tab, "document.getElementById('mic') !== null")
    while not held:
        tab.wait_for_timeout(50)
    return tab, held, sent


def _answer_in_en_gb(route: Any) -> None:
    info = route.fetch().json()
    assert "en-GB" in info["locales"] and info["locale"] != "en-GB"
    info["locale"] = "en-GB"
    route.fulfill(status=200, content_type="application/json", body=json.dumps(info))


def test_a_turn_asked_for_before_the_page_knows_its_locale_goes_out_in_it(
    simulator: tuple[str, Any],
) -> None:
    # The page's locale was en-US until the server's info arrived: "Open the skill" pressed
    # before that sent the launch in en-US (and the default device), whatever the server's.
    from playwright.sync_api import expect

    tab, held, sent = _held_start(simulator)
    try:
        tab.locator("#launch").click()
        _answer_in_en_gb(held[0])
        expect(tab.locator(USER_TURNS)).to_have_count(1)
        assert [(body["action"], body["locale"]) for body in sent] == [("launch", "en-GB")]
        expect(tab.get_by_label("Locale")).to_have_value("en-GB")
    finally:
        tab.close()


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


def test_a_turn_asked_for_after_the_page_failed_to_start_keeps_the_reason_shown(
    simulator: tuple[str, Any],
) -> None:
    # A turn asked for on a page whose api/info was refused replaced the refusal's reason with
    # "The simulator is starting: this is sent once it has.", which it never was.
    from playwright.sync_api import expect

    server, browser = simulator
    tab = browser.new_page()
    sent: list[str] = []
    refused = {"error": "this host is not one the simulator serves"}
    tab.route(
        "**/_simulator/api/info",
        lambda route: route.fulfill(status=403, json=refused),
    )

    def record(route: Any) -> None:
        sent.append(route.request.post_data or "")
        route.abort()

    tab.route("**/_simulator/api/turn", record)
    try:
        tab.goto(f"{server}/_simulator/")
        status = tab.locator("#status")
        expect(status).to_contain_text(refused["error"])
        tab.locator("#launch").click()
        tab.locator("#end-session").click()
        expect(status).to_contain_text(refused["error"])
        expect(status).to_have_class("status error")
        assert sent == []
    finally:
        tab.close()


def test_a_media_button_pressed_before_the_page_knows_its_locale_goes_out_in_it(
    simulator: tuple[str, Any],
) -> None:
    # As a turn did (test_a_turn_asked_for_before_the_page_knows_its_locale_goes_out_in_it):
    # the media buttons' PlaybackController events went out at once, in the page's
    # placeholder locale (en-US), whatever the server's: one of an en-GB skill was refused
    # "of a device since changed: not sent".
    from playwright.sync_api import expect

    tab, held, sent = _held_start(simulator)
    try:
        tab.locator('button[data-button="Play"]').click()
        _answer_in_en_gb(held[0])
        # (The server, whose device is en-US, answers that one "of a device since changed".)
        expect(tab.locator("#history")).to_contain_text("PlaybackController.PlayCommandIssued")
        assert [(body["action"], body["locale"]) for body in sent] == [("button", "en-GB")]
    finally:
        tab.close()


def test_turns_asked_for_while_the_page_starts_all_go_out_in_order(
    simulator: tuple[str, Any],
) -> None:
    # Only the first went out: the others met the busy check once the page had started, and
    # were dropped without a word.
    from playwright.sync_api import expect

    tab, held, sent = _held_start(simulator)
    try:
        tab.locator("#launch").click()
        tab.get_by_label("What you say to Alexa").fill("how is the sea")
        tab.keyboard.press("Enter")
        tab.locator("#end-session").click()
        _answer_in_en_gb(held[0])
        expect(tab.locator(USER_TURNS)).to_have_count(3)
        assert [(body["action"], body["text"], body["locale"]) for body in sent] == [
            ("launch", "", "en-GB"),
            ("say", "how is the sea", "en-GB"),
            ("end", "", "en-GB"),
        ]
        expect(tab.locator("#status")).not_to_contain_text("starting")
    finally:
        tab.close()


def test_the_microphone_pressed_while_the_page_starts_listens_in_the_skill_s_locale(
    simulator: tuple[str, Any],
) -> None:
    # Speech recognition started at once in the page's placeholder locale (en-US), whatever
    # the server's.
    from playwright.sync_api import expect

    tab, held, sent = _held_start(simulator)
    try:
        tab.locator("#mic").click()
        _answer_in_en_gb(held[0])
        expect(tab.locator(USER_TURNS)).to_have_count(1)  # (the stand-in hears "how is the sea")
        assert tab.evaluate("window.__recognitionLang") == "en-GB"
        assert [(body["action"], body["locale"]) for body in sent] == [("say", "en-GB")]
    finally:
        tab.close()


def test_a_page_whose_api_info_never_answers_says_so_and_offers_a_retry(
    simulator: tuple[str, Any],
) -> None:
    # The page showed "starting" forever when api/info never answered (a fetch with no
    # timeout). The wait is shortened here, on the first load only; the retry loads the page
    # again, whose api/info then answers.
    from playwright.sync_api import expect

    server, browser = simulator
    tab = browser.new_page()
    tab.add_init_script(
        "if (!sessionStorage.getItem('retried')) {"
        " sessionStorage.setItem('retried', '1'); window.alexaskillStartSeconds = 0.2; }"
    )
    held: list[Any] = []

    def hold_the_first(route: Any) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)  # never answered

    tab.route("**/_simulator/api/info", hold_the_first)
    try:
        tab.goto(f"{server}/_simulator/")
        status = tab.locator("#status")
        expect(status).to_contain_text("did not answer within")
        expect(status).to_have_class("status error")
        tab.locator("#status button", has_text="Retry").click()
        expect(tab.locator("body[data-ready]")).to_have_count(1)
        expect(status).not_to_contain_text("did not answer")
    finally:
        tab.close()


def test_turns_and_media_buttons_asked_for_while_a_turn_waits_go_out_in_order(page: Any) -> None:
    # Once the page had started, a turn asked for while another waited for the skill met the
    # busy check and was dropped, only the Send button dimmed; a media button went out at once,
    # ahead of the turns asked for before it. Now all wait their turn, in the order pressed.
    from playwright.sync_api import expect

    held: list[Any] = []
    sent: list[tuple[str, str]] = []

    def hold_the_first(route: Any) -> None:
        body = json.loads(route.request.post_data or "{}")
        if body["action"] != "audio":  # (the player's own events, once Next's stream plays)
            sent.append((body["action"], body.get("text") or body.get("command") or ""))
        if not held:
            held.append(route)  # answered below, once the others are asked for
        else:
            route.continue_()

    page.route("**/_simulator/api/turn", hold_the_first)
    page.get_by_label("What you say to Alexa").fill("open the lighthouse")
    page.keyboard.press("Enter")
    deadline = time.monotonic() + 30
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # (playwright calls the route's handler meanwhile)
    page.get_by_label("What you say to Alexa").fill("how is the sea")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="⏭ Next").click()
    page.locator("#end-session").click()
    page.wait_for_timeout(300)  # (time for a request sent at once, as the button's was)
    assert sent == [("say", "open the lighthouse")]
    expect(page.locator("#status")).to_contain_text("3 more to send")  # (said, not dropped)
    held[0].continue_()
    expect(page.locator(USER_TURNS)).to_have_count(3)
    # (The player's own events, once Next's stream plays, are listed as device turns too.)
    pressed = page.locator("#history > li.turn.device").filter(has_text="NextCommandIssued")
    expect(pressed).to_have_count(1)
    assert sent == [
        ("say", "open the lighthouse"),
        ("say", "how is the sea"),
        ("button", "Next"),
        ("end", ""),
    ]
    expect(page.locator(USER_TURNS).nth(1).locator(".msg.user")).to_contain_text("how is the sea")


def test_a_page_whose_api_info_body_stalls_says_so_and_offers_a_retry(
    simulator: tuple[str, Any],
) -> None:
    # The start's wait covered api/info's head only: a server that sent the head and then
    # stalled in the body left the page "starting" forever (the body was read with no time
    # limit). Here a server on 127.0.0.1 sends a head and one byte of a 1000-byte body.
    import threading

    from playwright.sync_api import expect

    server, browser = simulator
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    held: list[socket.socket] = []
    # Closing the listener does not wake an accept() blocked in another thread (Linux): the
    # join below waited out its whole timeout. The thread is told to stop, then woken: its
    # connections shut down (a recv() returns), and a connection of its own for accept().
    done = threading.Event()

    def stall() -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = listener.accept()
                held.append(connection)
                if done.is_set():
                    return
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1000\r\n\r\n{"
                )

    thread = threading.Thread(target=stall, daemon=True)
    thread.start()
    tab = browser.new_page()
    tab.add_init_script("window.alexaskillStartSeconds = 0.5;")
    tab.route(
        "**/_simulator/api/info",
        lambda route: route.continue_(url=f"http://127.0.0.1:{port}/_simulator/api/info"),
    )
    try:
        tab.goto(f"{server}/_simulator/")
        status = tab.locator("#status")
        expect(status).to_contain_text("did not answer within")
        expect(status).to_have_class("status error")
        expect(status.locator("button", has_text="Retry")).to_have_count(1)
    finally:
        tab.close()
        done.set()
        for connection in list(held):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
        thread.join(timeout=30)
        listener.close()
        for connection in held:
            connection.close()
    assert not thread.is_alive()  # (woken, not left blocked in accept)
