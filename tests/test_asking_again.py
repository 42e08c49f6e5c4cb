"""Asking again for a required slot: which prompt, in which language, through which directive."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from alexaskill import DialogSlot, Response, Skill, SlotError, ask, speak
from alexaskill.exceptions import ConfigurationError
from alexaskill.i18n import Translations
from alexaskill.testing import TestClient, intent_fields

from .catalogs import catalog
from .conftest import SKILL_ID

DIDNT_CATCH = "Sorry, I didn't catch that. Could you say it again?"
CANT_USE = "Sorry, I can't use that. Could you say it another way?"


def sunday() -> datetime.datetime:
    return datetime.datetime(2026, 11, 29, 12, 0)  # the user's local time


def _booking(
    date_prompt: str | Sequence[str] | None = "Which day?",
    *,
    auto_delegate: bool | None = None,
    translations: Translations | None = None,
) -> Skill:
    """The README's BookTable, its date a ``datetime.date``: "this weekend" does not fit it."""
    skill = Skill(SKILL_ID, translations=translations)
    date: str | DialogSlot = (
        "AMAZON.DATE"
        if date_prompt is None
        else DialogSlot("AMAZON.DATE", elicit=date_prompt, samples=["{date}", "on {date}"])
    )

    @skill.launch
    def launch() -> Response:
        return ask("Welcome. What would you like to book?")

    @skill.intent(
        "BookTable",
        utterances=["book a table for {people} {date}", "book a table {date}"],
        slots={
            "people": DialogSlot(
                "AMAZON.NUMBER", elicit="For how many people?", samples=["{people}"]
            ),
            "date": date,
            "name": "AMAZON.FirstName",
        },
        auto_delegate=auto_delegate,
    )
    def book_table(people: int, date: datetime.date, name: str | None = None) -> Response:
        return speak(f"Booked for {people} on {date:%A}.")

    return skill


# --- the slot's own elicitation prompt ----------------------------------------------------------


def test_a_date_that_is_not_one_day_is_asked_for_with_the_slots_own_prompt() -> None:
    # "this weekend" is 2026-W48-WE, which a datetime.date does not take: the user was heard,
    # so "I didn't catch that" was wrong, and saying it again looped for ever.
    with TestClient(_booking(), invocation="table booker", local_now=sunday) as client:
        client.say("open table booker")
        result = client.say("book a table for two this weekend")
        assert result.request is not None
        assert result.request["intent"]["slots"]["date"]["value"] == "2026-W48-WE"
        # Why first, then the slot's own question: asked only "Which day?" again, the user had
        # no reason to answer other than "this weekend" again.
        assert result.heard == "Sorry, I can't use that. Which day?"
        [directive] = result.json["response"]["directives"]
        assert (directive["type"], directive["slotToElicit"]) == ("Dialog.ElicitSlot", "date")
        assert "value" not in directive["updatedIntent"]["slots"]["date"]
        assert directive["updatedIntent"]["slots"]["people"]["value"] == "2"
        # The answer goes back to the slot: one day now, and the table is booked.
        assert client.say("saturday").heard == "Booked for 2 on Saturday."


def test_a_value_that_does_not_fit_outside_a_dialog_is_asked_for_with_the_slots_prompt() -> None:
    # (client.intent sends the dialogState Alexa sends with an intent of the dialog model.)
    fields = intent_fields("BookTable", None, "NONE", {"people": "2", "date": "2026-W48"})
    with TestClient(_booking()) as client:
        result = client.send("IntentRequest", **fields)
    assert result.speech == "Sorry, I can't use that. Which day?"
    assert result.should_end_session is False
    assert "directives" not in result.json["response"]


def test_a_missing_slot_with_an_elicitation_prompt_is_asked_for_with_it() -> None:
    # Outside a dialog (and in a completed one) nobody else asks: the slot's own question does.
    with TestClient(_booking()) as client:
        assert client.intent("BookTable", people="2").speech == "Which day?"
        result = client.intent("BookTable", dialog_state="COMPLETED", people="2", date=None)
    [directive] = result.json["response"]["directives"]
    assert (directive["type"], directive["slotToElicit"]) == ("Dialog.ElicitSlot", "date")
    assert result.speech == "Which day?"


@pytest.mark.parametrize("state", ["STARTED", "IN_PROGRESS"])
def test_a_missing_slot_inside_a_dialog_is_still_left_to_the_dialog_model(state: str) -> None:
    with TestClient(_booking(auto_delegate=False)) as client:
        result = client.intent("BookTable", dialog_state=state, people="2")
    assert result.json["response"] == {
        "directives": [{"type": "Dialog.Delegate"}],
        "shouldEndSession": False,
    }


