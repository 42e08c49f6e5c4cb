"""The simulator in a real browser: the page starting, its locale and examples, the reasons it
gives when its API fails or stalls, and turns asked for meanwhile, sent in order.

The server, the browser and the helpers: tests/simulator_browser.py.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from typing import Any

from tests.simulator_browser import USER_TURNS, say, wait_until


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
