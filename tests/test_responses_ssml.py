"""Tests for alexaskill.responses: hand-written SSML, held to the limits and rules of the builders
(required attributes, the values Amazon lists), scanned once.

As one XML document (one root, nothing after it, tags Alexa knows, elements that nest):
test_responses_ssml_document.py."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import Response, SsmlSpeech, ask, speak, ssml_elements
from alexaskill.responses import speech as speech_module
from alexaskill.ssml import Ssml

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        (
            '<speak><break time="20s"/></speak>',
            r"<break time='20s'> is 20,000 ms; the limit is 10 s",
        ),
        ("<break time='10001ms'></break>", r"<break time='10001ms'> is 10,001 ms"),
        ('Wait <break strength="weak" time="10.5s"/>', r"<break time='10.5s'> is 10,500 ms"),
        ('<p>Wait<break time = "1 minute" /></p>', r"<break time='1 minute'> is not a duration"),
        ("Wait<break time='1000 ms'/>", r"<break time='1000 ms'> is not a duration"),
        ("Wait<break time=' 11S'/>", r"<break time=' 11S'> is 11,000 ms"),
        # Read as ssml.break_ reads a time, but written otherwise than Amazon's SSML reference
        # writes it (white space round it, the unit in capitals): ssml_error's words.
        ("Wait<break time=' 1s'/>", r"<break time=' 1s'>: write '1s' \(Amazon's SSML reference"),
        ("Wait<break time='1S'/>", r"<break time='1S'>: write '1s'"),
        ("Wait<break time='10000MS '/>", r"<break time='10000MS '>: write '10000ms'"),
        ('<audio src="https://"/>', r"<audio src='https://'> is no URL Alexa can fetch.*host"),
        (
            "<audio src='http://cdn.example.com/a.mp3'/>",
            r"<audio src='http://.*'> is no URL.*HTTPS only",
        ),
        ('<audio src="https://cdn.example.com/a b.mp3"/>', r"<audio src=.* it holds ' '"),
        ("<p><audio/>Hi</p>", r"<audio> has no src"),
        (
            "<audio src='soundbank://x/y'/>",
            r"<audio src='soundbank://x/y'> is no URL.*soundlibrary",
        ),
        ('<audio SRC="https://cdn.example.com/a.mp3"/>', r"<audio> has no src"),
    ],
)
def test_hand_written_ssml_is_held_to_the_limits_of_the_builders(markup: str, error: str) -> None:
    # ssml.break_ and ssml.audio refuse these; Ssml("…") written by hand was sent unchecked.
    with pytest.raises(ResponseError, match=rf"outputSpeech\.ssml: {error}"):
        SsmlSpeech(Ssml(markup))
    with pytest.raises(ResponseError, match=rf"outputSpeech\.ssml: {error}"):
        ask("Which one?", reprompt=Ssml(markup))


@pytest.mark.parametrize(
    "markup",
    [
        '<speak>Wait<break time="10s"/></speak>',
        "<speak>Wait<break time='10000ms'/><break time=\"0.5s\"></break></speak>",
        "<speak>Wait<break strength='x-strong'/><break/></speak>",
        '<speak>Hi<audio src="https://cdn.example.com/a.mp3?x=1&amp;y=2"/></speak>',
        "<speak><audio src='soundbank://soundlibrary/animals/amzn_sfx_bear_groan_roar_01'/></speak>",
        '<speak>Hi<!-- <break time="20s"/> <audio src="x"/> --></speak>',
        '<speak>Hi<![CDATA[<break time="20s"/><audio/>]]></speak>',
        '<speak>Hi<?note <break time="20s"/> ?></speak>',
        "<speak><sub alias='break time=\"20s\"'>Hi</sub></speak>",
    ],
)
def test_hand_written_ssml_within_the_limits_is_sent(markup: str) -> None:
    assert SsmlSpeech(Ssml(markup)).ssml == markup


@pytest.mark.parametrize(
    ("element", "said"),
    [
        ('<amazon:emotion name="excited">x</amazon:emotion>', "<amazon:emotion> has no intensity"),
        ('<amazon:emotion intensity="high">x</amazon:emotion>', "<amazon:emotion> has no name"),
        ("<amazon:effect>x</amazon:effect>", "<amazon:effect> has no name"),
        ("<amazon:domain>x</amazon:domain>", "<amazon:domain> has no name"),
        ("<lang>x</lang>", "<lang> has no xml:lang"),
        ('<lang lang="fr-FR">x</lang>', "<lang> has no xml:lang"),
        ('<phoneme alphabet="ipa">x</phoneme>', "<phoneme> has no ph"),
        # Amazon's SSML reference gives no default alphabet (Amazon Polly's phoneme page:
        # "Two attributes are required"): a ph in no named alphabet says nothing sure.
        ('<phoneme ph="pIk@n">x</phoneme>', "<phoneme> has no alphabet"),
        ("<say-as>12</say-as>", "<say-as> has no interpret-as"),
        ("<sub>Al</sub>", "<sub> has no alias"),
        ("<voice>x</voice>", "<voice> has no name"),
        ("<w>read</w>", "<w> has no role"),
    ],
)
def test_a_hand_written_tag_without_a_required_attribute_is_refused(
    element: str, said: str
) -> None:
    # Amazon refuses the response, and the user heard its "There was a problem with the
    # requested skill's response": only the test tools' ssml_error said so, the app sent it.
    with pytest.raises(ResponseError, match=rf"^outputSpeech\.ssml: {said} "):
        SsmlSpeech(Ssml(f"<speak>Hi {element}</speak>"))
    with pytest.raises(ResponseError, match=rf"^reprompt\.outputSpeech\.ssml: {said} "):
        ask("Which one?", reprompt=Ssml(element))
    # ssml_error says the same of it: one check, not two that may drift apart.
    error = ssml.ssml_error(f"<speak>Hi {element}</speak>")
    assert error is not None and error.startswith(said), error


@pytest.mark.parametrize("alphabet", ["arpabet", "IPA", "x-amazon", ""])
def test_a_hand_written_phoneme_in_an_alphabet_amazon_does_not_list_is_refused(
    alphabet: str,
) -> None:
    # Only ssml_error looked at a hand-written alphabet: the app sent <phoneme alphabet="IPA">,
    # which Amazon's SSML reference does not list, and Alexa refused the response.
    element = f'<phoneme alphabet="{alphabet}" ph="pIk@n">pecan</phoneme>'
    said = (
        f"<phoneme alphabet='{alphabet}'> is not a value Alexa accepts; use one of 'ipa', "
        "'x-sampa', 'x-amazon-jyutping', 'x-amazon-pinyin', 'x-amazon-pron-kana', "
        "'x-amazon-yomigana' (Amazon's SSML reference; ssml.phoneme refuses it too)"
    )
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(f"<speak>Hi {element}</speak>"))
    assert str(refused.value) == f"outputSpeech.ssml: {said}"
    with pytest.raises(ResponseError, match=r"^reprompt\.outputSpeech\.ssml: <phoneme "):
        ask("Which one?", reprompt=Ssml(element))
    error = ssml.ssml_error(f"<speak>Hi {element}</speak>")
    assert error is not None and said.startswith(error), error


@pytest.mark.parametrize(
    ("element", "said"),
    [
        ('<emphasis level="Strong">x</emphasis>', "<emphasis level='Strong'>"),
        ('<break strength="STRONG"/>', "<break strength='STRONG'>"),
        ('<say-as interpret-as="Digits">1</say-as>', "<say-as interpret-as='Digits'>"),
    ],
)
def test_a_value_amazon_lists_written_in_another_case_is_refused_in_a_plain_sentence(
    element: str, said: str
) -> None:
    # XML attribute values are case-sensitive, and Amazon's SSML reference lists these in
    # lower case alone (ssml_reference._ENUMERATED says why it keeps them so). The message read
    # "outputSpeech.ssml has SSML <emphasis level='Strong'> is not one Alexa knows; use …".
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(f"<speak>Hi {element}</speak>"))
    message = str(refused.value)
    assert message.startswith(
        f"outputSpeech.ssml: {said} is not a value Alexa accepts; use one of"
    ), message
    error = ssml.ssml_error(f"<speak>Hi {element}</speak>")
    assert error is not None and message.startswith(f"outputSpeech.ssml: {error}"), error


@pytest.mark.parametrize(
    ("element", "said", "builder"),
    [
        ('<break strength="loud"/>', "<break strength='loud'>", "break_"),
        ('<emphasis level="huge">x</emphasis>', "<emphasis level='huge'>", "emphasis"),
        ('<say-as interpret-as="money">5</say-as>', "<say-as interpret-as='money'>", "say_as"),
        (
            '<say-as interpret-as="date" format="yyyy">2020</say-as>',
            "<say-as format='yyyy'>",
            "say_as",
        ),
        ('<w role="amazon:JJ">x</w>', "<w role='amazon:JJ'>", "w"),
        (
            '<amazon:effect name="shouting">x</amazon:effect>',
            "<amazon:effect name='shouting'>",
            "amazon_effect",
        ),
        (
            '<amazon:emotion name="angry" intensity="high">x</amazon:emotion>',
            "<amazon:emotion name='angry'>",
            "amazon_emotion",
        ),
        (
            '<amazon:emotion name="excited" intensity="max">x</amazon:emotion>',
            "<amazon:emotion intensity='max'>",
            "amazon_emotion",
        ),
        (
            '<amazon:domain name="sports">x</amazon:domain>',
            "<amazon:domain name='sports'>",
            "amazon_domain",
        ),
    ],
)
def test_a_hand_written_value_amazon_does_not_list_is_refused(
    element: str, said: str, builder: str
) -> None:
    # Only ssml_error looked at these values (and the <phoneme> alphabet alone in the app): the
    # app sent <emphasis level="huge">, and Alexa refused the response.
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(f"<speak>Hi {element}</speak>"))
    message = str(refused.value)
    assert message.startswith(f"outputSpeech.ssml: {said} is not a value Alexa accepts; use "), (
        message
    )
    assert message.endswith(f"(Amazon's SSML reference; ssml.{builder} refuses it too)"), message
    with pytest.raises(ResponseError, match=r"^reprompt\.outputSpeech\.ssml: <"):
        ask("Which one?", reprompt=Ssml(element))
    # ssml_error says the same of it, from the same table (_ENUMERATED).
    error = ssml.ssml_error(f"<speak>Hi {element}</speak>")
    assert error is not None and error in message, (error, message)


@pytest.mark.parametrize(
    "markup",
    [
        '<lang xml:lang="fr-FR">Paris</lang> <say-as interpret-as="digits">12</say-as>',
        '<speak><amazon:emotion name="excited" intensity="low">Hi</amazon:emotion></speak>',
        "<speak><sub alias='World Wide Web'>WWW</sub> <w role='amazon:VB'>read</w></speak>",
        '<speak><voice name="Kendra">Hi</voice> <phoneme alphabet="x-sampa" ph="pIk@n">pecan'
        "</phoneme></speak>",
        '<speak><phoneme alphabet="x-amazon-pinyin" ph="bo2">\u8584</phoneme></speak>',
        # Text, not elements: a comment, a CDATA section; tags Amazon's reference gives no
        # required attribute.
        "<speak>Hi<!-- <lang>x</lang> --><![CDATA[<say-as>1</say-as>]]></speak>",
        "<speak><s>Hi</s><p>there</p><emphasis>now</emphasis></speak>",
    ],
)
def test_hand_written_tags_with_their_required_attributes_are_sent(markup: str) -> None:
    document = markup if markup.startswith("<speak>") else f"<speak>{markup}</speak>"
    assert SsmlSpeech(Ssml(markup)).ssml == document


def test_every_tag_with_a_required_attribute_is_looked_for() -> None:
    # The app's scan checks the tags _BUILDERS names: a tag ssml_reference._REQUIRED or
    # ssml_reference._ENUMERATED gains must be among them, and named by a builder that exists.
    from alexaskill import ssml_reference

    for tag in {*ssml_reference._REQUIRED, *(tag for tag, _ in ssml_reference._ENUMERATED)}:
        assert hasattr(ssml, ssml_elements._BUILDERS[tag]), tag
    for tag in ssml_reference._REQUIRED:
        for markup in (f"<speak><{tag}>x</{tag}></speak>", f"<speak>x<{tag} a='b'/></speak>"):
            with pytest.raises(ResponseError, match=f"<{tag}> has no"):
                ssml_elements._check_elements("speech", markup)
    for known in ("p", "s"):
        ssml_elements._check_elements("speech", f"<speak><{known}>x</{known}></speak>")
    # A name that starts like a builder's is no such tag: refused as unknown, never as it.
    for other in ("speakers", "emphasize", "words", "subs", "langs", "amazonx", "breaks"):
        with pytest.raises(ResponseError, match=f"<{other}> is no SSML tag Alexa knows"):
            ssml_elements._check_elements("speech", f"<speak><{other} time='20s'/></speak>")


def test_a_handler_writing_a_tag_without_its_attribute_is_its_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The author gets an ERROR naming the tag and the attribute, the user the apology rather
    # than Amazon's "There was a problem with the requested skill's response".
    from alexaskill import Skill
    from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

    skill = Skill(skill_id=DEFAULT_SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak(Ssml("<speak><lang>Bonjour</lang></speak>"))

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.launch()
    assert result.speech == "Sorry, something went wrong. Please try again later."
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "outputSpeech.ssml: <lang> has no xml:lang" in caplog.text, caplog.text
    assert record.name == "alexaskill"


def test_the_builders_elements_are_not_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # ssml.break_ and ssml.audio checked their elements: speech of the builders alone skips
    # the element check (microseconds a tag on every answer); hand-written SSML beside them
    # is checked as before.
    checked: list[str] = []
    monkeypatch.setattr(speech_module, "_check_elements", lambda _, markup: checked.append(markup))
    clip = ssml.audio("https://cdn.example.com/a.mp3")
    answer = ssml.speak("Hello there. ", ssml.break_("500ms"), clip, " How can I help?")
    assert speak(answer).output_speech == SsmlSpeech(answer)
    assert checked == []
    assert SsmlSpeech(answer + Ssml("<break time='1s'/>"))
    assert SsmlSpeech(Ssml(str(answer)))
    assert len(checked) == 2
    monkeypatch.undo()
    with pytest.raises(ResponseError, match=r"<break time='20s'> is 20,000 ms"):
        speak(ssml.speak("Hello", Ssml("<break time='20s'/>")))


def test_the_usual_short_answer_is_not_scanned(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every answer builds its speech: the root's two tags alone make no scan of the tags, nor of
    # what follows the root (a document ending with </speak> has nothing after it).
    scans: list[str] = []
    monkeypatch.setattr(speech_module, "_check_elements", lambda _, markup: scans.append(markup))
    for markup in ("<speak>Hello there</speak>", "Hello there", "<speak>Hi &amp; bye</speak>"):
        SsmlSpeech(Ssml(markup))
    assert scans == []
    SsmlSpeech(Ssml("<speak>Hello there</speak>\n"))  # (white space after it: not sent)
    assert scans == []
    SsmlSpeech(Ssml("<speak>Hello <p>there</p></speak>"))
    SsmlSpeech(Ssml("<speak>Hello there</speak><!-- c -->"))
    assert len(scans) == 2


def test_tags_in_a_comment_are_told_from_elements_in_one_scan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each over-limit tag inside a comment rescanned the document from its start to tell it
    # from an element: quadratic (390 of them took 148 ms). The elements are found once.
    from alexaskill import ssml_scan

    scans: list[str] = []
    markup = ssml_scan._markup()

    class Counting:
        def finditer(self, text: str) -> Any:
            scans.append(text)
            return markup.finditer(text)

    monkeypatch.setattr(ssml_elements, "_markup", Counting)
    monkeypatch.setattr(ssml_scan, "_markup", Counting)
    comment = Ssml("<speak>Hi <!-- " + "<break time='20s'/>" * 390 + " --></speak>")
    assert SsmlSpeech(comment).ssml == comment
    assert len(scans) <= 1
    scans.clear()
    with pytest.raises(ResponseError, match=r"<break time='20s'> is 20,000 ms"):
        SsmlSpeech(comment.replace(" --></speak>", " --><break time='20s'/></speak>"))
    assert len(scans) <= 2  # (refused: a second scan finds the first fault by position)
