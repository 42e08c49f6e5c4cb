"""A reminder's speech through `AlexaApi`: sent as SSML beside its text, and refused unsent, as
an answer's and a progressive response's are, where Amazon would refuse it (moved from
tests/test_alexa_api_reminders.py, which had grown past 1,100 lines)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Final

import msgspec
import pytest

from alexaskill import ResponseError, Ssml, speak
from alexaskill.responses import SsmlSpeech
from alexaskill.services.progressive import progressive_document
from alexaskill.ssml import emphasis
from alexaskill.testing import FakeAlexaApi, TestClient

from .alexa_api_shared import _run, fake_api, reminder_skill


@pytest.mark.parametrize(
    ("speech", "ssml"),
    [
        # (a str is text to say, escaped; an Ssml value is markup, kept)
        ("Bins & boxes", "<speak>Bins &amp; boxes</speak>"),
        (emphasis("Bins", "strong"), '<speak><emphasis level="strong">Bins</emphasis></speak>'),
    ],
)
def test_a_reminders_speech_is_sent_as_ssml_beside_its_text_and_taken(
    skill_client: Callable[..., TestClient], speech: str, ssml: str
) -> None:
    # No test sent speech=: what the body carried of it, and whether the fake took it, was
    # unpinned. Amazon's Reminders API reference writes it in alertInfo.spokenInfo.content, a
    # <speak> document in "ssml" beside the locale and the plain "text".
    skill = reminder_skill(after=dt.timedelta(minutes=10), speech=speech)
    client = skill_client(skill, locale="en-GB")
    [call] = client.intent("Remind").api_calls
    assert call.status == 200, call.answer
    assert call.body["alertInfo"] == {
        "spokenInfo": {"content": [{"locale": "en-GB", "text": "Take the bins out", "ssml": ssml}]}
    }
    [kept] = client.api.reminders
    assert json.loads(msgspec.json.encode(kept))["alertInfo"] == call.body["alertInfo"]


@pytest.mark.parametrize(
    "speech",
    [
        "<speak>Bins</speak>",
        '<?xml version="1.0"?>\n<speak>Bins</speak>',
        "\x00<speak>Bins</speak>",
    ],
)
def test_a_reminders_speech_that_is_a_speak_document_in_a_str_is_refused_as_speak_refuses_it(
    speech: str,
) -> None:
    # A plain str is text, escaped: a whole <speak> document so given went out with its tags
    # escaped, for Alexa to read them aloud, where speak() and a progressive response refuse
    # it. Refused unsent, in speak()'s words (and the progressive response's: one check).
    fake = FakeAlexaApi()
    with pytest.raises(ResponseError) as raised:
        _run(fake_api(fake).create_reminder("Bins", after=dt.timedelta(minutes=5), speech=speech))
    assert fake.calls == []
    with pytest.raises(ResponseError) as spoken:
        speak(speech)
    assert str(raised.value) == str(spoken.value)
    with pytest.raises(ResponseError) as progressive:
        progressive_document(speech)
    assert str(progressive.value) == str(spoken.value)


def test_a_reminders_speech_holding_a_character_xml_cannot_hold_is_refused_unsent() -> None:
    # An Ssml value's control character went out (plain text's are replaced by a space), for
    # Alexa's XML parser to refuse; a progressive response's and an answer's are refused where
    # built, by the same check.
    fake = FakeAlexaApi()
    with pytest.raises(ResponseError) as raised:
        speech = Ssml("<speak>Bins\x01</speak>")
        _run(fake_api(fake).create_reminder("Bins", after=dt.timedelta(minutes=5), speech=speech))
    assert fake.calls == []
    assert str(raised.value).startswith("alertInfo.spokenInfo.content[0].ssml: U+0001"), (
        raised.value
    )
    assert "Alexa parses SSML as XML and would refuse the reminder" in str(raised.value)


@pytest.mark.parametrize(
    ("markup", "said"),
    [
        ("<speak>Tom & Jerry</speak>", "a bare '&' at index 11"),
        ("<speak>caf&eacute;</speak>", "&eacute; at index 10 is no entity XML knows"),
        ("<speak>1 < 2</speak>", "a bare '<' at index 9"),
        ("<speak>a <break time=1s/></speak>", "an unquoted attribute value at index 21"),
        ("<speak>a <p a='1' a='2'>b</p></speak>", "a twice in one tag at index 18"),
        ('<speak>a <break time="<1s"/></speak>', "a '<' in an attribute value at index 22"),
        ("<speak>a ]]> b</speak>", "']]>' in text at index 9"),
        ("<speak>a <!-- x -- y --> b</speak>", "'--' inside a comment at index 16"),
        ("<speak>a <p,>b</p,></speak>", "',' in the tag name at index 11"),
        ("<speak>a <p>b</speak>", "</speak> while <p> inside it is open"),
        (
            '<speak>a <break time="20s"/></speak>',
            "<break time='20s'> is 20,000 ms; the limit is 10 s",
        ),
        ("<speak>a <b>x</b></speak>", "<b> is no SSML tag Alexa knows"),
    ],
)
def test_a_reminders_ssml_alexa_refuses_is_refused_unsent(markup: str, said: str) -> None:
    # Its speech had the character check alone: the rest of what an answer's SSML is held to
    # (alexaskill.xml_references, xml_markup, the tag scan) went out, for Amazon to refuse.
    fake = FakeAlexaApi()
    with pytest.raises(ResponseError) as raised:
        speech = Ssml(markup)
        _run(fake_api(fake).create_reminder("Bins", after=dt.timedelta(minutes=5), speech=speech))
    assert fake.calls == []
    assert str(raised.value).startswith(f"alertInfo.spokenInfo.content[0].ssml: {said}"), (
        raised.value
    )


def test_a_reminders_ssml_alexa_takes_is_sent() -> None:
    fake = FakeAlexaApi()
    speech = Ssml("<speak>Bins &amp; boxes <break time='1s'/><!-- a - b --> now</speak>")
    _run(fake_api(fake).create_reminder("Bins", after=dt.timedelta(minutes=5), speech=speech))
    [call] = fake.calls
    assert call.status == 200, call


_CLIP: Final = "<audio src='https://example.com/a.mp3'/>"


@pytest.mark.parametrize(
    "markup",
    [
        f"<speak>Bins {_CLIP * 6}</speak>",  # six clips: an answer's limit is five
        "<speak>" + "Take the bins out. " * 500 + "</speak>",  # over an answer's 8000 characters
        "<speak> </speak>",  # says nothing
    ],
    ids=["six-clips", "long", "blank"],
)
@pytest.mark.parametrize("operation", ["create", "update"])
def test_a_reminders_ssml_past_an_answers_limits_is_sent_and_taken(
    markup: str, operation: str
) -> None:
    # Amazon's Reminders API reference documents no limit of a reminder's SSML but that it is
    # SSML: the client sent such speech without complaint, and FakeAlexaApi, which held it to an
    # answer's limits (ssml_error), refused it (400): the two now agree, on the markup alone.
    fake = FakeAlexaApi(reminders=[{"alertToken": "r1"}])
    api = fake_api(fake)
    after = dt.timedelta(minutes=5)
    if operation == "create":
        _run(api.create_reminder("Bins", after=after, speech=Ssml(markup)))
    else:
        _run(api.update_reminder("r1", "Bins", after=after, speech=Ssml(markup)))
    [call] = fake.calls
    assert call.status == 200, call


#: The name of the SSML field each path says a fault in.
_REMINDER_FIELD: Final = "alertInfo.spokenInfo.content[0].ssml"


def _reminder_said(speech: Ssml) -> str:
    """What `create_reminder` says of ``speech`` it refuses unsent, in an answer's field name."""
    fake = FakeAlexaApi()
    with pytest.raises(ResponseError) as raised:
        _run(fake_api(fake).create_reminder("Bins", after=dt.timedelta(minutes=5), speech=speech))
    assert fake.calls == []
    said = str(raised.value)
    assert said.startswith(f"{_REMINDER_FIELD}: "), said
    return said.replace(_REMINDER_FIELD, "outputSpeech.ssml", 1)


