"""`alexaskill replay --url` judges a server's answer by the rules the app keeps in process: what
the app refuses is refused, what it drops or keeps is a violation, Alexa's size limit counted on
the bytes sent, and the advice said in the answer's JSON terms (answers no skill should give:
tests/test_replay_answers.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory

from .canned_answer import bare_skill, json_answer, replayed

# The fixtures of tests/dev_pki_shared.py, for pytest to see: replay --url signs with the
# module's development PKI (dev_dir), which _dev_env (autouse) points it at.
from .dev_pki_shared import _dev_env as _dev_env
from .dev_pki_shared import dev_dir as dev_dir


def replay_one(tmp_path: Path, request_type: str, payload: Any) -> tuple[int, str]:
    """Replay one request of ``request_type`` to a server answering HTTP 200 with ``payload``:
    the exit status and the output."""
    request = tmp_path / "request.json"
    request.write_text(json.dumps(RequestFactory().envelope(request_type)), encoding="utf-8")
    code, out, _ = replayed(bare_skill(tmp_path), request, json_answer(payload))
    return code, out


def _play(behavior: str = "REPLACE_ALL", url: str = "https://a.example/0.mp3") -> dict[str, Any]:
    stream = {"url": url, "token": "0", "offsetInMilliseconds": 0}
    return {"type": "AudioPlayer.Play", "playBehavior": behavior, "audioItem": {"stream": stream}}


def test_replay_url_refuses_what_the_app_refuses_in_process(tmp_path: Path) -> None:
    # A server's answer was judged only for its shape and SSML: a Play with an unknown
    # playBehavior or an http stream, a dialog directive answering a LaunchRequest, or speech
    # over 8000 characters were "all answered", where Alexa refuses each (as the app does).
    for payload, why in [
        ({"directives": [_play("LOUDLY")], "shouldEndSession": True}, "playBehavior is 'LOUDLY'"),
        (
            {"directives": [_play(url="http://a.example/0.mp3")], "shouldEndSession": True},
            "audioItem.stream.url must be an HTTPS URL",
        ),
        ({"directives": [{"type": "Dialog.Delegate"}]}, "Dialog.Delegate answers an IntentRequest"),
        (
            {"outputSpeech": {"type": "PlainText", "text": "a" * 8001}},
            "outputSpeech.text is 8,001 characters; the limit is 8,000",
        ),
    ]:
        code, out = replay_one(tmp_path, "LaunchRequest", {"version": "1.0", "response": payload})
        assert code == 1, (payload, out)
        assert (
            f"  FAILED: Alexa would refuse the answer (directives[0]: AudioPlayer.Play {why}"
            in (out)
            or f"  FAILED: Alexa would refuse the answer ({why}" in out
        ), out
        assert out.endswith("1 request: 1 failed\n"), out


def test_replay_url_reports_the_rules_the_app_drops_or_keeps_as_violations(
    tmp_path: Path,
) -> None:
    # Speech in reply to an AudioPlayer event (the app drops it), a Play keeping the session
    # open (Alexa takes it, and pauses the stream): violations in process, none with --url.
    speech = {"outputSpeech": {"type": "PlainText", "text": "Now playing."}}
    code, out = replay_one(
        tmp_path, "AudioPlayer.PlaybackStarted", {"version": "1.0", "response": speech}
    )
    assert code == 1, out
    assert (
        "  violation:  the reply answered AudioPlayer.PlaybackStarted with outputSpeech: sent all "
        "the same (in process the app drops it) (Alexa takes only AudioPlayer.ClearQueue or "
        "AudioPlayer.Stop in reply to AudioPlayer.PlaybackStarted, and no speech, card or "
        "reprompt)\n"
    ) in out
    assert out.endswith("1 request: all answered, 1 rule violation\n"), out
    open_play = {"directives": [_play()], "shouldEndSession": False}
    code, out = replay_one(tmp_path, "LaunchRequest", {"version": "1.0", "response": open_play})
    assert code == 1, out
    assert "with AudioPlayer.Play, shouldEndSession: false: the stream is paused at once" in out
    assert out.endswith("1 request: all answered, 1 rule violation\n"), out


def test_replay_url_passes_an_answer_keeping_the_rules(tmp_path: Path) -> None:
    # (the judging refuses no good answer: a Play ending the session, a card, a reprompt)
    for request_type, payload in [
        ("LaunchRequest", {"directives": [_play()], "shouldEndSession": True}),
        (
            "LaunchRequest",
            {
                "outputSpeech": {"type": "SSML", "ssml": "<speak>Hi</speak>"},
                "reprompt": {"outputSpeech": {"type": "PlainText", "text": "Well?"}},
                "card": {"type": "Standard", "title": "T", "text": "x", "image": None},
                "shouldEndSession": False,
            },
        ),
        ("AudioPlayer.PlaybackNearlyFinished", {"directives": [_play("REPLACE_ENQUEUED")]}),
    ]:
        code, out = replay_one(tmp_path, request_type, {"version": "1.0", "response": payload})
        assert (code, out.splitlines()[-1]) == (0, "1 request: all answered"), out


def test_replay_url_judges_as_alexa_where_the_app_s_builders_differ(tmp_path: Path) -> None:
    # A reprompt with shouldEndSession true, which the app refuses to build, was a refusal
    # "Alexa would ignore the reprompt": Alexa takes the answer. A VideoApp.Launch with
    # shouldEndSession, which the app leaves out silently, passed: Alexa refuses it.
    speech = {"type": "PlainText", "text": "Bye."}
    ended = {"outputSpeech": speech, "reprompt": {"outputSpeech": speech}, "shouldEndSession": True}
    code, out = replay_one(tmp_path, "LaunchRequest", {"version": "1.0", "response": ended})
    assert code == 1, out
    assert (
        "  violation:  the reply answered LaunchRequest with reprompt: Alexa ignores it (a "
        "reprompt needs an open session, and shouldEndSession is true)\n"
    ) in out
    assert out.endswith("1 request: all answered, 1 rule violation\n"), out
    video = {"type": "VideoApp.Launch", "videoItem": {"source": "https://a.example/v.mp4"}}
    launch = {"outputSpeech": speech, "directives": [video], "shouldEndSession": True}
    code, out = replay_one(tmp_path, "LaunchRequest", {"version": "1.0", "response": launch})
    assert code == 1, out
    assert (
        "  FAILED: Alexa would refuse the answer (VideoApp.Launch takes no shouldEndSession" in out
    )


def test_replay_url_refuses_an_answer_over_alexa_s_size_limit(tmp_path: Path) -> None:
    # In process an answer over 120 KB is refused when encoded; a server's passed.
    payload = {
        "version": "1.0",
        "sessionAttributes": {"notes": "x" * (121 * 1024)},
        "response": {"outputSpeech": {"type": "PlainText", "text": "Noted."}},
    }
    code, out = replay_one(tmp_path, "LaunchRequest", payload)
    assert code == 1, out[:300]
    assert "  FAILED: Alexa would refuse the answer (the answer is 124" in out, out[:300]
    assert "bytes; the limit is 122,880 bytes" in out


def test_replay_url_counts_the_bytes_the_server_sent_against_the_size_limit(
    tmp_path: Path,
) -> None:
    # Alexa receives the body as the server wrote it: Python's json.dumps writes "é" as the six
    # bytes \u00e9, so 30,000 of them are 180,000 bytes sent, where compact UTF-8 JSON holds
    # them in 60,000. The verdict weighed the JSON written again, and passed the answer.
    payload = {
        "version": "1.0",
        "sessionAttributes": {"notes": "é" * 30_000},
        "response": {"outputSpeech": {"type": "PlainText", "text": "Noté."}},
    }
    sent = len(json.dumps(payload).encode())
    assert sent > 120 * 1024 > len(json.dumps(payload, ensure_ascii=False).encode())
    code, out = replay_one(tmp_path, "LaunchRequest", payload)
    assert code == 1, out[:300]
    assert (
        f"  FAILED: Alexa would refuse the answer (the answer is {sent:,} bytes; the limit is "
        "122,880 bytes" in out
    ), out[:300]


def test_replay_url_says_a_should_end_session_that_is_no_boolean_in_json_terms(
    tmp_path: Path,
) -> None:
    # The refusal said "must be True, False or UNSET", the words of the app's Python API.
    payload = {"version": "1.0", "response": {"shouldEndSession": "yes"}}
    code, out = replay_one(tmp_path, "LaunchRequest", payload)
    assert code == 1, out
    assert "(shouldEndSession is 'yes', no JSON true or false)" in out, out


def test_replay_url_takes_a_card_that_leaves_a_text_field_out(tmp_path: Path) -> None:
    # Amazon's SDKs send a card's title, content or text only when set (ask-sdk-python's
    # SimpleCard(title=...) has content None, left out of its JSON), and Alexa shows such a card;
    # the judging refused it ("card: Object missing required field `content`").
    for card in [
        {"type": "Simple", "title": "Score"},
        {"type": "Simple", "content": "Three points", "title": None},
        {"type": "Standard", "text": "Three points"},
        {"type": "Standard", "title": "T", "image": {"largeImageUrl": "https://a.example/l.png"}},
    ]:
        payload = {"outputSpeech": {"type": "PlainText", "text": "Hi"}, "card": card}
        code, out = replay_one(tmp_path, "LaunchRequest", {"version": "1.0", "response": payload})
        assert (code, out.splitlines()[-1]) == (0, "1 request: all answered"), (card, out)
    # a card with nothing to show is still refused, as the app refuses to build one
    payload = {"card": {"type": "Simple", "title": " "}}
    code, out = replay_one(tmp_path, "LaunchRequest", {"version": "1.0", "response": payload})
    assert code != 0 and "Alexa would refuse the answer (card" in out, out


def test_a_card_s_text_under_the_other_kind_s_name_is_a_violation() -> None:
    # Amazon's Request and Response JSON Reference: a Standard card's text is "text", a Simple
    # card's "content". A server's Standard card with "content" (or a Simple one with "text")
    # was judged as a card whose text is left out, and the words it meant to show passed unsaid.
    from alexaskill.testing.answer_rules import answer_verdict

    launch = RequestFactory(skill_id=DEFAULT_SKILL_ID).envelope("LaunchRequest")
    speech = {"type": "PlainText", "text": "Hi"}
    for card, wrong, right in [
        ({"type": "Standard", "title": "Score", "content": "Three points"}, "content", "text"),
        ({"type": "Simple", "title": "Score", "text": "Three points"}, "text", "content"),
    ]:
        answer = {"outputSpeech": speech, "card": card}
        refusal, violations = answer_verdict(launch, 200, {"version": "1.0", "response": answer})
        assert refusal is None
        assert [(v.dropped, v.kept) for v in violations] == [((f"card.{wrong}",), True)]
        rule = violations[0].rule
        assert rule == (
            f"a {card['type']} card's text is {right!r}, not {wrong!r}: Alexa shows none of it"
        ), rule
    # Given under both names, the card shows its own, and the other kind's field is no field of
    # this card (ALEXA.md, 4: Simple {title, content}, Standard {title, text, image}): its words
    # go unshown, said as when it stands alone. It passed without a word.
    for card, wrong, right in [
        ({"type": "Standard", "title": "S", "text": "Three", "content": "Four"}, "content", "text"),
        ({"type": "Simple", "title": "S", "content": "Three", "text": "Four"}, "text", "content"),
    ]:
        answer = {"outputSpeech": speech, "card": card}
        refusal, violations = answer_verdict(launch, 200, {"version": "1.0", "response": answer})
        assert refusal is None
        assert [(v.dropped, v.kept, v.fate) for v in violations] == [
            ((f"card.{wrong}",), True, "sent, unshown")
        ]
        assert violations[0].rule == (
            f"a {card['type']} card's text is {right!r}, not {wrong!r}: Alexa shows none of it, "
            f"only the {right!r} beside it"
        ), violations[0].rule
    # A field of neither kind's text is not this rule's (an unknown field: Alexa ignores it).
    other = {"type": "Standard", "title": "S", "text": "Three", "subtitle": "x"}
    answer = {"outputSpeech": speech, "card": other}
    assert answer_verdict(launch, 200, {"version": "1.0", "response": answer}) == (None, ())


def test_judging_in_two_threads_keeps_the_rule_lines_quiet_until_both_are_done() -> None:
    # The filter leaving the rule checks' log lines out while an answer is judged was added and
    # removed by each judging: a thread done first removed it under another still judging,
    # whose lines were then logged (and a test client's caplog saw them).
    import logging
    import threading

    from alexaskill.testing import answer_rules

    logger = logging.getLogger("alexaskill")
    entered, first_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def second() -> None:
        with answer_rules._unlogged():
            entered.set()
            assert first_done.wait(30)
            seen.append(bool(logger.filter(logging.makeLogRecord({}))))

    thread = threading.Thread(target=second, daemon=True)
    with answer_rules._unlogged():
        thread.start()
        assert entered.wait(30)
    first_done.set()
    thread.join(30)
    assert seen == [False]  # (a filter still leaves the second thread's lines out)
    assert answer_rules._quiet not in logger.filters  # (and none is left once both are done)


def test_a_deeply_nested_unknown_field_is_no_traceback(tmp_path: Path) -> None:
    # An unknown field of a card or of the speech nested a few hundred levels deep (JSON that
    # decodes) made the judging's null-stripping recurse past Python's limit: RecursionError,
    # a traceback out of replay --url and chat --url.
    deep: list[Any] = []
    for _ in range(600):
        deep = [deep]
    speech = {"type": "PlainText", "text": "Hi", "extra": deep}
    card = {"type": "Simple", "title": "T", "content": "c", "extra": deep}
    code, out = replay_one(
        tmp_path,
        "LaunchRequest",
        {"version": "1.0", "response": {"outputSpeech": speech, "card": card}},
    )
    assert (code, out.splitlines()[-1]) == (0, "1 request: all answered"), out


def test_replay_url_does_not_judge_an_answer_to_a_session_ended_request(tmp_path: Path) -> None:
    # Alexa ignores whatever answers a SessionEndedRequest: a Play the app would refuse there
    # is no refusal (nothing guarded the judging's skip of it).
    play = _play(behavior="SOMETIMES", url="http://a.example/0.mp3")
    payload = {"version": "1.0", "response": {"directives": [play]}}
    code, out = replay_one(tmp_path, "SessionEndedRequest", payload)
    assert (code, out.splitlines()[-1]) == (0, "1 request: all answered"), out


def test_a_server_s_refused_answer_is_advised_in_json_not_in_handler_code() -> None:
    # The rule checks advise a handler's author (use delegate(), end_session=False, ask
    # device.supports(...)); said of a server's answer (chat --url, replay --url), whose user
    # sees its JSON and no handler, the advice names the answer's fields.
    from alexaskill.testing.answer_rules import answer_verdict

    factory = RequestFactory(skill_id=DEFAULT_SKILL_ID, interfaces=("AudioPlayer",))
    intent = {"name": "Book", "confirmationStatus": "NONE", "slots": {}}
    asked = factory.envelope("IntentRequest", intent=intent, dialogState="STARTED")
    launch = factory.envelope("LaunchRequest")
    text = {"type": "PlainText", "text": "Here."}
    apl = {
        "type": "Alexa.Presentation.APL.RenderDocument",
        "document": {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}},
    }
    entities = {"type": "Dialog.UpdateDynamicEntities", "updateBehavior": "CLEAR"}
    answers: list[tuple[dict[str, Any], dict[str, Any], str]] = [
        (
            asked,
            {"directives": [{"type": "Dialog.Delegate"}], "shouldEndSession": True},
            "the answer must keep the session open (shouldEndSession false, or left out)",
        ),
        (
            asked,
            {"directives": [{"type": "Dialog.ElicitSlot", "slotToElicit": "people"}]},
            "the answer must carry the question as outputSpeech, or be a Dialog.Delegate",
        ),
        (
            asked,
            {"outputSpeech": text, "directives": [entities], "shouldEndSession": True},
            "the answer must keep the session open (shouldEndSession false, or left out)",
        ),
        (
            launch,
            {"outputSpeech": {"type": "PlainText", "text": " "}},
            "To say nothing, the answer must leave outputSpeech out",
        ),
        (launch, {"directives": [apl]}, "the answer needs speech too, or the directive only"),
        (
            launch,
            {"outputSpeech": text, "directives": [_play()], "shouldEndSession": False},
            "ends the session (shouldEndSession true); with the session open",
        ),
    ]
    for envelope, answer, advice in answers:
        refusal, violations = answer_verdict(envelope, 200, {"version": "1.0", "response": answer})
        said = " ".join([refusal or "", *map(str, violations)])
        assert advice in said, said
        assert "()" not in said and "end_session" not in said, said


def test_an_answer_holding_a_lone_surrogate_is_judged_without_its_size_given() -> None:
    # A server's JSON may hold a lone surrogate's escape ("\ud800"), which json.loads (httpx's
    # response.json()) takes as it is. Weighed without the size sent (answer_verdict's
    # default), msgspec's encode raised UnicodeEncodeError out of the verdict. It is weighed as
    # JSON writes it, \ud800, six bytes: the verdict the size sent would have had.
    import json

    from alexaskill.testing.answer_rules import answer_verdict

    launch = RequestFactory(skill_id=DEFAULT_SKILL_ID).envelope("LaunchRequest")
    for attributes, refused in [({"k": "caf\ud800"}, False), ({"k": "\ud800" * 20_500}, True)]:
        payload = {"version": "1.0", "sessionAttributes": attributes, "response": {}}
        sent = json.dumps(payload, separators=(",", ":")).encode()
        verdict = answer_verdict(launch, 200, payload)
        if refused:
            assert verdict == (
                f"the answer is {len(sent):,} bytes as compact JSON; the limit is 122,880 bytes "
                "(the whole response, with its sessionAttributes)",
                (),
            )
        else:
            assert verdict == (None, ()) == answer_verdict(launch, 200, payload, size=len(sent))
