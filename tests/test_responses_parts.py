"""Tests for alexaskill.responses: parts given the wrong way (no list, no JSON object, a class not
called), raw directives copied and checked once, None leaving a part out, can-fulfill answers."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import pytest
from msgspec import UNSET

from alexaskill import ssml
from alexaskill.directives import APL as TypedAPL
from alexaskill.directives import AudioPlayer, Dialog
from alexaskill.exceptions import ResponseError
from alexaskill.responses import (
    AskForPermissionsConsentCard,
    LinkAccountCard,
    PlainTextSpeech,
    Reprompt,
    Response,
    SimpleCard,
    ask,
    encode_response,
    output_speech,
    speak,
)
from alexaskill.ssml import Ssml
from tests.responses_shared import wire

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize(
    ("one", "alone"),
    [
        (
            {
                "type": "Alexa.Presentation.APL.RenderDocument",
                "document": {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}},
            },
            "the Alexa.Presentation.APL.RenderDocument directive alone",
        ),
        (AudioPlayer.Stop(), "the AudioPlayer.Stop directive alone"),
        (Dialog.Delegate(), "the Dialog.Delegate directive alone"),
        ({"token": "x"}, "a dict alone"),  # (a mapping with no type: no directive to name)
        ("Dialog.Delegate", "'Dialog.Delegate' (a str)"),  # (a name, not a directive)
    ],
)
def test_one_directive_not_in_a_list_is_named(one: Any, alone: str) -> None:
    # directives={...} was read as its keys ('directives[0] ... not str') and directives=Stop()
    # raised TypeError "object is not iterable": both say nothing of the mistake. Then the
    # directive was named by its class in brackets, "not one (Delegate)": "not one" read as
    # "not a single Delegate", and the str as "one (str)", a directive it is not.
    expected = rf"directives takes a list of directives, not {re.escape(alone)}: directives=\[…\]$"
    for build in (speak, ask):
        with pytest.raises(ResponseError, match=expected):
            build("x", directives=one)
    with pytest.raises(ResponseError, match=expected):
        Response(directives=one)
    with pytest.raises(ResponseError, match="reprompt." + expected):
        Reprompt(directives=one)
    assert speak("x", directives=iter([AudioPlayer.Stop()])).directives == (AudioPlayer.Stop(),)


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("Custom.Line\nBreak", r"the 'Custom\.Line\\nBreak' directive alone"),
        ("Custom." + "x" * 5000, r"the Custom\.x{63}…x{30} \(5,007 characters\) directive alone"),
    ],
)
def test_a_directive_alone_is_named_in_one_short_line(kind: str, said: str) -> None:
    # A raw directive's type was repeated whole: a newline in it broke the message in two, and
    # a type of 5,000 characters made a line of 5,000.
    alone: Any = {"type": kind}
    with pytest.raises(ResponseError) as raised:
        speak("x", directives=alone)
    message = str(raised.value)
    assert re.search(said, message) and "\n" not in message and len(message) < 250, message


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("Custom.Line\nBreak", r"'Custom\.Line\\nBreak'"),
        ("Custom." + "x" * 5000, r"Custom\.x{63}…x{30} \(5,007 characters\)"),
    ],
)
@pytest.mark.parametrize(
    "make",
    [
        lambda kind: Reprompt(directives=[{"type": kind}]),
        lambda kind: speak("x", directives=[{"type": kind, "x": object()}]),
    ],
    ids=["reprompt", "not_encodable"],
)
def test_a_raw_directive_s_type_is_echoed_in_one_short_line(
    kind: str, said: str, make: Callable[[str], object]
) -> None:
    # `reprompt.directives[0] is TYPE` and `directives[0] (TYPE)` repeated the type whole: a
    # newline in it broke the message in two, a type of 5,000 characters made a line as long.
    with pytest.raises(ResponseError) as raised:
        make(kind)
    message = str(raised.value)
    assert re.search(said, message) and "\n" not in message and len(message) < 400, message


def test_a_name_given_alone_is_echoed_as_a_type_is() -> None:
    # It was cut at 40 characters with no length, where a type alone was cut to its head and tail
    # with its length: one echo for both.
    with pytest.raises(ResponseError) as raised:
        speak("x", directives="Custom." + "x" * 5000)  # type: ignore[arg-type]
    assert re.search(r"'Custom\.x{63}…x{30}' \(5,007 characters\) \(a str\)", str(raised.value))


def test_a_can_fulfill_answer_is_checked_as_alexa_reads_it() -> None:
    from alexaskill.responses import CanFulfillIntent, CanFulfillSlot, can_fulfill

    # Sent as "canFulfillIntent": "YES", or with a slot as ["YES", "YES"]: Alexa reads neither.
    with pytest.raises(
        ResponseError, match=r"canFulfillIntent must be a CanFulfillIntent .*, not a str$"
    ):
        Response(can_fulfill_intent="YES")
    with pytest.raises(
        ResponseError, match=r"canFulfillIntent slots\['city'\] must be a CanFulfillSlot"
    ):
        CanFulfillIntent("YES", {"city": ("YES", "YES")})  # type: ignore[dict-item]
    with pytest.raises(ResponseError, match=r"canFulfillIntent slots must be a mapping"):
        CanFulfillIntent("YES", [CanFulfillSlot("YES")])  # type: ignore[arg-type]
    with pytest.raises(ResponseError, match=r"canFulfillIntent slot names must be non-empty str"):
        CanFulfillIntent("YES", {1: CanFulfillSlot("YES")})  # type: ignore[dict-item]
    # can_fulfill's slots given as a list of pairs raised AttributeError ('list' has no items).
    with pytest.raises(ResponseError, match=r"slots must be a mapping of slot names"):
        can_fulfill("YES", [("city", ("YES", "YES"))])  # type: ignore[arg-type]
    slots = MappingProxyType({"city": CanFulfillSlot("YES", "NO")})
    answer = CanFulfillIntent("MAYBE", slots)  # type: ignore[arg-type]
    assert wire(Response(can_fulfill_intent=answer)) == {
        "canFulfillIntent": {
            "canFulfill": "MAYBE",
            "slots": {"city": {"canUnderstand": "YES", "canFulfill": "NO"}},
        }
    }


@pytest.mark.parametrize("attributes", [["a"], [], "state", 3])
def test_session_attributes_that_are_no_json_object_are_refused(attributes: Any) -> None:
    # A handler that set session.attributes = [...] sent "sessionAttributes": [...], which is
    # no map of names to values: Alexa brings back no such session.
    with pytest.raises(ResponseError, match=r"sessionAttributes must be a dict \(a JSON object\)"):
        encode_response(speak("x"), attributes)


@pytest.mark.parametrize(
    "scope",
    [
        " ",
        "alexa::profile:email:read ",
        "alexa::profile:name:read\n",
        "alexa::profile:email:read alexa::profile:name:read",  # two, as OAuth writes scopes
    ],
)
def test_a_permission_scope_with_white_space_is_refused(scope: str) -> None:
    # No scope holds white space: the card asked the user for a permission Alexa does not know.
    # (Two scopes in one string: white space inside, which no strip() finds.)
    with pytest.raises(ResponseError, match=r"card\.permissions\[1\] must be a scope"):
        AskForPermissionsConsentCard(["alexa::profile:email:read", scope])


def _python_calls(build: Callable[[], object]) -> list[str]:
    """The Python functions ``build()`` calls, by qualified name (C functions left out)."""
    import sys

    called: list[str] = []

    def note(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            called.append(frame.f_code.co_qualname)

    before = sys.getprofile()
    sys.setprofile(note)
    try:
        build()
    finally:
        sys.setprofile(before)
    return called


def test_the_usual_answers_call_no_helper_to_convert_their_parts() -> None:
    # speak/ask run at every request: an SSML document, plain text and a list of directives
    # need no conversion call. _plain_str under SsmlSpeech (a str subclass's text) and the
    # Mapping check of a list of directives (abc's __instancecheck__ is Python) each cost one.
    doc = ssml.speak("Hello ", ssml.break_("1s"))
    stop = [AudioPlayer.Stop()]
    builds: tuple[Callable[[], Response], ...] = (
        lambda: speak(doc),
        lambda: ask("Hi"),
        lambda: speak("Hi", directives=stop),
    )
    for build in builds:
        build()  # abc caches what it found at a first check
        called = _python_calls(build)
        assert "speak" in called or "ask" in called  # the profile saw the calls
        assert not {"_plain_str", "ABCMeta.__instancecheck__"} & set(called), called
    assert speak("Hi", directives=stop).directives == (AudioPlayer.Stop(),)


def test_a_raw_directive_is_copied_when_built() -> None:
    # A raw directive was kept as the caller's dict: changing it afterwards changed the
    # response already built (and checked), or another response built from the same dict.
    play = {
        "type": "AudioPlayer.Play",
        "playBehavior": "REPLACE_ALL",
        "audioItem": {"stream": {"url": "https://cdn.example.com/1.mp3", "token": "user-1"}},
    }
    first = speak("Playing", directives=[play])
    play["audioItem"]["stream"]["url"] = "http://cdn.example.com/2.mp3"  # type: ignore[index]
    play["audioItem"]["stream"]["token"] = "user-2"  # type: ignore[index]
    play["type"] = "Dialog.Delegate"
    stream = wire(first)["directives"][0]["audioItem"]["stream"]
    assert stream == {"url": "https://cdn.example.com/1.mp3", "token": "user-1"}
    assert wire(first)["directives"][0]["type"] == "AudioPlayer.Play"
    # Values are what the encoder sends: an Ssml its text, a date its ISO text.
    apla = {
        "type": "Custom.Thing",
        "say": Ssml("<speak>Hi</speak>"),
        "on": datetime.date(2026, 1, 2),
    }
    assert speak("x", directives=[apla]).directives[0] == {
        "type": "Custom.Thing",
        "say": "<speak>Hi</speak>",
        "on": "2026-01-02",
    }


class _TwoFaced(Mapping[str, Any]):
    """A mapping whose ``get`` (what checks used to read) says another stream than its items
    (what its copy is made of)."""

    def __init__(self, shown: dict[str, Any], sent: dict[str, Any]) -> None:
        self.shown, self.sent = shown, sent

    def get(self, key: str, default: Any = None) -> Any:
        return self.shown.get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self.sent[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.sent)

    def __len__(self) -> int:
        return len(self.sent)


def test_a_raw_directive_is_checked_as_it_is_sent() -> None:
    # The checks read the caller's mapping, the copy sent was made of it afterwards: the two
    # could differ, and an http:// stream went out checked as https. The checks read the copy.
    def play(url: str) -> dict[str, Any]:
        stream = {"url": url, "token": "t"}
        return {
            "type": "AudioPlayer.Play",
            "playBehavior": "REPLACE_ALL",
            "audioItem": {"stream": stream},
        }

    two_faced = _TwoFaced(
        play("https://cdn.example.com/1.mp3"), play("http://cdn.example.com/1.mp3")
    )
    with pytest.raises(ResponseError, match=r"directives\[0\]: .*HTTPS"):
        speak("Playing", directives=[two_faced])


def test_a_built_raw_directive_is_not_copied_again() -> None:
    # The rules rebuild a response from the directives they keep, an after-request hook with
    # replace(): a directive already copied and checked is taken as it is, not copied again.
    document = {
        "type": "APL",
        "version": "2024.3",
        "mainTemplate": {"items": [{"type": "Text", "text": "Hi"}]},
    }
    raw = {"type": "Alexa.Presentation.APL.RenderDocument", "token": "t", "document": document}
    first = speak("Hi", directives=[raw])
    again = Response(directives=first.directives)
    assert again.directives[0] is first.directives[0]
    assert first.replace(card=SimpleCard("T", "c")).directives[0] is first.directives[0]
    assert again.directives[0] == raw
    assert wire(again)["directives"] == [raw]
    # So is a typed directive's document, given to another directive.
    typed = TypedAPL.RenderDocument(document, token="t")
    assert TypedAPL.RenderDocument(typed.document, token="u").document is typed.document


def test_directives_none_is_no_directives() -> None:
    # As card=None is no card; it was "TypeError: 'NoneType' object is not iterable".
    assert speak("x", directives=None).directives == ()
    assert ask("x", directives=None).directives == ()
    assert Response(directives=None).directives == ()  # type: ignore[arg-type]


def test_replace_with_none_leaves_the_part_out() -> None:
    # As speak(card=None) is no card. An after-request hook's response.replace(card=None) was
    # "card must be a Card, not NoneType", and UNSET, which leaves a part out, is msgspec's.
    full = speak("Hi", reprompt="Still there?", card=SimpleCard("T", "c"), end_session=False)
    bare = full.replace(card=None, reprompt=None, should_end_session=None)
    assert wire(bare) == {"outputSpeech": {"type": "PlainText", "text": "Hi"}}
    assert full.replace(output_speech=None).output_speech is UNSET
    # A part replaced by a value that is no part is still refused, naming the part.
    with pytest.raises(ResponseError, match=r"^card must be a Card, not a str$"):
        full.replace(card="T")


def test_a_response_built_with_none_leaves_the_part_out() -> None:
    # As replace(card=None) and speak(card=None): Response(card=None) was "card must be a Card,
    # not NoneType", though the same None given to replace() left the card out.
    parts: dict[str, Any] = {
        "output_speech": None,
        "card": None,
        "reprompt": None,
        "should_end_session": None,
        "can_fulfill_intent": None,
        "api_response": None,
        "experimentation": None,
    }
    built = Response(**parts)
    assert built == Response()
    assert wire(built) == {}
    card = SimpleCard("T", "c")
    said = speak("x", card=card, end_session=None)
    # (The annotations admit None, so that typed code building a response from optional
    # parts passes mypy; a built response holds UNSET there, never None.)
    assert Response(card=None) == said.replace(output_speech=None, card=None)
    bare = Response(output_speech=said.output_speech, card=None)
    assert bare == speak("x", end_session=None)
    # A value that is no part is still refused, naming the part.
    with pytest.raises(ResponseError, match=r"^card must be a Card, not a str$"):
        Response(card="T")  # type: ignore[arg-type]


def test_a_raw_play_that_breaks_a_rule_is_named_by_its_index() -> None:
    play = {
        "type": "AudioPlayer.Play",
        "playBehavior": "REPLACE_ALL",
        "audioItem": {"stream": {"url": "https://a.example.com/a.mp3", "token": "t"}},
    }
    bad = {**play, "audioItem": {"stream": {"url": "https://a.example.com/a.mp3", "token": ""}}}
    with pytest.raises(ResponseError, match=r"^directives\[1\]: AudioPlayer.Play .*token"):
        speak("x", directives=[{"type": "Custom.Thing"}, bad])


@pytest.mark.parametrize(
    ("value", "kind"), [(5, "an int"), (2.5, "a float"), (True, "a bool"), (object(), "an object")]
)
def test_directives_that_are_no_list_at_all_are_a_response_error(value: Any, kind: str) -> None:
    # directives=5 raised TypeError "'int' object is not iterable", from speak, ask, Response
    # and Reprompt alike: no word of which argument was wrong. (The type after its article:
    # "not int" was said.)
    expected = rf"^directives must be a list of directives, not {kind}$"
    for build in (speak, ask):
        with pytest.raises(ResponseError, match=expected):
            build("x", directives=value)
    with pytest.raises(ResponseError, match=expected):
        Response(directives=value)
    with pytest.raises(ResponseError, match=r"^reprompt\.directives must be a list"):
        Reprompt(output_speech=output_speech("x"), directives=value)


@pytest.mark.parametrize("value", [None, 5, object()])
def test_permissions_that_are_no_list_at_all_are_a_response_error(value: Any) -> None:
    # AskForPermissionsConsentCard(None) raised TypeError "'NoneType' object is not iterable".
    with pytest.raises(ResponseError, match=r"^card\.permissions must be a list of scopes"):
        AskForPermissionsConsentCard(value)


@pytest.mark.parametrize("value", [None, 5])
def test_triggered_experiments_that_are_no_list_are_a_response_error(value: Any) -> None:
    from alexaskill.responses import ExperimentTrigger

    # ExperimentTrigger(None) raised TypeError "'NoneType' object is not iterable".
    with pytest.raises(ResponseError, match=r"triggeredExperiments must be a list of ids"):
        ExperimentTrigger(value)


@pytest.mark.parametrize(
    "value",
    [{"outputSpeech": {"type": "PlainText", "text": "Hi"}}, "Hi", output_speech("Hi")],
)
def test_encode_response_of_no_response_is_a_response_error(value: Any) -> None:
    # A dict, a str or a speech raised AttributeError "'dict' object has no attribute 'card'".
    with pytest.raises(ResponseError, match=r"^encode_response takes a Response or None, not "):
        encode_response(value)


def test_a_card_or_directive_class_not_called_is_named_as_such() -> None:
    # card=LinkAccountCard and directives=[AudioPlayer.Stop] (the parentheses forgotten) said
    # "must be a Card, not StructMeta": the name of msgspec's metaclass, not of the mistake.
    with pytest.raises(
        ResponseError,
        match=r"^card must be a Card, not the class LinkAccountCard "
        r"\(call it: LinkAccountCard\(\)\)",
    ):
        speak("x", card=LinkAccountCard)  # type: ignore[arg-type]
    with pytest.raises(
        ResponseError,
        match=r"^directives\[0\] must be a Directive .*, not the class AudioPlayer\.Stop "
        r"\(call it: AudioPlayer\.Stop\(\)\)",
    ):
        speak("x", directives=[AudioPlayer.Stop])  # type: ignore[list-item]
    with pytest.raises(
        ResponseError,
        match=r"^outputSpeech must be .*, not the class PlainTextSpeech "
        r"\(call it: PlainTextSpeech\(…\)\)",
    ):
        Response(output_speech=PlainTextSpeech)  # type: ignore[arg-type]
