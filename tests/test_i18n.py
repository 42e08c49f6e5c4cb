"""Localization: gettext catalogs by request locale, fallback, plurals, SSML, framework words."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Response, Skill, i18n, speak
from alexaskill.aws_lambda import handler as lambda_handler
from alexaskill.i18n import N_, Translations, _, locale_chain, ngettext, npgettext, pgettext
from alexaskill.messages import APOLOGY, TRANSLATIONS
from alexaskill.ssml import Ssml, emphasis
from alexaskill.testing import RequestFactory, TestClient

from .catalogs import catalog
from .conftest import SKILL_ID
from .i18n_shared import locales as locales
from .log_repeats_shared import clock as clock


def say_skill(locales: Path, **options: Any) -> Skill:
    skill = Skill(SKILL_ID, translations=Translations(locales), **options)

    @skill.intent("Say")
    async def say(text: str, city: str | None = None) -> Response:
        return speak(_(text, city=city) if city else _(text))

    @skill.intent("Days")
    def days(count: int) -> Response:  # a def handler: a worker thread sees the locale too
        return speak(ngettext("{n} day", "{n} days", count))

    return skill


def test_locale_chain_is_the_locale_its_language_then_the_default() -> None:
    assert locale_chain("en-GB", "en-US") == ("en_GB", "en", "en_US")
    assert locale_chain("de-DE", "en-US") == ("de_DE", "de", "en_US", "en")
    assert locale_chain("es-419") == ("es_419", "es")
    assert locale_chain(None, "en-US") == ("en_US", "en")
    assert locale_chain("not a locale", "en-US") == ("en_US", "en")


def test_a_handler_speaks_the_requests_language(
    locales: Path, skill_client: Callable[..., TestClient]
) -> None:
    skill = say_skill(locales)
    german = skill_client(skill, locale="de-DE")
    assert german.intent("Say", text="It will be sunny in {city}.", city="Rom").speech == (
        "In Rom wird es sonnig."
    )
    english = skill_client(skill, locale="en-US")
    assert english.intent("Say", text="It will be sunny in {city}.", city="Rome").speech == (
        "It will be sunny in Rome."
    )
    # (de-DE has no de_DE catalog: it speaks the language's, "de".)


def test_fallback_chain_locale_language_default_source(
    locales: Path, skill_client: Callable[..., TestClient]
) -> None:
    skill = say_skill(locales)
    british = skill_client(skill, locale="en-GB")
    assert british.intent("Say", text="What colour?").speech == "What colour, mate?"
    # Not in en_GB: the language's catalog, before the default locale's.
    assert british.intent("Say", text="The lift is out of order.").speech == (
        "The lift is out of order (en)."
    )
    assert british.intent("Say", text="Only the default has this.").speech == (
        "Only the default has this (en-US)."
    )
    assert british.intent("Say", text="In no catalog.").speech == "In no catalog."
    american = skill_client(skill, locale="en-US")
    assert american.intent("Say", text="The lift is out of order.").speech == (
        "The elevator is out of order."
    )
    # A locale without any catalog of its language: the default locale's.
    french = skill_client(skill, locale="fr-FR")
    assert french.intent("Say", text="The lift is out of order.").speech == (
        "The elevator is out of order."
    )
    assert french.intent("Say", text="It will be sunny in {city}.", city="Nice").speech == (
        "It will be sunny in Nice."
    )


def test_plural_forms_follow_each_catalogs_rule(
    locales: Path, skill_client: Callable[..., TestClient]
) -> None:
    skill = say_skill(locales)
    german = skill_client(skill, locale="de-DE")
    assert [german.intent("Days", count=n).speech for n in (1, 2, 0)] == [
        "1 Tag",
        "2 Tage",
        "0 Tage",
    ]
    # Polish, a language Alexa does not speak (no request carries it), has the richest rule of
    # the catalogs here: asked of its translator directly.
    polish = Translations(locales).translator("pl-PL")
    assert [polish.ngettext("{n} day", "{n} days", n) for n in (1, 3, 5, 22, 12)] == [
        "1 dzień",
        "3 dni (few)",
        "5 dni (many)",
        "22 dni (few)",
        "12 dni (many)",
    ]
    english = skill_client(skill, locale="en-US")  # no catalog has it: the source's English
    assert [english.intent("Days", count=n).speech for n in (1, 2)] == ["1 day", "2 days"]


def test_contexts_and_translators_outside_requests(locales: Path) -> None:
    translations = Translations(locales)
    german = translations.translator("de-DE")
    assert german.pgettext("month", "May") == "Mai"
    assert german.pgettext("permission", "May") == "Darf"
    assert german.npgettext("days ahead", "{n} day", "{n} days", 3) == "3 Tage voraus"
    assert german.catalogs == ("de", "en_US", "en")
    # Outside a request: the source text, placeholders filled.
    assert _("It will be sunny in {city}.", city="Rome") == "It will be sunny in Rome."
    assert ngettext("{n} day", "{n} days", 2) == "2 days"
    assert pgettext("month", "May") == "May"
    assert npgettext("days ahead", "{n} day", "{n} days", 1) == "1 day"
    assert N_("Marked, not translated.") == "Marked, not translated."
    assert translations.locales == ("de", "en", "en-GB", "en-US", "pl")


def test_translated_text_is_spoken_as_text_and_ssml_values_stay_markup(locales: Path) -> None:
    german = Translations(locales).translator("de-DE")
    # Plain values: plain text. The catalog's "<audio …/>" is words, which speak() escapes.
    plain = german.gettext("Tom & Jerry in {city}.", city="Köln")
    assert type(plain) is str
    assert plain == "Tom & Jerry in Köln, <audio src='x'/>."
    assert speak(plain).output_speech.text == plain  # type: ignore[union-attr]
    # An Ssml value: the result is Ssml; the translation and plain values are escaped.
    marked = german.gettext("Tom & Jerry in {city}.", city=emphasis("Köln"))
    assert isinstance(marked, Ssml)
    assert marked == (
        'Tom &amp; Jerry in <emphasis level="moderate">Köln</emphasis>, '
        "&lt;audio src=&apos;x&apos;/&gt;."
    )
    speech = speak(marked).output_speech
    assert speech.ssml == f"<speak>{marked}</speak>"  # type: ignore[union-attr]
    # A plain value beside an Ssml one is escaped: a slot value cannot inject markup.
    source = Translations(locales).translator("en-US")
    mixed = source.gettext("{a} and {b}", a=emphasis("x"), b="<break/> & co")
    assert mixed == '<emphasis level="moderate">x</emphasis> and &lt;break/&gt; &amp; co'


@pytest.mark.parametrize(
    ("count", "kind"), [("3", "a str"), (3.0, "a float"), (True, "a bool"), (None, "None")]
)
def test_the_plural_count_is_an_int_in_every_language(locales: Path, count: Any, kind: str) -> None:
    # gettext's own catalogs refuse another type; without a catalog (the source language) the
    # same mistake passed, to fail only in production in another language. The type is said
    # after its article ("not float" was said).
    for locale in ("de-DE", "en-US"):
        translator = Translations(locales).translator(locale)
        with pytest.raises(TypeError, match=f"^the count of ngettext must be an int, not {kind}$"):
            translator.ngettext("{n} day", "{n} days", count)
        with pytest.raises(TypeError, match=f"^the count of npgettext must be an int, not {kind}$"):
            translator.npgettext("days ahead", "{n} day", "{n} days", count)


def test_hooks_and_exception_handlers_speak_the_language_too(
    locales: Path, skill_client: Callable[..., TestClient]
) -> None:
    skill = say_skill(locales)

    @skill.before_request
    def before() -> Response | None:
        if _("It will be sunny in {city}.", city="X") == "In X wird es sonnig.":
            raise LookupError
        return None

    @skill.exception(LookupError)
    def translated(exc: LookupError) -> Response:
        return speak(ngettext("{n} day", "{n} days", 2))

    assert skill_client(skill, locale="de-DE").launch().speech == "2 Tage"
    assert skill_client(skill, locale="en-US").intent("Days", count=2).speech == "2 days"


def test_the_locale_does_not_leak_out_of_a_request(locales: Path) -> None:
    skill = say_skill(locales)
    factory = RequestFactory(skill_id=SKILL_ID, locale="de-DE")
    handler = lambda_handler(skill)
    event = factory.intent("Days", count=3)
    assert handler(event, None)["response"]["outputSpeech"]["text"] == "3 Tage"
    assert ngettext("{n} day", "{n} days", 3) == "3 days"


def test_framework_sentences_are_spoken_in_the_requests_language(
    tmp_path: Path, skill_client: Callable[..., TestClient]
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Broken")
    def broken() -> Response:
        raise RuntimeError("bug")

    @skill.intent("Number")
    def number(count: int) -> Response:
        return speak(str(count))

    german = skill_client(skill, locale="de-DE", raise_handler_errors=False)
    assert german.intent("Broken").speech == TRANSLATIONS["de"][APOLOGY]
    assert german.intent("Nothing").speech == "Entschuldigung, dabei kann ich nicht helfen."
    assert german.intent("Nothing").reprompt == "Was möchtest du tun?"
    assert german.intent("Number", count="?").speech == (
        "Entschuldigung, das habe ich nicht verstanden. Kannst du das noch einmal sagen?"
    )
    french = skill_client(skill, locale="fr-CA", raise_handler_errors=False)
    assert french.intent("Broken").speech == TRANSLATIONS["fr"][APOLOGY]
    british = skill_client(skill, locale="en-GB", raise_handler_errors=False)
    assert british.intent("Broken").speech == APOLOGY
    hindi = skill_client(skill, locale="hi-IN", raise_handler_errors=False)
    assert hindi.intent("Broken").speech == TRANSLATIONS["hi"][APOLOGY]


def test_a_skills_catalog_translates_the_framework_sentences_first(
    tmp_path: Path, skill_client: Callable[..., TestClient]
) -> None:
    catalog(
        tmp_path,
        "de",
        f"""\
        msgid "{APOLOGY}"
        msgstr "Hoppla, da klemmt was."
        """,
    )
    catalog(
        tmp_path,
        "en",
        f"""\
        msgid "{APOLOGY}"
        msgstr "Oops, our weather station is down."
        """,
    )
    skill = Skill(SKILL_ID, translations=tmp_path)

    @skill.launch
    def launch() -> Response:
        raise RuntimeError("bug")

    def apology(locale: str) -> str | None:
        return skill_client(skill, locale=locale, raise_handler_errors=False).launch().speech

    assert apology("de-DE") == "Hoppla, da klemmt was."
    assert apology("en-AU") == "Oops, our weather station is down."
    # French: no French catalog, so the skill speaks its default locale's English, and so
    # does its apology (alexaskill's French would switch language mid-session).
    assert apology("fr-FR") == "Oops, our weather station is down."
    assert apology("hi-IN") == "Oops, our weather station is down."


def test_the_deadline_reply_is_in_the_requests_language(
    skill_client: Callable[..., TestClient],
) -> None:
    import asyncio

    skill = Skill(SKILL_ID, deadline=0.3)

    @skill.launch
    async def slow() -> Response:
        await asyncio.sleep(5)  # cancelled at the deadline
        return speak("late")

    german = skill_client(skill, locale="de-DE")
    assert german.launch().speech == (
        "Entschuldigung, das dauert länger als erwartet. Bitte versuche es noch einmal."
    )


def test_a_keyword_n_beside_the_count_is_refused(locales: Path) -> None:
    # ``ngettext("{n} apple", "{n} apples", 1, n=5)`` said "5 apple": the keyword filled {n} and
    # the count chose the form. {n} is the count; the mismatch is now a TypeError.
    for locale in ("de-DE", "en-US"):
        translator = Translations(locales).translator(locale)
        with pytest.raises(TypeError, match=r"ngettext got the count 1 and n=5: \{n\} is the"):
            translator.ngettext("{n} day", "{n} days", 1, n=5)
        with pytest.raises(TypeError, match=r"npgettext got the count 3 and n=3"):
            translator.npgettext("days ahead", "{n} day", "{n} days", 3, n=3)
    with pytest.raises(TypeError, match="ngettext got the count 3 and n=5"):
        ngettext("{n} day", "{n} days", 3, n=5)  # outside a request: the source text


def test_a_count_of_misfits_still_unsaid_is_said_at_shutdown(
    locales: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A translation that does not fit is said once a minute as it is spoken, the next counted;
    # at shutdown (the count's timer ends with the loop) the skill said its own counts, not
    # its translators': the count waiting was lost.
    skill = Skill(SKILL_ID, translations=Translations(locales))

    @skill.intent("Say")
    def say(city: str) -> Response:
        return speak(_("Broken {city}.", city=city))

    caplog.set_level(logging.WARNING, logger="alexaskill")
    with TestClient(skill, locale="de-DE") as client:
        for city in ("Bonn", "Rom", "Wien"):
            assert client.intent("Say", city=city).speech == f"Broken {city}."
    misfits = [r.getMessage() for r in caplog.records if "de-DE translation of" in r.getMessage()]
    assert len(misfits) == 2
    assert misfits[1].endswith("(2 more since the last such line)")


def test_a_def_handlers_misfits_have_their_count_said_while_serving(
    locales: Path,
    caplog: pytest.LogCaptureFixture,
    clock: list[float],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A `def` handler's `_()` runs in a worker thread, which runs no event loop: the count of
    # a misfit set no timer there, and waited for a next one that may never come (or, since,
    # the shutdown). Its timer is set on the loop the thread works for.
    monkeypatch.setattr(i18n, "MISFIT_EVERY", 0.02)  # (the timer's seconds; the window's: clock)
    skill = Skill(SKILL_ID, translations=Translations(locales), def_handlers="threads")

    @skill.intent("Say")
    def say(city: str) -> Response:
        return speak(_("Broken {city}.", city=city))

    def counted() -> int:
        found = (re.search(r"\((\d+) more since", r.getMessage()) for r in caplog.records)
        return sum(int(match[1]) for match in found if match)

    caplog.set_level(logging.WARNING, logger="alexaskill")
    with TestClient(skill, locale="de-DE") as client:
        for city in ("Bonn", "Rom", "Wien"):
            client.intent("Say", city=city)
        deadline = time.monotonic() + 30  # a bound for a broken test, nothing timed
        while counted() < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert counted() == 2  # (the two lines after the first, whenever the timer ran)


def test_misfits_of_translators_made_past_the_cache_are_counted(
    locales: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Past 64 locales cached, each request's translator was made anew with a `Repeats` of its
    # own: a translation that does not fit was logged on every request, never counted, and
    # `say_unsaid` (which read the cache) had nothing to say.
    translations = Translations(locales)
    for number in range(64):
        translations.translator(f"zz-Z{number}")  # (forged locales fill the cache)
    caplog.set_level(logging.WARNING, logger="alexaskill")
    for city in ("Bonn", "Rom", "Wien"):
        assert translations.translator("de-DE").gettext("Broken {city}.", city=city) == (
            f"Broken {city}."
        )
    translations.say_unsaid()
    misfits = [r.getMessage() for r in caplog.records if "de-DE translation of" in r.getMessage()]
    assert len(misfits) == 2
    assert misfits[1].endswith("(2 more since the last such line)")