# (A slot missing outside a dialog: the prompt alone, no reason before it.)
def test_one_of_the_prompts_variations_is_asked() -> None:
    variations = ["Which day?", "On which day?", "What day would suit you?"]
    heard = set()
    with TestClient(_booking(variations)) as client:
        for _ in range(60):
            heard.add(client.intent("BookTable", people="2").speech)
    assert heard <= set(variations)
    assert len(heard) > 1  # Alexa picks one at random, and so does alexaskill (60 tries)


def test_slot_references_are_filled_from_the_requests_slots() -> None:
    prompt = "Which day for {people}, {name}?"
    with TestClient(_booking(prompt)) as client:
        result = client.intent("BookTable", people="4", name="Ann")
    assert result.speech == "Which day for 4, Ann?"


def test_a_variation_whose_slot_has_no_value_is_not_asked() -> None:
    with TestClient(_booking(["Which day, {name}?", "Which day?"])) as client:
        for _ in range(20):
            result = client.intent("BookTable", people="4")
            assert result.speech == "Which day?"


def test_without_a_variation_whose_slots_have_values_the_generic_prompt_is_asked() -> None:
    # The slot asked for is cleared: its value does not fill its own prompt.
    with TestClient(_booking(["Which day, {name}?", "Not {date}: which day?"])) as client:
        result = client.intent("BookTable", people="4", date="2026-W48-WE")
    assert result.speech == CANT_USE


def test_an_ssml_prompt_stays_ssml_and_the_values_in_it_are_escaped() -> None:
    prompt = "<speak>Which day, <emphasis>{name}</emphasis>?</speak>"
    with TestClient(_booking(prompt)) as client:
        result = client.intent("BookTable", people="4", name="Tom & <Jerry>")
    speech = result.json["response"]["outputSpeech"]
    assert speech == {
        "type": "SSML",
        "ssml": "<speak>Which day, <emphasis>Tom &amp; &lt;Jerry&gt;</emphasis>?</speak>",
    }


def test_a_plain_prompt_keeps_a_value_that_looks_like_markup_as_text() -> None:
    with TestClient(_booking("Which day, {name}?")) as client:
        result = client.intent("BookTable", people="4", name="<b>")
    speech = result.json["response"]["outputSpeech"]
    assert speech == {"type": "PlainText", "text": "Which day, <b>?"}


# --- in the skill's languages -------------------------------------------------------------------


def test_the_prompt_is_the_one_of_the_requests_model_translated_by_the_skills_catalogs(
    tmp_path: Path, skill_client: Callable[..., TestClient]
) -> None:
    catalog(
        tmp_path,
        "de",
        """
        msgid "Which day, {name}?"
        msgstr "Welcher Tag, {name}?"
        """,
    )
    skill = _booking("Which day, {name}?", translations=Translations(tmp_path))
    german = skill_client(skill, locale="de-DE")
    result = german.intent("BookTable", people="4", name="Jana")
    assert result.speech == "Welcher Tag, Jana?"
    # The skill has no French catalog: its French model has the source text (as its handlers).
    french = skill_client(skill, locale="fr-FR")
    result = french.intent("BookTable", people="4", name="Zoé")
    assert result.speech == "Which day, Zoé?"


def test_a_skill_without_catalogs_asks_with_its_prompt_as_written(
    skill_client: Callable[..., TestClient],
) -> None:
    german = skill_client(_booking("Which day?"), locale="de-DE")
    assert german.intent("BookTable", people="4").speech == "Which day?"


# --- without an elicitation prompt --------------------------------------------------------------


def test_an_ssml_prompt_asking_again_for_a_value_that_does_not_fit_stays_ssml() -> None:
    with TestClient(_booking("<speak>Which <emphasis>day</emphasis>?</speak>")) as client:
        result = client.intent("BookTable", people="2", date="2026-W48")
    ssml = result.json["response"]["outputSpeech"]["ssml"]
    assert ssml == "<speak>Sorry, I can&apos;t use that. Which <emphasis>day</emphasis>?</speak>"


def test_the_reason_before_the_slots_prompt_is_translated(
    skill_client: Callable[..., TestClient],
) -> None:
    german = skill_client(_booking("Welcher Tag?"), locale="de-DE")
    result = german.intent("BookTable", people="2", date="2026-W48-WE")
    assert result.speech == "Entschuldigung, damit kann ich nichts anfangen. Welcher Tag?"


def test_a_value_that_does_not_fit_is_not_called_unheard() -> None:
    with TestClient(_booking(None)) as client:
        result = client.intent("BookTable", people="2", date="2026-W48-WE")
        assert result.speech == CANT_USE
        assert result.should_end_session is False
        # A value missing is another matter: then nothing usable was heard.
        assert client.intent("BookTable", people="2").speech == DIDNT_CATCH


