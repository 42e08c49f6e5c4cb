"""Localization: gettext catalogs by request locale, fallback, plurals, SSML, framework words."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alexaskill import ConfigurationError, Response, Skill, speak
from alexaskill.aws_lambda import handler as lambda_handler
from alexaskill.i18n import N_, Translations, _, locale_chain, ngettext, npgettext, pgettext
from alexaskill.messages import APOLOGY, TRANSLATIONS
from alexaskill.ssml import Ssml, emphasis
from alexaskill.testing import RequestFactory, TestClient

from .catalogs import catalog
from .conftest import SKILL_ID

# Polish: one, few (2-4, not 12-14), many: a rule with three forms.
POLISH_PLURAL = (
    "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    directory = tmp_path / "locales"
    catalog(
        directory,
        "de",
        """\
        msgid "It will be sunny in {city}."
        msgstr "In {city} wird es sonnig."

        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} Tag"
        msgstr[1] "{n} Tage"

        msgctxt "month"
        msgid "May"
        msgstr "Mai"

        msgctxt "permission"
        msgid "May"
        msgstr "Darf"

        msgctxt "days ahead"
        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} Tag voraus"
        msgstr[1] "{n} Tage voraus"

        msgid "Tom & Jerry in {city}."
        msgstr "Tom & Jerry in {city}, <audio src='x'/>."

        msgid "Broken {city}."
        msgstr "Kaputt {stadt}."
        """,
    )
    catalog(
        directory,
        "en_GB",
        """\
        msgid "What colour?"
        msgstr "What colour, mate?"
        """,
    )
    catalog(
        directory,
        "en",
        """\
        msgid "What colour?"
        msgstr "What colour?"

        msgid "The lift is out of order."
        msgstr "The lift is out of order (en)."
        """,
    )
    catalog(
        directory,
        "en_US",
        """\
        msgid "The lift is out of order."
        msgstr "The elevator is out of order."

        msgid "Only the default has this."
        msgstr "Only the default has this (en-US)."
        """,
    )
    catalog(
        directory,
        "pl",
        """\
        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} dzień"
        msgstr[1] "{n} dni (few)"
        msgstr[2] "{n} dni (many)"
        """,
        POLISH_PLURAL,
    )
    return directory


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


def test_a_translation_with_wrong_placeholders_falls_back_to_the_source(
    locales: Path, caplog: pytest.LogCaptureFixture
) -> None:
    german = Translations(locales).translator("de-DE")
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert german.gettext("Broken {city}.", city="Bonn") == "Broken Bonn."
    assert "de-DE translation of 'Broken {city}.' does not fit" in caplog.text
    with pytest.raises(KeyError):  # the source text's own mistake is the handler's bug
        german.gettext("No such {field}.", city="Bonn")


def test_a_translation_must_name_the_placeholders_of_its_source(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Checked whether or not values are given: a placeholder the translation adds would be
    # spoken as "{name}", one it drops loses what the user asked for.
    catalog(
        tmp_path,
        "de",
        """\
        msgid "Welcome."
        msgstr "Willkommen, {name}."

        msgid "It will be sunny in {city}."
        msgstr "Es wird sonnig."

        msgid "Say {{yes}}."
        msgstr "Sag {{ja}}."

        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "ein Tag"
        msgstr[1] "{n} Tage"
        """,
    )
    german = Translations(tmp_path).translator("de-DE")
    assert len(caplog.records) == 2  # said at start too (the plural form is checked when used)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert german.gettext("Welcome.") == "Welcome."
        assert (
            german.gettext("It will be sunny in {city}.", city="Rom") == "It will be sunny in Rom."
        )
        assert german.gettext("Say {{yes}}.") == "Sag {{ja}}."  # no values: used as written
        assert german.ngettext("{n} day", "{n} days", 1) == "ein Tag"  # {n} is always offered
        assert german.ngettext("{n} day", "{n} days", 3) == "3 Tage"
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith(
        "the de-DE translation of 'Welcome.' does not fit its placeholders"
    )
    assert "'It will be sunny in {city}.' does not fit its placeholders" in messages[1]


@pytest.mark.parametrize("count", ["3", 3.0, True, None])
def test_the_plural_count_is_an_int_in_every_language(locales: Path, count: Any) -> None:
    # gettext's own catalogs refuse another type; without a catalog (the source language) the
    # same mistake passed, to fail only in production in another language.
    for locale in ("de-DE", "en-US"):
        translator = Translations(locales).translator(locale)
        with pytest.raises(TypeError, match="the count of ngettext must be an int"):
            translator.ngettext("{n} day", "{n} days", count)
        with pytest.raises(TypeError, match="the count of npgettext must be an int"):
            translator.npgettext("days ahead", "{n} day", "{n} days", count)


def test_catalog_problems_are_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="is not a directory"):
        Translations(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigurationError, match="no catalog in"):
        Translations(tmp_path / "empty")
    catalog(tmp_path / "raw", "de", 'msgid "a"\nmsgstr "b"\n', compile_it=False)
    with pytest.raises(ConfigurationError, match="not compiled; run pybabel compile -d"):
        Translations(tmp_path / "raw")
    bad = tmp_path / "bad" / "de" / "LC_MESSAGES"
    bad.mkdir(parents=True)
    (bad / "messages.mo").write_bytes(b"not a catalog")
    with pytest.raises(ConfigurationError, match="not a compiled catalog"):
        Translations(tmp_path / "bad")
    with pytest.raises(ConfigurationError, match="default_locale"):
        Translations(tmp_path / "bad", default_locale="English")


@pytest.mark.parametrize(
    ("directory", "reason"),
    [
        # Each was read and never used (Alexa never sends en-UK), or skipped without a word, its
        # catalog with it (a name that is no locale as gettext writes one).
        ("en_UK", "did you mean en-GB?"),
        ("en-us", "did you mean en-US?"),
        ("en_us", "did you mean en-US?"),
        ("German", "did you mean 'de'"),
    ],
)
def test_a_catalog_no_request_can_reach_is_refused_at_start(
    tmp_path: Path, directory: str, reason: str
) -> None:
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    # Written as pybabel does, then named as a skill author might (Babel refuses "en-us").
    catalog(tmp_path / "made", "en", 'msgid "Hello."\nmsgstr "Hi."\n')
    (tmp_path / "made" / "en").rename(tmp_path / directory)
    (tmp_path / "made").rmdir()
    with pytest.raises(ConfigurationError) as raised:
        Translations(tmp_path)
    assert directory in str(raised.value) and reason in str(raised.value)
    assert "no request would ever be answered from it" in str(raised.value)


@pytest.mark.parametrize(
    ("directory", "reason"),
    [
        # gettext's and CLDR's names that are no locale of Alexa's, nor one mistyped: the old
        # code skipped them silently; a check at start stopped the skill on them.
        ("zh_Hans", "they are ar-SA"),
        ("sr_Latn", "they are ar-SA"),
        ("de_DE@formal", "its locales of that language: de-DE"),
        ("pt_BR.UTF-8", "its locales of that language: pt-BR"),
    ],
)
def test_a_catalog_named_as_gettext_may_but_alexa_never_does_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, directory: str, reason: str
) -> None:
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    catalog(tmp_path / "made", "en", 'msgid "Hello."\nmsgstr "Hi."\n')
    (tmp_path / "made" / "en").rename(tmp_path / directory)
    # Not compiled, a .po beside it is no reason to stop either: it is not read.
    catalog(tmp_path / "made", "en", 'msgid "Hello."\nmsgstr "Hi."\n', compile_it=False)
    (tmp_path / "made" / "en").rename(tmp_path / f"{directory}2")
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        translations = Translations(tmp_path)
    assert translations.locales == ("de",)
    said = [r.getMessage() for r in caplog.records if directory in r.getMessage()]
    assert len(said) == 2
    assert reason in said[0] and "not read" in said[0]


def test_a_request_in_a_language_without_a_catalog_is_logged_once(
    tmp_path: Path, skill_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    # Written in English with German catalogs, asked in fr-CA: English, as documented, and the
    # log says why once (it said nothing: the author saw English and could not tell why).
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    skill = Skill(SKILL_ID, translations=Translations(tmp_path))

    @skill.launch
    def launch() -> Response:
        return speak(_("Hello."))

    with caplog.at_level(logging.INFO, logger="alexaskill"):
        french = skill_client(skill, locale="fr-CA")
        assert [french.launch().speech for _ in range(2)] == ["Hello.", "Hello."]
        assert skill_client(skill, locale="de-DE").launch().speech == "Hallo."
        assert skill_client(skill, locale="en-GB").launch().speech == "Hello."
    said = [r.getMessage() for r in caplog.records if "no catalog" in r.getMessage()]
    assert said == [
        "translations: no catalog of fr for fr-CA requests (catalogs: de): their sentences are "
        "the default locale's, en-US"
    ]


def test_the_no_catalog_warning_stays_once_per_alexa_locale_past_the_cache(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The warning was once per cached translator: past 64 distinct locales (forged requests
    # can send any) nothing was cached, and every fr-FR request logged it again, and the
    # request's locale went into the log as sent.
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    translations = Translations(tmp_path)
    with caplog.at_level(logging.INFO, logger="alexaskill"):
        for number in range(100):
            translations.translator(f"x{number}-ZZ\nforged line")
        for _ in range(5):
            assert translations.translator("fr-FR").gettext("Hello.") == "Hello."
    said = [r.getMessage() for r in caplog.records if "no catalog" in r.getMessage()]
    assert said == [
        "translations: no catalog of fr for fr-FR requests (catalogs: de): their sentences are "
        "the default locale's, en-US"
    ]


def test_a_catalog_of_a_locale_alexa_does_not_serve_is_logged_as_unused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Austria is served by de-DE: a de_AT catalog is never looked in. Kept (the catalogs may
    # serve another program too), with a warning at start rather than silence.
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    catalog(tmp_path, "de_AT", 'msgid "Hello."\nmsgstr "Servus."\n')
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        translations = Translations(tmp_path)
    assert translations.translator("de-DE").gettext("Hello.") == "Hallo."
    [record] = [r for r in caplog.records if "de_AT" in r.getMessage()]
    assert "its locales of that language: de-DE" in record.getMessage()
    assert "no request will ever be answered from it" in record.getMessage()


def test_a_directory_without_a_catalog_is_left_alone(tmp_path: Path) -> None:
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "templates" / "LC_MESSAGES").mkdir(parents=True)
    assert Translations(tmp_path).locales == ("de",)


@pytest.mark.parametrize(
    ("default", "reason"),
    [
        ("en-UK", "did you mean en-GB?"),
        ("en_US", "did you mean en-US?"),
        ("de", "its locales of that language: de-DE"),
        ("xx-XX", "not a locale Alexa supports"),
    ],
)
def test_the_default_locale_is_one_of_alexas(tmp_path: Path, default: str, reason: str) -> None:
    # Each was taken: the chain still found catalogs, but the model of that "locale" could
    # not be built, and a de default named no locale at all.
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    with pytest.raises(ConfigurationError, match="default_locale") as raised:
        Translations(tmp_path, default_locale=default)
    assert reason in str(raised.value)


def test_a_skill_takes_the_catalog_directory(
    locales: Path, skill_client: Callable[..., TestClient]
) -> None:
    skill = Skill(SKILL_ID, translations=locales)
    assert skill.translations is not None
    assert skill.translations.default_locale == "en-US"

    @skill.launch
    def launch() -> Response:
        return speak(_("It will be sunny in {city}.", city="Bonn"))

    assert skill_client(skill, locale="de-DE").launch().speech == "In Bonn wird es sonnig."


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


def test_two_directories_of_one_locale_are_refused_not_one_silently_dropped(
    tmp_path: Path,
) -> None:
    # de-DE and de_DE are the same catalog name: one of them would never be read.
    catalog(tmp_path / "made", "de_DE", 'msgid "Hi"\nmsgstr "Hallo A"\n')
    locales = tmp_path / "locales"
    catalog(locales, "de_DE", 'msgid "Hi"\nmsgstr "Hallo B"\n')
    (locales / "de-DE").mkdir()
    (tmp_path / "made" / "de_DE" / "LC_MESSAGES").rename(locales / "de-DE" / "LC_MESSAGES")
    with pytest.raises(ConfigurationError, match=r"de-DE and .*de_DE.* are one locale's"):
        Translations(locales)


def test_a_catalog_in_an_unknown_charset_is_a_configuration_error(tmp_path: Path) -> None:
    catalog(tmp_path, "de", 'msgid "Hi"\nmsgstr "Hallo"\n')
    compiled = tmp_path / "de" / "LC_MESSAGES" / "messages.mo"
    data = compiled.read_bytes()
    spelt = data[data.lower().index(b"charset=utf-8") :][: len(b"charset=utf-8")]
    compiled.write_bytes(data.replace(spelt, b"charset=klingon"))
    with pytest.raises(ConfigurationError, match=r"not a compiled catalog.*klingon"):
        Translations(tmp_path)


@pytest.mark.parametrize("rule", ["plural=(n % 0);", "plural=(n % (n - 7) != 0);"])
def test_a_plural_rule_that_fails_for_a_count_is_refused_at_start(
    tmp_path: Path, rule: str
) -> None:
    # Else the first request with that count in that language got the apology, not its answer.
    catalog(tmp_path, "de", 'msgid "Hi"\nmsgstr "Hallo"\n', plural_forms=f"nplurals=2; {rule}")
    with pytest.raises(ConfigurationError, match=r"Plural-Forms.*fails for n="):
        Translations(tmp_path)


def test_n_is_exempt_from_the_placeholder_check_only_in_plural_forms(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A plural form may leave {n} out ("ein Tag"); a plain sentence's {n} is a value like any
    # other: dropped, the number was lost; added, "{n}" was spoken as written.
    catalog(
        tmp_path,
        "de",
        """\
        msgid "{n} items are left."
        msgstr "Es sind Artikel übrig."

        msgid "Welcome."
        msgstr "Willkommen, {n}."
        """,
    )
    german = Translations(tmp_path).translator("de-DE")
    assert len(caplog.records) == 2  # said at start too
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert german.gettext("{n} items are left.", n=3) == "3 items are left."
        assert german.gettext("Welcome.") == "Welcome."
        assert german.pgettext("shop", "{n} items are left.", n=2) == "2 items are left."
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2  # pgettext: no translation in that context, the source as is
    assert "'{n} items are left.' does not fit its placeholders (dropped: n)" in messages[0]
    assert "'Welcome.' does not fit its placeholders (added: n)" in messages[1]


def test_a_plural_rule_that_names_a_form_the_catalog_has_not_is_refused_at_start(
    tmp_path: Path,
) -> None:
    # Two forms, a rule that picks a third for n = 0 and n >= 3: every such count was spoken in
    # the source language, with no warning.
    catalog(
        tmp_path,
        "de",
        'msgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] "{n} Tag"\nmsgstr[1] "{n} Tage"\n',
        plural_forms="nplurals=2; plural=(n==1 ? 0 : n==2 ? 1 : 2);",
    )
    with pytest.raises(ConfigurationError, match=r"rule picks form 2 for n=0, outside nplurals=2"):
        Translations(tmp_path)


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


def test_a_translated_progressive_speech_amazon_refuses_is_refused_at_start(
    tmp_path: Path,
) -> None:
    # Only the source text was checked: a German translation over 600 characters was taken,
    # and each German request slow enough to get it logged that it was not sent. (Here, not in
    # test_app.py: .ci/run runs that file again at the dependency floors, without babel, which
    # the catalogs are compiled with.)
    catalog(tmp_path, "de_DE", f'msgid "Wait."\nmsgstr "{"x" * 600}"\n')
    catalog(tmp_path, "fr_FR", 'msgid "Wait."\nmsgstr "Attendez."\n')
    for translations in (Translations(tmp_path), str(tmp_path)):
        with pytest.raises(
            ConfigurationError, match=r"^progressive_speech in de-DE: .*limit is 600"
        ):
            Skill(SKILL_ID, progressive_speech="Wait.", translations=translations)
    # A translation within the limit, and a sentence no catalog translates, are taken.
    catalog(tmp_path, "de_DE", 'msgid "Wait."\nmsgstr "Warten Sie."\n')
    assert Skill(SKILL_ID, progressive_speech="Wait.", translations=Translations(tmp_path))
    assert Skill(SKILL_ID, progressive_speech="Hold on.", translations=Translations(tmp_path))


def test_a_translation_that_indexes_or_formats_a_value_wrongly_falls_back_to_the_source(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A translation naming the right placeholder but using it as its value cannot be used
    # ({t[0]} of a number, a format spec the value's type refuses) raised TypeError: the user
    # heard the apology instead of the source text, as for a KeyError or ValueError.
    catalog(
        tmp_path,
        "de",
        """\
        msgid "It is {t} degrees."
        msgstr "Es sind {t[0]} Grad."

        msgid "Hello {name}."
        msgstr "Hallo {name:>10}."
        """,
    )
    german = Translations(tmp_path).translator("de-DE")
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert german.gettext("It is {t} degrees.", t=21) == "It is 21 degrees."
        assert german.gettext("It is {t} degrees.", t=None) == "It is None degrees."
        assert german.gettext("Hello {name}.", name=None) == "Hello None."
        spoken = german.gettext("It is {t} degrees.", t=3, u=emphasis("x"))
        assert spoken == Ssml("It is 3 degrees.")
    # (Said once: the same line again within MISFIT_EVERY seconds is counted, not said.)
    assert caplog.text.count("de-DE translation of 'It is {t} degrees.' does not fit") == 1
    assert "(TypeError: " in caplog.text
    with pytest.raises(TypeError):  # the source text's own mistake stays the handler's bug
        german.gettext("Hi {name[0]}.", name=3)


def test_the_source_text_spoken_instead_of_a_broken_translation_writes_numbers_its_way(
    tmp_path: Path,
) -> None:
    # The values were written with the request language's marks before the translation was
    # tried, and kept them when it failed: an English source text said "3,5" to a German user
    # (README: "a sentence spoken in the source text keeps the default locale's way").
    catalog(tmp_path, "de", 'msgid "It is {t:,} degrees."\nmsgstr "Es sind {t:q} Grad."\n')
    catalog(tmp_path, "fr", 'msgid "Es sind {t:,} Grad."\nmsgstr "Il fait {t:q} degrés."\n')
    english = Translations(tmp_path).translator("de-DE")
    assert english.gettext("It is {t:,} degrees.", t=1234.5) == "It is 1,234.5 degrees."
    german = Translations(tmp_path, default_locale="de-DE").translator("fr-FR")
    assert german.gettext("Es sind {t:,} Grad.", t=1234.5) == "Es sind 1.234,5 Grad."


def test_catalogs_are_read_from_package_data_in_a_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A skill imported from a zip (a zipapp, a zipped package) finds its catalogs with
    # importlib.resources.files(), a Traversable that is no path: Translations and Skill refused
    # it (a bare TypeError), and importlib.resources.as_file cannot extract a directory (3.11).
    import importlib.resources
    import sys
    import zipfile

    package = tmp_path / "src" / "zipped_skill_i18n"
    catalog(package / "locales", "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    catalog(package / "locales", "fr", 'msgid "x"\nmsgstr "y"\n')
    (package / "__init__.py").write_text("")
    archive = tmp_path / "skill.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in sorted((tmp_path / "src").rglob("*")):
            if file.is_file():
                zipped.write(file, file.relative_to(tmp_path / "src").as_posix())
    monkeypatch.syspath_prepend(str(archive))
    monkeypatch.delitem(sys.modules, "zipped_skill_i18n", raising=False)
    folder = importlib.resources.files("zipped_skill_i18n") / "locales"
    assert not isinstance(folder, Path)  # a zipfile.Path: really read from the zip
    translations = Translations(folder)
    assert translations.locales == ("de", "fr")
    assert translations.translator("de-DE").gettext("Hello.") == "Hallo."
    skill = Skill(SKILL_ID, translations=folder)
    assert skill.translations is not None
    assert skill.translations.translator("de-DE").gettext("Hello.") == "Hallo."
    with pytest.raises(ConfigurationError, match=r"skill\.zip/zipped_skill_i18n/nothing"):
        Translations(importlib.resources.files("zipped_skill_i18n") / "nothing")
    # An uncompiled .po in the zip is named as one on disk is.
    with zipfile.ZipFile(archive, "a") as zipped:
        zipped.writestr("zipped_skill_i18n/other/it/LC_MESSAGES/messages.po", "")
    with pytest.raises(ConfigurationError, match=r"it/LC_MESSAGES/messages\.po not compiled"):
        Translations(zipfile.Path(archive, "zipped_skill_i18n/other/"))


def test_a_translation_that_does_not_fit_its_placeholders_is_logged_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # It was found only when a user's request spoke it (and the source text was said): a
    # translator's typo stayed unseen until then. Now each is logged as the catalogs are read,
    # naming the file, the sentence and the names (in a context too; a plural form may leave
    # {n} out).
    catalog(
        tmp_path,
        "de",
        """\
        msgid "It will be sunny in {city}."
        msgstr "In {stadt} wird es sonnig."

        msgctxt "shop"
        msgid "{count} items are left."
        msgstr "Es sind Artikel übrig."

        msgid "Hello {name}."
        msgstr "Hallo {name}."

        msgid "Broken."
        msgstr "Kaputt {."

        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "ein Tag"
        msgstr[1] "{n} Tage"
        """,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        Translations(tmp_path)
    messages = sorted(record.getMessage() for record in caplog.records)
    compiled = tmp_path / "de" / "LC_MESSAGES" / "messages.mo"
    fix = "; correct it in the .po and compile it again (pybabel compile)"
    assert messages == [
        f"translations: {compiled}: the translation of 'Broken.' does not fit its placeholders "
        "(a brace without its pair: write {{ or }} for one spoken); the source text is spoken "
        f"instead{fix}",
        f"translations: {compiled}: the translation of 'It will be sunny in {{city}}.' does not "
        "fit its placeholders (added: stadt; dropped: city); the source text is spoken "
        f"instead{fix}",
        f"translations: {compiled}: the translation of '{{count}} items are left.' does not fit "
        f"its placeholders (dropped: count); the source text is spoken instead{fix}",
    ]


#: Read by the translation below through a value's attributes (it must never be spoken).
TOKEN_FOR_THE_TEST = "secret-token-0001"


def test_a_translation_reaches_only_what_its_source_reaches_in_a_value(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Only a field's first name was compared with the source's: a translation could follow
    # any attribute or index of a value ({w.__init__.__globals__[...]}) and speak a module's
    # secrets, or another field of the value than the one the source text said.
    class Weather:
        def __init__(self, temp: float, wind: float) -> None:
            self.temp = temp
            self.wind = wind

    catalog(
        tmp_path,
        "de",
        """\
        msgid "It is {w.temp} degrees."
        msgstr "Es sind {w.__init__.__globals__[TOKEN_FOR_THE_TEST]} Grad."

        msgid "Wind {w.wind} km/h."
        msgstr "Wind {w.temp} km/h."

        msgid "{w.temp} degrees, {p[0]} euros."
        msgstr "{w.temp:.1f} Grad, {p[0]} Euro."
        """,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        german = Translations(tmp_path).translator("de-DE")
        weather = Weather(3.5, 20)
        assert german.gettext("It is {w.temp} degrees.", w=weather) == "It is 3.5 degrees."
        assert german.gettext("Wind {w.wind} km/h.", w=weather) == "Wind 20 km/h."
        spoken = german.gettext("{w.temp} degrees, {p[0]} euros.", w=weather, p=[2.5])
        assert spoken == "3,5 Grad, 2,5 Euro."  # the same fields, formatted otherwise: taken
    assert TOKEN_FOR_THE_TEST not in caplog.text
    assert "(added: w.__init__.__globals__[TOKEN_FOR_THE_TEST]; dropped: w.temp)" in caplog.text
    assert "(added: w.temp; dropped: w.wind)" in caplog.text


def test_a_translation_names_no_other_value_in_a_format_spec(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A field inside a format spec ({t:{x}}) is filled too, and was not compared with the
    # source's: a translation could read any value there (the error then logged it).
    class Weather:
        def __init__(self) -> None:
            self.temp = 3.5

    catalog(
        tmp_path,
        "de",
        """\
        msgid "It is {w.temp} degrees."
        msgstr "Es sind {w.temp:{w.__init__.__globals__[TOKEN_FOR_THE_TEST]}} Grad."

        msgid "It is {t:{width}} degrees."
        msgstr "Es sind {t:{width}} Grad."
        """,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        german = Translations(tmp_path).translator("de-DE")
        assert german.gettext("It is {w.temp} degrees.", w=Weather()) == "It is 3.5 degrees."
        assert german.gettext("It is {t:{width}} degrees.", t=2, width=">3") == "Es sind   2 Grad."
    assert TOKEN_FOR_THE_TEST not in caplog.text
    assert "(added: w.__init__.__globals__[TOKEN_FOR_THE_TEST])" in caplog.text


def test_a_locale_whose_language_has_a_catalog_of_another_region_is_told_how_to_reach_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A fr_FR catalog serves fr-FR alone (fr-CA looks in fr_CA, then fr). The WARNING said "no
    # catalog of fr for fr-CA requests (catalogs: fr-FR)", a contradiction that left the author
    # to guess; it names the catalog that is not reached and the directory name that would be.
    catalog(tmp_path, "fr_FR", 'msgid "Hello."\nmsgstr "Bonjour."\n')
    catalog(tmp_path, "es", 'msgid "Hello."\nmsgstr "Hola."\n')
    translations = Translations(tmp_path)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert translations.translator("fr-CA").gettext("Hello.") == "Hello."
        assert translations.translator("pt-BR").gettext("Hello.") == "Hello."
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        "translations: no catalog of fr for fr-CA requests (catalogs: es, fr-FR): their "
        "sentences are the default locale's, en-US; the fr-FR catalog serves fr-FR requests "
        "alone: name its directory fr to serve every locale of that language, or add fr_CA",
        "translations: no catalog of pt for pt-BR requests (catalogs: es, fr-FR): their "
        "sentences are the default locale's, en-US",
    ]


def test_a_translation_that_does_not_fit_says_what_to_do_and_names_a_stray_brace(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A translation whose braces do not pair ("Kaputt {.") was said as "(added: {)", as if it
    # named a placeholder "{"; and neither line said where to mend it (the .mo is compiled).
    catalog(
        tmp_path,
        "de",
        """\
        msgid "Broken in {city}."
        msgstr "Kaputt in {city {."

        msgid "It will be sunny in {city}."
        msgstr "In {stadt} wird es sonnig."
        """,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        german = Translations(tmp_path).translator("de-DE")
        at_start = sorted(record.getMessage() for record in caplog.records)
        caplog.clear()
        assert german.gettext("Broken in {city}.", city="Bonn") == "Broken in Bonn."
        (spoken,) = [record.getMessage() for record in caplog.records]
    fix = "; correct it in the .po and compile it again (pybabel compile)"
    compiled = tmp_path / "de" / "LC_MESSAGES" / "messages.mo"
    brace = "a brace without its pair: write {{ or }} for one spoken"
    assert at_start == [
        f"translations: {compiled}: the translation of 'Broken in {{city}}.' does not fit its "
        f"placeholders ({brace}); the source text is spoken instead{fix}",
        f"translations: {compiled}: the translation of 'It will be sunny in {{city}}.' does not "
        "fit its placeholders (added: stadt; dropped: city); the source text is spoken "
        f"instead{fix}",
    ]
    assert spoken == (
        f"the de-DE translation of 'Broken in {{city}}.' does not fit its placeholders "
        f"({brace}); the source text is spoken instead{fix}"
    )


def test_a_plural_form_that_does_not_fit_its_placeholders_is_logged_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Plural forms were checked only when spoken (the compiled catalog as gettext reads it
    # keeps no plural source text): a translator's typo in one stayed unseen until a user's
    # request hit it. Each form is checked at start now against its source ({n} may be left
    # out), in a context too; forms that fit are not logged.
    catalog(
        tmp_path,
        "de",
        """\
        msgid "{n} day in {city}"
        msgid_plural "{n} days in {city}"
        msgstr[0] "ein Tag in {city}"
        msgstr[1] "{n} Tage in {stadt}"

        msgctxt "shop"
        msgid "{n} item for {name}"
        msgid_plural "{n} items for {name}"
        msgstr[0] "{n} Artikel für {name"
        msgstr[1] "{n} Artikel für {name}"

        msgid "{n} week"
        msgid_plural "{n} weeks"
        msgstr[0] "eine Woche"
        msgstr[1] "{n} Wochen"
        """,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        german = Translations(tmp_path).translator("de-DE")
    compiled = tmp_path / "de" / "LC_MESSAGES" / "messages.mo"
    fix = "; correct it in the .po and compile it again (pybabel compile)"
    assert sorted(record.getMessage() for record in caplog.records) == [
        f"translations: {compiled}: the translation of '{{n}} day in {{city}}' does not fit its "
        f"placeholders (msgstr[1]: added: stadt; dropped: city); the source text is spoken "
        f"instead{fix}",
        f"translations: {compiled}: the translation of '{{n}} item for {{name}}' does not fit "
        "its placeholders (msgstr[0]: a brace without its pair: write {{ or }} for one spoken); "
        f"the source text is spoken instead{fix}",
    ]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="alexaskill"):  # as when spoken, as before
        assert german.ngettext("{n} day in {city}", "{n} days in {city}", 1, city="Rom") == (
            "ein Tag in Rom"
        )
        assert german.ngettext("{n} day in {city}", "{n} days in {city}", 2, city="Rom") == (
            "2 days in Rom"
        )
    assert len(caplog.records) == 1


def test_a_translation_that_does_not_fit_is_not_logged_on_every_request(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Said at start, then again each time the sentence was spoken: a sentence of every request
    # wrote a WARNING beside every request line. Once a minute a sentence now, with the count.
    catalog(
        tmp_path,
        "de",
        """\
        msgid "Hello {name}."
        msgstr "Hallo {nme}."

        msgid "It is {t} degrees."
        msgstr "Es sind {t[0]} Grad."
        """,
    )
    german = Translations(tmp_path).translator("de-DE")
    caplog.clear()  # (the lines said at start)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        for _ in range(5):
            assert german.gettext("Hello {name}.", name="Ada") == "Hello Ada."
            assert german.gettext("It is {t} degrees.", t=3) == "It is 3 degrees."
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 2, said
    assert said[0].startswith("the de-DE translation of 'Hello {name}.' does not fit")
    assert said[1].startswith("the de-DE translation of 'It is {t} degrees.' does not fit")


@pytest.mark.parametrize("cut", [12, 30, -3])
def test_a_truncated_or_corrupt_catalog_is_a_configuration_error_not_a_traceback(
    tmp_path: Path, cut: int
) -> None:
    # gettext reads a .mo whose header or tables end early (a copy cut short, a table offset
    # past the file) with struct.unpack, whose struct.error is no OSError or ValueError: the
    # start ended in a traceback instead of naming the catalog and how to make it again.
    catalog(tmp_path, "de", 'msgid "Hi"\nmsgstr "Hallo"\n')
    compiled = tmp_path / "de" / "LC_MESSAGES" / "messages.mo"
    data = compiled.read_bytes()
    if cut < 0:  # the translations' table said to start past the file's end
        data = data[:16] + (len(data) + 100).to_bytes(4, "little") + data[20:]
    else:
        data = data[:cut]
    compiled.write_bytes(data)
    with pytest.raises(ConfigurationError, match=r"messages\.mo is not a compiled catalog"):
        Translations(tmp_path)


def test_a_big_endian_catalogs_plural_forms_are_checked_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # GNU msgfmt on a big-endian machine writes the .mo's numbers big-endian; gettext reads
    # either. The plural forms' start-time check reads the file itself: the same catalog,
    # its numbers swapped, says the same (and is read, not a traceback).
    import struct

    catalog(
        tmp_path,
        "de",
        'msgid "{n} day in {city}"\nmsgid_plural "{n} days in {city}"\n'
        'msgstr[0] "ein Tag in {city}"\nmsgstr[1] "{n} Tage in {stadt}"\n',
    )
    compiled = tmp_path / "de" / "LC_MESSAGES" / "messages.mo"
    data = compiled.read_bytes()
    assert data[:4] == b"\xde\x12\x04\x95"  # little-endian, as babel writes it
    count, originals, translations, hashes, hashed = struct.unpack("<5I", data[8:28])
    head = (0x950412DE, 0, count, originals, translations, hashes, hashed)
    tables = struct.unpack_from(f"<{4 * count}I", data, originals)
    assert translations == originals + 8 * count and hashes == 0
    swapped = bytearray(data)
    swapped[:28] = struct.pack(">7I", *head)
    swapped[originals : originals + 16 * count] = struct.pack(f">{4 * count}I", *tables)
    compiled.write_bytes(bytes(swapped))
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        german = Translations(tmp_path).translator("de-DE")
    assert [record.getMessage() for record in caplog.records] == [
        f"translations: {compiled}: the translation of '{{n}} day in {{city}}' does not fit its "
        "placeholders (msgstr[1]: added: stadt; dropped: city); the source text is spoken "
        "instead; correct it in the .po and compile it again (pybabel compile)"
    ]
    assert german.ngettext("{n} day in {city}", "{n} days in {city}", 1, city="Rom") == (
        "ein Tag in Rom"
    )


FRENCH_PLURAL = "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"


def _said_of_a_french_day_plural_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, form: str
) -> None:
    """Assert what the start of the French catalog in ``tmp_path`` logged, and nothing else:
    its '{n} day' with msgstr[2] ``form`` ("empty" or "missing"); and that, compiled, it
    speaks English for n=2."""
    po = tmp_path / "fr" / "LC_MESSAGES" / "messages.po"
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        french = Translations(tmp_path).translator("fr-FR")
    assert french.ngettext("{n} day", "{n} days", 2) == "2 days"  # what compile made of it
    assert [record.getMessage() for record in caplog.records] == [
        f"translations: {po}: msgstr[2] of '{{n}} day' is {form}, beside forms filled: pybabel "
        "compile puts the source text's plural there, and users of this catalog hear it (n=2, "
        "say); fill it and compile again"
    ]


def test_a_plural_form_left_empty_beside_filled_ones_is_logged_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # pybabel compile writes the English plural in an empty msgstr[…] of an entry whose other
    # forms are filled, without an error: French users heard "2 days", and no log said so.
    catalog(
        tmp_path,
        "fr",
        """\
        #, fuzzy
        msgid "{n} week"
        msgid_plural "{n} weeks"
        msgstr[0] "{n} semaine"
        msgstr[1] ""
        msgstr[2] ""

        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} jour"
        msgstr[1] "{n} de jours"
        msgstr[2] ""

        msgid "{n} minute"
        msgid_plural "{n} minutes"
        msgstr[0] "{n} minute"
        msgstr[1] "{n} de minutes"
        msgstr[2] "{n} minutes"

        msgid "{n} hour"
        msgid_plural "{n} hours"
        msgstr[0] ""
        msgstr[1] ""
        msgstr[2] ""

        #~ msgid "{n} year"
        #~ msgid_plural "{n} years"
        #~ msgstr[0] "{n} an"
        #~ msgstr[1] ""
        #~ msgstr[2] ""
        """,
        FRENCH_PLURAL,
    )
    _said_of_a_french_day_plural_at_start(tmp_path, caplog, "empty")


def test_empty_plural_forms_are_read_from_the_po_as_written() -> None:
    from alexaskill.i18n_forms import empty_forms

    po = (
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n'
        'msgctxt "ahead"\nmsgid "{n} day"\nmsgid_plural "{n} days"\n'
        'msgstr[0] "{n} jour"\nmsgstr[1] ""\n"{n} de jours"\nmsgstr[2] ""\n'
        'msgid ""\n"{n} week"\nmsgid_plural "{n} weeks"\nmsgstr[0] "{n} semaine"\n'
        'msgstr[1] "{n} de semaines"\nmsgstr[2] ""'  # no blank lines, no final line break
    )
    assert list(empty_forms(po)) == [("{n} day", [2]), ("{n} week", [2])]


def test_a_plural_form_past_the_catalogs_nplurals_is_not_said_to_be_heard(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A msgstr[2] left in a German entry (nplurals=2): no count picks it, pybabel compile drops
    # it, no user hears it; the start said "users of this catalog hear it; fill it".
    catalog(
        tmp_path,
        "de",
        """\
        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} Tag"
        msgstr[1] "{n} Tage"
        msgstr[2] ""

        msgid "{n} week"
        msgid_plural "{n} weeks"
        msgstr[0] "{n} Woche"
        msgstr[1] ""
        """,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        german = Translations(tmp_path).translator("de-DE")
    assert german.ngettext("{n} day", "{n} days", 2) == "2 Tage"
    said = [record.getMessage() for record in caplog.records if "is empty" in record.getMessage()]
    assert len(said) == 1 and "msgstr[1] of '{n} week'" in said[0] and "(n=0, say)" in said[0]


def test_a_fuzzy_flag_of_an_obsolete_entry_is_not_the_next_entrys(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The "#, fuzzy" before an obsolete "#~" entry was kept for the entry after it, whose empty
    # form then went unreported (a fuzzy entry is not compiled): French users heard "2 days".
    catalog(
        tmp_path,
        "fr",
        """\
        #, fuzzy
        #~ msgid "{n} year"
        #~ msgid_plural "{n} years"
        #~ msgstr[0] "{n} an"
        #~ msgstr[1] ""
        #~ msgstr[2] ""

        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} jour"
        msgstr[1] "{n} de jours"
        msgstr[2] ""
        """,
        FRENCH_PLURAL,
    )
    _said_of_a_french_day_plural_at_start(tmp_path, caplog, "empty")


def test_a_plural_form_missing_from_an_entry_is_logged_as_an_empty_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # No msgstr[2] line at all in a French entry: pybabel compile writes the English plural
    # for it as for an empty one, and nothing said so.
    catalog(
        tmp_path,
        "fr",
        """\
        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} jour"
        msgstr[1] "{n} de jours"
        """,
        FRENCH_PLURAL,
    )
    _said_of_a_french_day_plural_at_start(tmp_path, caplog, "missing")


def test_an_untranslated_plural_entry_that_hides_a_translation_further_on_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Every msgstr of a plural entry left empty in fr_CA: pybabel compile writes the English
    # forms, found before fr's translation, and fr-CA users heard "3 hours" with no warning.
    hours = 'msgid "{n} hour"\nmsgid_plural "{n} hours"\n'
    catalog(
        tmp_path,
        "fr",
        hours + 'msgstr[0] "{n} heure"\nmsgstr[1] "{n} d\'heures"\nmsgstr[2] "{n} heures"\n\n'
        'msgctxt "ahead"\n' + hours + 'msgstr[0] "x"\nmsgstr[1] "y"\nmsgstr[2] "z"\n',
        FRENCH_PLURAL,
    )
    catalog(
        tmp_path,
        "fr_CA",
        # The untranslated ones fr has no translation of, or translates in another context,
        # hide nothing: not logged (a .po fresh from pybabel update is full of them).
        hours + 'msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n\n'
        'msgid "{n} week"\nmsgid_plural "{n} weeks"\nmsgstr[0] ""\nmsgstr[1] ""\n\n'
        'msgctxt "behind"\n' + hours + 'msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n',
        FRENCH_PLURAL,
    )
    po = tmp_path / "fr_CA" / "LC_MESSAGES" / "messages.po"
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        translations = Translations(tmp_path)
    assert translations.translator("fr-CA").ngettext("{n} hour", "{n} hours", 3) == "3 hours"
    assert [record.getMessage() for record in caplog.records] == [
        f"translations: {po}: every msgstr of '{{n}} hour' is empty: pybabel compile puts the "
        "source text there, and users of this catalog hear it instead of the fr catalog's "
        "translation; fill them, or delete the entry, and compile again"
    ]


def test_a_value_the_source_text_cannot_take_is_not_blamed_on_the_translation(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A handler's str given to "{v:.1f}" failed in the translation first, and the log said the
    # German translation did not fit its placeholders: the translator was sent to fix a .po
    # that is right. The handler's mistake is raised, and nothing said of the translation.
    catalog(tmp_path, "de", 'msgid "{v:.1f} cups"\nmsgstr "{v:.1f} Tassen"\n')
    german = Translations(tmp_path).translator("de-DE")
    assert german.gettext("{v:.1f} cups", v=2.5) == "2,5 Tassen"
    with (
        caplog.at_level(logging.WARNING, logger="alexaskill"),
        pytest.raises(ValueError, match="format code"),
    ):
        german.gettext("{v:.1f} cups", v="2.5")
    assert caplog.records == []


def test_an_untranslated_plural_entry_its_mo_leaves_out_hides_nothing_and_is_not_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # GNU msgfmt leaves an untranslated entry out of the .mo (pybabel compile alone writes it
    # as English), and so does a .mo compiled before `pybabel update` added the entry to the
    # .po: fr-CA users hear fr's translation, and the log said they heard the English.
    hours = 'msgid "{n} hour"\nmsgid_plural "{n} hours"\n'
    minutes = 'msgctxt "ahead"\nmsgid "{n} minute"\nmsgid_plural "{n} minutes"\n'
    catalog(
        tmp_path,
        "fr",
        hours
        + 'msgstr[0] "{n} heure"\nmsgstr[1] "{n} d\'heures"\nmsgstr[2] "{n} heures"\n\n'
        + minutes
        + 'msgstr[0] "{n} minute"\nmsgstr[1] "{n} de minutes"\nmsgstr[2] "{n} minutes"\n',
        FRENCH_PLURAL,
    )
    untranslated = 'msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n'
    # Its .mo holds the entry in a context (pybabel compile wrote it), not the other.
    catalog(tmp_path, "fr_CA", minutes + untranslated, FRENCH_PLURAL)
    catalog(
        tmp_path,
        "fr_CA",
        hours + untranslated + "\n" + minutes + untranslated,
        FRENCH_PLURAL,
        compile_it=False,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        translations = Translations(tmp_path)
    canadian = translations.translator("fr-CA")
    assert canadian.ngettext("{n} hour", "{n} hours", 3) == "3 heures"
    assert canadian.npgettext("ahead", "{n} minute", "{n} minutes", 3) == "3 minutes"
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 1 and "every msgstr of '{n} minute' is empty" in said[0], said