def _answer_said(speech: Ssml) -> str:
    with pytest.raises(ResponseError) as raised:
        SsmlSpeech(speech)
    return str(raised.value)


def _progressive_said(speech: Ssml) -> str:
    with pytest.raises(ResponseError) as raised:
        progressive_document(speech)
    return str(raised.value).replace("progressive response speech", "outputSpeech.ssml", 1)


@pytest.mark.parametrize(
    "markup",
    [
        "a<speak>b</speak>",  # (a fragment holding a document: one root too many)
        "<speak>a</speak> <speak>b</speak>",  # (two documents run together)
        "a <p>b</p><speak>c</speak>",
    ],
)
def test_a_reminders_ssml_fragment_holding_a_speak_tag_is_refused_as_an_answers_is(
    markup: str,
) -> None:
    # Composed with speak(), which drops a part's <speak> tags, Ssml("a<speak>b</speak>") went
    # out as "<speak>ab</speak>", where an answer and a progressive response, which wrap it as
    # written, refuse it: one reading of SSML markup for every field that takes it.
    said = _reminder_said(Ssml(markup))
    assert said == _answer_said(Ssml(markup)) == _progressive_said(Ssml(markup))
    # (Text before a <speak> root is said so, as ssml_error says it; a second root, "<speak>
    # inside or after its <speak> root", with the wrapping that put it inside one if any.)
    assert ("<speak> inside or after its <speak> root" in said) != markup.startswith("a<"), said


@pytest.mark.parametrize(
    "markup",
    [
        '<?xml version="1.0"?><speak>1 < 2</speak>',
        "<!-- bins --><speak>Tom & Jerry</speak>",
        "\n<speak>a & b</speak>",
    ],
)
def test_a_reminders_ssml_document_with_a_prolog_places_its_fault_in_the_text_as_written(
    markup: str,
) -> None:
    # The reminder placed a fault relative to the root ("at index 9"), an answer in the text as
    # the handler wrote it, its prolog too ("at index 30"): one place, the answer's.
    said = _reminder_said(Ssml(markup))
    assert said == _answer_said(Ssml(markup)) == _progressive_said(Ssml(markup))


@pytest.mark.parametrize(
    "markup",
    [
        "1 < 2",  # (a bare "<": the composer's check of a part cut short said it)
        "a <p",
        "Tom & Jerry",
        "<speak><b>x</b> & y</speak>",  # (two faults: the first by position)
    ],
)
def test_a_reminders_faulty_ssml_is_said_in_the_fields_words_as_an_answers_is(
    markup: str,
) -> None:
    # A lone faulty fragment was refused by the composer, "SSML part '1 < 2': …", where the
    # same fault in a document was said in the reminder field's words: one wording, the
    # field's, placed in the fragment as written, as an answer says it.
    said = _reminder_said(Ssml(markup))
    assert "SSML part" not in said, said
    assert said == _answer_said(Ssml(markup)) == _progressive_said(Ssml(markup))