def test_a_value_that_does_not_fit_inside_a_dialog_is_elicited_with_the_generic_prompt() -> None:
    with TestClient(_booking(None)) as client:
        result = client.intent(
            "BookTable", dialog_state="IN_PROGRESS", people="2", date="2026-W48-WE"
        )
    assert result.speech == CANT_USE
    [directive] = result.json["response"]["directives"]
    assert (directive["type"], directive["slotToElicit"]) == ("Dialog.ElicitSlot", "date")
    assert "value" not in directive["updatedIntent"]["slots"]["date"]


def test_the_generic_prompt_for_a_value_that_does_not_fit_is_translated(
    skill_client: Callable[..., TestClient],
) -> None:
    german = skill_client(_booking(None), locale="de-DE")
    result = german.intent("BookTable", people="2", date="2026-W48-WE")
    assert result.speech == (
        "Entschuldigung, damit kann ich nichts anfangen. Kannst du es anders sagen?"
    )


def test_a_skills_catalog_replaces_the_generic_prompt(
    tmp_path: Path, skill_client: Callable[..., TestClient]
) -> None:
    catalog(
        tmp_path,
        "en",
        f"""
        msgid "{CANT_USE}"
        msgstr "That won't work. Try again?"
        """,
    )
    skill = _booking(None, translations=Translations(tmp_path))
    client = skill_client(skill)
    result = client.intent("BookTable", people="2", date="2026-W48")
    assert result.speech == "That won't work. Try again?"


# --- the log line and the exception --------------------------------------------------------------


def test_the_log_line_names_the_slot_the_value_and_why_it_does_not_convert(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="alexaskill")
    with TestClient(_booking()) as client:
        client.intent("BookTable", people="2", date="2026-W48-WE")
    [line] = [r.getMessage() for r in caplog.records if "asking again" in r.getMessage()]
    assert "BookTable" in line
    assert "slot 'date'" in line
    assert "'2026-W48-WE'" in line
    assert "a weekend, not one day" in line
    assert "datetime.date" in line
    assert "amzn1.ask.account" not in caplog.text


def test_an_exception_handler_for_slot_error_gets_the_reason() -> None:
    skill = _booking()

    @skill.exception(SlotError)
    def on_slot(exc: SlotError) -> Response:
        return ask(f"{exc.slot_name}: {exc.reason}")

    with TestClient(skill) as client:
        speech = client.intent("BookTable", people="2.5", date="2026-12-05").speech
        said = "a decimal number, which an int slot does not take (a float slot does)"
        assert speech == f"people: {said}"
        assert client.intent("BookTable", people="2").speech == "date: None"


def test_a_number_alexa_did_not_understand_was_not_caught() -> None:
    # AMAZON.NUMBER's "?" is a number heard but not understood: "I didn't catch that" is right.
    skill = Skill(SKILL_ID)

    @skill.intent("Order", slots={"count": "AMAZON.NUMBER"})
    def order(count: int) -> Response:
        return speak(f"{count} pizzas.")

    with TestClient(skill) as client:
        assert client.intent("Order", count="?").speech == DIDNT_CATCH
        assert client.intent("Order", count="2.5").speech == CANT_USE


# --- SSML prompts whatever their root's attributes or prolog ------------------------------------


@pytest.mark.parametrize(
    ("prompt", "sent"),
    [
        (
            '<speak version="1.1">Which day?</speak>',
            '<speak version="1.1">Sorry, I can&apos;t use that. Which day?</speak>',
        ),
        (
            '<?xml version="1.0"?>\n<speak xml:lang="en-US">Which day?</speak>',
            '<speak xml:lang="en-US">Sorry, I can&apos;t use that. Which day?</speak>',
        ),
        (
            "<speak\n>Which day?</speak>",
            "<speak\n>Sorry, I can&apos;t use that. Which day?</speak>",
        ),
    ],
    ids=["version", "prolog", "newline-in-tag"],
)
def test_the_reason_goes_inside_any_ssml_prompts_root_keeping_its_attributes(
    prompt: str, sent: str
) -> None:
    # Only "<speak>" exactly was taken for SSML: the reason and the markup went out as one
    # PlainText, tags read aloud.
    with TestClient(_booking(prompt)) as client:
        result = client.intent("BookTable", people="2", date="2026-W48")
    assert result.json["response"]["outputSpeech"] == {"type": "SSML", "ssml": sent}


def test_a_missing_slot_is_asked_for_with_an_ssml_prompt_that_has_a_prolog() -> None:
    # Taken for plain text, ask() refused it (a str that is a <speak> document): a 500.
    prompt = '<?xml version="1.0"?><speak version="1.1">Which day?</speak>'
    with TestClient(_booking(prompt)) as client:
        result = client.intent("BookTable", people="2")
    assert result.json["response"]["outputSpeech"] == {
        "type": "SSML",
        "ssml": '<speak version="1.1">Which day?</speak>',
    }


