"""alexaskill's own sentences: one translation of each for every language Alexa speaks."""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.i18n import Translations, _
from alexaskill.locales import ALEXA_LOCALES, language_of
from alexaskill.messages import (
    APOLOGY,
    DEADLINE_REPLY,
    SENTENCES,
    SLOT_PROMPT,
    TRANSLATIONS,
    spoken,
)
from alexaskill.testing import TestClient

from .catalogs import catalog
from .conftest import SKILL_ID

NOT_ENGLISH = sorted(locale for locale in ALEXA_LOCALES if language_of(locale) != "en")


def _fields(text: str) -> list[str]:
    return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)


@pytest.mark.parametrize("locale", NOT_ENGLISH)
def test_every_language_of_alexa_has_every_sentence(locale: str) -> None:
    for sentence in SENTENCES:
        said = spoken(sentence, locale)
        assert said != sentence, f"{locale} speaks {sentence!r} in English"
        assert said == said.strip() and said


def test_each_translation_is_complete_and_keeps_the_placeholders() -> None:
    for key, sentences in TRANSLATIONS.items():
        assert set(sentences) == set(SENTENCES), key
        for source, translated in sentences.items():
            # str.format's parser also refuses a stray brace, which .format() would choke on.
            assert _fields(translated) == _fields(source), (key, source)


@pytest.mark.parametrize(("language", "script"), [("hi", "DEVANAGARI"), ("ar", "ARABIC")])
def test_hindi_and_arabic_are_written_in_their_own_script(language: str, script: str) -> None:
    for sentence in SENTENCES:
        letters = [c for c in TRANSLATIONS[language][sentence] if c.isalpha()]
        own = [c for c in letters if unicodedata.name(c, "").startswith(script)]
        # Only the app's name, "Alexa", may stay in Latin letters.
        assert len(letters) - len(own) <= len("Alexa"), (language, sentence)


def test_latin_american_spanish_has_its_own_past_tense() -> None:
    assert spoken(APOLOGY, "es-ES") == TRANSLATIONS["es"][APOLOGY]
    assert (
        spoken(APOLOGY, "es-MX")
        == "Lo siento, algo salió mal. Por favor, inténtalo de nuevo más tarde."
    )
    assert (
        spoken(SLOT_PROMPT, "es-US") == spoken(SLOT_PROMPT, "es-MX") != spoken(SLOT_PROMPT, "es-ES")
    )


@pytest.mark.parametrize("locale", ["hi-IN", "ar-SA", "nl-NL"])
def test_the_apology_and_the_deadline_reply_in_hindi_arabic_and_dutch(
    locale: str, skill_client: Callable[..., TestClient]
) -> None:
    import asyncio

    skill = Skill(SKILL_ID, deadline=None)  # the bug's apology is no race with the deadline

    @skill.intent("Broken")
    def broken() -> Response:
        raise RuntimeError("bug")

    @skill.launch
    async def slow() -> Response:
        await asyncio.sleep(5)  # cancelled at the deadline
        return speak("late")

    client = skill_client(skill, locale=locale, raise_handler_errors=False)
    language = TRANSLATIONS[language_of(locale)]
    assert client.intent("Broken").speech == language[APOLOGY]
    skill.deadline = 0.3
    assert client.launch().speech == language[DEADLINE_REPLY]


def _weather(locales: Path, default_locale: str) -> Skill:
    skill = Skill(SKILL_ID, translations=Translations(locales, default_locale=default_locale))

    @skill.intent("Weather")
    def weather() -> Response:
        return speak(_("It is sunny.") if default_locale.startswith("en") else _("Es ist sonnig."))

    @skill.intent("Broken")
    def broken() -> Response:
        raise RuntimeError("bug")

    return skill


def test_without_a_catalog_for_the_language_alexaskill_speaks_the_skills_language(
    tmp_path: Path, skill_client: Callable[..., TestClient]
) -> None:
    # Catalogs for English and German; a French user hears the skill in English (its source
    # text), so the apology is English too, not French in the middle of an English session.
    catalog(tmp_path, "de", 'msgid "It is sunny."\nmsgstr "Es ist sonnig."\n')
    catalog(tmp_path, "en", 'msgid "It is sunny."\nmsgstr "It is sunny."\n')
    skill = _weather(tmp_path, "en-US")
    french = skill_client(skill, locale="fr-FR", raise_handler_errors=False)
    assert french.intent("Weather").speech == "It is sunny."
    assert french.intent("Broken").speech == APOLOGY
    german = skill_client(skill, locale="de-DE", raise_handler_errors=False)
    assert german.intent("Weather").speech == "Es ist sonnig."
    assert german.intent("Broken").speech == TRANSLATIONS["de"][APOLOGY]


def test_a_skill_written_in_german_apologises_in_german_where_it_has_nocatalog(
    tmp_path: Path, skill_client: Callable[..., TestClient]
) -> None:
    # Source text in German (default_locale de-DE), a catalog for Austria's spelling only: an
    # English user hears German from the skill, and from alexaskill.
    catalog(tmp_path, "de_DE", 'msgid "Es ist sonnig."\nmsgstr "Es ist sonnig."\n')
    skill = _weather(tmp_path, "de-DE")
    american = skill_client(skill, locale="en-US", raise_handler_errors=False)
    assert american.intent("Weather").speech == "Es ist sonnig."
    assert american.intent("Broken").speech == TRANSLATIONS["de"][APOLOGY]
    assert american.intent("Nothing").speech == "Entschuldigung, dabei kann ich nicht helfen."


def test_spoken_follows_the_skills_catalogs(tmp_path: Path) -> None:
    catalog(tmp_path, "en", f'msgid "{APOLOGY}"\nmsgstr "Oops."\n')
    catalog(tmp_path, "de", f'msgid "{APOLOGY}"\nmsgstr "Hoppla."\n')
    translations = Translations(tmp_path)
    assert spoken(APOLOGY, "de-DE", translations) == "Hoppla."
    assert spoken(APOLOGY, "en-GB", translations) == "Oops."
    assert spoken(APOLOGY, "ja-JP", translations) == "Oops."  # the skill speaks English there
    assert spoken(APOLOGY, None, translations) == "Oops."
    # A sentence the skill's catalogs leave out comes from alexaskill, in the skill's language.
    assert spoken(SLOT_PROMPT, "de-AT", translations) == TRANSLATIONS["de"][SLOT_PROMPT]
    assert spoken(SLOT_PROMPT, "nl-NL", translations) == SLOT_PROMPT
    # Without catalogs, alexaskill follows the request.
    assert spoken(SLOT_PROMPT, "nl-NL") == TRANSLATIONS["nl"][SLOT_PROMPT]
    assert spoken(SLOT_PROMPT, None) == SLOT_PROMPT


def test_a_value_heard_but_unfit_has_a_sentence_of_its_own_in_every_language() -> None:
    # "I didn't catch that" is wrong for "this weekend" where one day is needed: it was heard.
    from alexaskill.messages import SLOT_UNFIT_PROMPT

    assert SLOT_UNFIT_PROMPT in SENTENCES
    assert SLOT_UNFIT_PROMPT == "Sorry, I can't use that. Could you say it another way?"
    for key, sentences in TRANSLATIONS.items():
        assert sentences[SLOT_UNFIT_PROMPT] != sentences[SLOT_PROMPT], key
