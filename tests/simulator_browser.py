"""What the simulator's browser tests (tests/test_simulator_browser_*.py) share: Debian's
Chromium, driven from pytest by Playwright for Python, the fixtures that start it and the server,
and the helpers that work the page.

``alexaskill serve tests/simulator_skill.py:skill --dev`` runs on 127.0.0.1 for each test module,
and one headless Chromium (``/usr/bin/chromium``, a fresh profile) opens the page in a new tab per
test. Nothing reaches the network: the card images and sound URLs the skill names are answered by
the test (a picture it draws, a short silence), everything else not on 127.0.0.1 is refused. The
browser's voice and microphone are stand-ins that record what they were asked, so that the tests
can check what was spoken, with which pauses, and say things by "voice". tests/conftest.py imports
the fixtures (``simulator``, ``page``, ``shots``), which makes them every test module's.

Each state is saved as a screenshot in pytest's temporary directory (``simulator-screenshots*``),
or in ``$ALEXASKILL_SCREENSHOTS``. ``ALEXASKILL_README_SCREENSHOT=docs/simulator.png`` also writes
the README's picture.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli.dev import DEV_PKI_ENV
from tests import server_logs
from tests.dev_pki_shared import with_dev_pki
from tests.missing import unavailable
from tests.processes import free_port, stop, wait_for_health

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
        unavailable(f"{CHROMIUM} not found: apt-get install chromium", "the browser tests")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        unavailable(
            "Playwright for Python is not installed: pip install -e '.[test]'", "the browser tests"
        )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # (the process's development PKI, tests/dev_pki_shared.py's: the server reads it, makes none)
    env = {**os.environ, DEV_PKI_ENV: str(with_dev_pki(tmp_path_factory.mktemp("dev-pki")))}
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
    server_logs.keep(process, log)  # (a browser test that fails shows it)
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
                wait_for_health(base, process, seconds=30, said=log.read_text)
                yield base, context
            finally:
                context.close()
    finally:
        stop(process)


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