def test_a_self_closing_ssml_prompt_fails_where_declared_and_its_translation_gets_the_reason(
    tmp_path: Path, skill_client: Callable[..., TestClient]
) -> None:
    # An empty document says nothing: asked alone (a slot missing) Alexa refuses it, so it is
    # refused where declared (alexaskill.dialog_prompts). A catalog's translation is known only
    # at start (a WARNING): asked with the reason, the reason goes inside its root.
    with pytest.raises(ConfigurationError, match="says nothing"):
        _booking('<speak xml:lang="en-US"/>')
    catalog(tmp_path, "de", 'msgid "Which day?"\nmsgstr "<speak xml:lang=\\"de-DE\\"/>"\n')
    german = skill_client(_booking(translations=Translations(tmp_path)), locale="de-DE")
    result = german.intent("BookTable", people="2", date="2026-W48")
    sent = result.json["response"]["outputSpeech"]
    assert sent["type"] == "SSML", sent
    assert sent["ssml"].startswith('<speak xml:lang="de-DE">Entschuldigung'), sent
    assert sent["ssml"].endswith(".</speak>") and "/>" not in sent["ssml"], sent


def test_a_prompt_xml_cannot_hold_fails_where_declared() -> None:
    # A control character in hand-written SSML: asking again with it got the apology and an
    # ERROR line (asking again with a translation that holds one still does: test_answering).
    with pytest.raises(ConfigurationError) as caught:
        _booking("<speak>Which\x01 day?</speak>")
    message = str(caught.value)
    assert message.startswith("intent BookTable, slot date: elicitation prompt"), message
    assert "U+0001 at index 12, which XML cannot hold" in message, message


def test_no_space_after_the_reason_where_the_language_puts_none(
    skill_client: Callable[..., TestClient],
) -> None:
    japanese = skill_client(_booking("何日ですか？"), locale="ja-JP")  # noqa: RUF001
    result = japanese.intent("BookTable", people="2", date="2026-W48-WE")
    assert result.speech == "すみません、それは使えません。何日ですか？"  # noqa: RUF001
    ssml = skill_client(_booking("<speak>何日ですか？</speak>"), locale="ja-JP")  # noqa: RUF001
    result = ssml.intent("BookTable", people="2", date="2026-W48-WE")
    sent = result.json["response"]["outputSpeech"]["ssml"]
    assert sent == "<speak>すみません、それは使えません。何日ですか？</speak>"  # noqa: RUF001


# --- prompts up to Alexa's speech limit -------------------------------------------------------

#: A plain prompt of 7,996 characters: taken where declared (Alexa speaks 8,000).
_LONG_PROMPT = "Which day?" + " Which day?" * 726
#: An SSML prompt of 8,000 characters as sent: its prolog is not sent (the speech is its root).
_LONG_SSML = "<speak>" + "Which day? " * 725 + "Which day?" + "</speak>"


@pytest.mark.parametrize(
    ("prompt", "sent"),
    [
        (_LONG_PROMPT, {"type": "PlainText", "text": _LONG_PROMPT}),
        ('<?xml version="1.0"?>' + _LONG_SSML, {"type": "SSML", "ssml": _LONG_SSML}),
    ],
    ids=["plain", "ssml-with-prolog"],
)
def test_a_missing_slot_is_asked_for_with_a_prompt_up_to_alexas_speech_limit(
    prompt: str, sent: dict[str, str]
) -> None:
    # Taken where declared (up to 8,000 characters, as sent), a prompt over 7,500 (counted with
    # its prolog) was never asked: the user heard "I didn't catch that" in its place.
    assert len(_LONG_PROMPT) == 7996 and len(_LONG_SSML) == 8000
    with TestClient(_booking(prompt)) as client:
        result = client.intent("BookTable", people="2")
    assert result.json["response"]["outputSpeech"] == sent


def test_a_prompt_too_long_to_say_the_reason_first_is_asked_alone() -> None:
    # "Sorry, I can't use that. " and 7,996 characters are past Alexa's 8,000: the slot's own
    # question is still asked (it was the generic prompt), without the reason.
    with TestClient(_booking(_LONG_PROMPT)) as client:
        result = client.intent("BookTable", people="2", date="2026-W48-WE")
    assert result.speech == _LONG_PROMPT


def test_the_reason_is_said_first_before_a_long_prompt_while_both_fit() -> None:
    prompt = "Which day?" + " Which day?" * 717  # 7,897 characters: 7,922 with the reason
    with TestClient(_booking(prompt)) as client:
        result = client.intent("BookTable", people="2", date="2026-W48-WE")
    assert result.speech == f"Sorry, I can't use that. {prompt}"
    assert len(result.speech) == 7922
