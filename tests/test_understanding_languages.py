"""Languages understanding knows: the English locales, and a `Language` of one's own made
and checked as `register_language` registers it (its replies, contractions, optional members).
Wake words' own (places, query words): test_understanding_wake_words.py."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from alexaskill.exceptions import ConfigurationError
from alexaskill.understanding import InteractionModel, Understander, load_model, supported_locales
from alexaskill.understanding.languages import (
    _CACHE,
    _FACTORIES,
    language_for,
    register_language,
    resolving_language,
)
from alexaskill.understanding.languages.english import English

from .understanding_shared import MODEL_FILE, NOW, english_without


@contextlib.contextmanager
def _unregistered_after(*locales: str) -> Iterator[None]:
    """Within it a test registers ``locales``; after it, none of them is known."""
    try:
        yield
    finally:
        for locale in locales:
            _FACTORIES.pop(locale, None)
            _CACHE.pop(locale, None)


def _refused_saying(members: dict[str, Any], said: str, name: str = "Odd") -> None:
    """Registering English with ``members`` (a class ``name``) for "zw-ZW" is refused, the error
    matching ``said``, and leaves the locale unregistered."""
    factory = type(name, (English,), members)
    with _unregistered_after("zw-ZW"):
        with pytest.raises(ConfigurationError, match=said):
            register_language(factory, ["zw-ZW"])
        assert "zw-ZW" not in supported_locales()


def test_english_locales_and_a_clear_error_for_others() -> None:
    assert {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"} <= set(supported_locales())
    model = load_model(MODEL_FILE)
    assert Understander(model, locale="en-AU").understand("track my order").intent == "TrackOrder"
    with pytest.raises(ConfigurationError, match=r"de-DE.*does not know this language"):
        Understander(model, locale="de-DE")


def test_a_language_registered_first_leaves_english_known() -> None:
    # The built-in languages were registered only while none was: a `register_language` call
    # before the first understanding made English unknown ("locale 'en-US': ... does not know
    # this language yet (it knows fr-FR)"). A registered locale stays the registered one's.
    code = (
        "from alexaskill.understanding.languages import language_for, register_language\n"
        "from alexaskill.understanding.languages.english import English\n"
        "class French(English): pass\n"
        "register_language(French, ['fr-FR', 'en-GB'])\n"
        "assert type(language_for('en-US')) is English, language_for('en-US')\n"
        "assert type(language_for('en-GB')) is French, language_for('en-GB')\n"
        "assert type(language_for('fr-FR')) is French, language_for('fr-FR')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8"
    )
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("replies", [{"yeah"}, {"o.k."}, {"yep", "yeah", "o.k.", "nah"}])
def test_a_language_whose_replies_hold_a_word_never_read_is_refused_when_registered(
    replies: set[str],
) -> None:
    # A `replies` word is read only by cut.py's `_code_letters`, whose length check decides
    # first: a word of more than three letters was registered and silently never read.
    locale = "zw-ZW"
    factory = type("Replying", (English,), {"replies": frozenset(replies)})
    unread = ", ".join(repr(word) for word in sorted(w for w in replies if w not in {"yep", "nah"}))
    with _unregistered_after(locale, "zw-ZV"):
        with pytest.raises(ConfigurationError, match=rf"'zw-ZW'.*replies.*{re.escape(unread)}"):
            register_language(factory, [locale, "zw-ZV"])
        assert "zw-ZW" not in supported_locales() and "zw-ZV" not in supported_locales()
        with pytest.raises(ConfigurationError, match="does not know this language"):
            language_for(locale)


@pytest.mark.parametrize("word", ["Yep", "NAH", "\uff59\uff45\uff53"])
def test_a_reply_word_never_written_as_words_are_read_is_refused_when_registered(
    word: str,
) -> None:
    # The words said are read casefolded and NFKC-normalised (text.tokenize): "Yep", "NAH" and
    # a full-width "yes" never equal one, yet passed the check as words of three letters.
    _refused_saying(
        {"replies": frozenset({"nah", word})},
        rf"'zw-ZW'.*replies.*{re.escape(repr(word))}",
        "Replying",
    )


def test_a_reply_word_holding_a_combining_mark_is_refused_saying_so() -> None:
    # Hindi "haan" (yes): its vowel sign and candrabindu are combining marks, no letters to
    # str.isalpha, which cut.py asks of a code's letters, so no Devanagari word with a vowel
    # sign can be registered; the error said it was no word of 2 to 3 letters, not why.
    word, mark = "\u0939\u093e\u0901", "\u093e"
    why = re.escape(f"{word!r} holds {mark!r} (U+{ord(mark):04X}): a combining mark")
    _refused_saying(
        {"replies": frozenset({"nah", word})}, rf"'zw-ZW'.*replies.*{why}.*str\.isalpha", "Replying"
    )


@pytest.mark.parametrize(
    ("contractions", "key", "why"),
    [
        ({("name", "is"): "name's"}, "('name', 'is')", '"name\'s", a string'),
        ({("name", "is"): ("name's", "names"), ("i", "am"): "im"}, "('i', 'am')", "'im', a string"),
        ({"name is": ("name's",)}, "'name is'", "its key 'name is', a string"),
        # An empty key was read at every place of every sample, an empty form list was none.
        ({(): ("um",)}, "()", "its key (), no words"),
        ({("name", "is"): ()}, "('name', 'is')", "is (), no form"),
        # A word that is no string was never said (1), or broke the first understanding (None).
        ({("name", 1): ("x",)}, "('name', 1)", "1 in its key, no string"),
        ({("name", "is"): ("name's", None)}, "('name', 'is')", "None among its forms, no string"),
        ({("name", "is"): ["name's"]}, "('name', 'is')", 'is ["name\'s"], no tuple'),
        # A word no turn says as written was never read: an empty form, a form of two words, a
        # key in upper case (words said are read in lower case).
        ({("name", "is"): ("name's", "")}, "('name', 'is')", "'' among its forms, no word said"),
        ({("name", "is"): ("name s",)}, "('name', 'is')", "'name s' among its forms, no word"),
        ({("Name", "is"): ("name's",)}, "('Name', 'is')", "'Name' in its key, no word said"),
        # A key word the language rewrites ("what's" → "what is") is in no sample rewritten so.
        (
            {("what's",): ("whats",)},
            '("what\'s",)',
            "\"what's\" in its key, which its rewrites make ('what', 'is')",
        ),
    ],
)
def test_a_language_whose_contractions_hold_no_tuple_of_words_is_refused_when_registered(
    contractions: dict[Any, Any], key: str, why: str
) -> None:
    # Language.contractions maps a sample's words to a tuple of forms: a language written for
    # the older string form ("name's") was registered, and each of its letters read as a form
    # ("my n {name}", "my a {name}", ...), with no error; a key "name is" was never read. An
    # empty tuple, or one holding no string, was registered too.
    said = rf"'zw-ZW'.*Contracting\.contractions.*{re.escape(key)}.*{re.escape(why)}.*tuple"
    _refused_saying({"contractions": contractions}, said, "Contracting")


def test_a_language_without_contractions_has_none() -> None:
    # Added to the interface as a member every language had to name: one written before it was
    # registered, then raised AttributeError reading the first sample, as no optional one does.
    locale = "zw-ZW"
    with _unregistered_after(locale):
        register_language(english_without("contractions"), [locale])
        assert language_for(locale).contractions == {}
        slot = {"name": "name", "type": "AMAZON.FirstName"}
        intent = {"name": "Meet", "slots": [slot], "samples": ["my name is {name}"]}
        model = InteractionModel.from_json(
            {"interactionModel": {"languageModel": {"invocationName": "x", "intents": [intent]}}}
        )
        understood = Understander(model, locale=locale).understand("my name is mary", now=NOW)
        assert [(slot.name, slot.value) for slot in understood.slots] == [("name", "mary")]


def test_a_language_naming_no_contractions_cannot_change_another_s() -> None:
    # The default, {}, was one dict, the interface's, shared by every language naming none (and
    # _Unknown's rewrites and contractions by every unknown locale): set in one, read in all.
    with _unregistered_after("zw-ZW", "zx-ZX"):
        register_language(english_without("contractions"), ["zw-ZW", "zx-ZX"])
        known = [language_for(locale) for locale in ("zw-ZW", "zx-ZX")]
        unknown = [resolving_language(locale)[0] for locale in ("zy-ZY", "zz-ZZ")]
        pairs: list[tuple[Any, Any]] = [
            (one.contractions, two.contractions) for one, two in [known, unknown]
        ]
        for mine, other in [*pairs, (unknown[0].rewrites, unknown[1].rewrites)]:
            with contextlib.suppress(TypeError):
                mine["x"] = ("y",)
            try:
                assert "x" not in other
            finally:
                if isinstance(mine, dict):  # (the old shared default: left as it was)
                    mine.pop("x", None)


def test_a_language_whose_replies_are_all_read_is_registered() -> None:
    locale = "zw-ZW"
    factory = type("Replying", (English,), {"replies": frozenset({"yep", "nah", "ja"})})
    with _unregistered_after(locale):
        register_language(factory, [locale])
        assert language_for(locale).replies == {"yep", "nah", "ja"}
        assert language_for(locale).contractions == {("name", "is"): ("name's", "names")}


@pytest.mark.parametrize(
    ("words", "said"),
    [
        # Words said are read in lower case: "Alexa" never matched one.
        ({"alexa", "Computer"}, "holds 'Computer', no word said as written.*write 'computer'"),
        ({"alexa", "hey alexa"}, "holds 'hey alexa', no word said as written.*one word"),
        ({"alexa", ""}, "holds '', no word said as written"),
        ({"alexa", None}, "holds None, no string"),
    ],
)
def test_a_language_whose_wake_words_hold_a_word_no_turn_says_is_refused(
    words: set[Any], said: str
) -> None:
    # Language.wake_words was never checked: an upper-case wake word was registered and never
    # matched a word said, as a contraction's or a wake word place's would have been refused.
    members = {"wake_words": frozenset(words), "query_wake_words": frozenset()}
    _refused_saying(members, rf"'zw-ZW'.*Odd\.wake_words {said}")


@pytest.mark.parametrize(
    ("rewrites", "said"),
    [
        ({"What's": ("what", "is")}, 'holds the key "What\'s", no word said as written.*write '),
        ({"what is": ("what", "is")}, "holds the key 'what is', no word said as written"),
        ({1: ("one",)}, "holds the key 1, no string"),
        ({"what's": ("What", "is")}, r"\[\"what's\"\] holds 'What', no word said as written"),
        ({"what's": ()}, r"\[\"what's\"\] is \(\), no words"),
        ({"what's": ("what", None)}, r"\[\"what's\"\] holds None, no string"),
        ({"what's": ["what", "is"]}, r"\[\"what's\"\] is \['what', 'is'\], no tuple"),
        # Rewritten once: a word its own rewrites rewrite was never matched ("an" is "a").
        ({"an": ("a",), "yonder": ("an", "other")}, r"\['yonder'\] holds 'an', which .*\('a',\)"),
    ],
)
def test_a_language_whose_rewrites_hold_no_word_said_is_refused(
    rewrites: dict[Any, Any], said: str
) -> None:
    # Language.rewrites was never checked: a key in upper case was never looked up (the words
    # said are read in lower case), a word of a rewrite in upper case never matched a sample's.
    _refused_saying({"rewrites": rewrites}, rf"'zw-ZW'.*Odd\.rewrites.*{said}")


def test_a_contraction_form_its_rewrites_rewrite_is_refused() -> None:
    # "what's" is rewritten "what is" before a turn is read: a form "what's" was never seen,
    # yet registered, where a key holding it was refused.
    said = r"Odd\.contractions\[\('what', 'is'\)\] holds \"what's\" among its forms, which its "
    _refused_saying({"contractions": {("what", "is"): ("what's",)}}, said)


@pytest.mark.parametrize(
    ("member", "value", "meant"),
    [
        ("replies", "yep", "frozenset({'yep'})"),
        ("wake_words", "alexa echo", "frozenset({'alexa', 'echo'})"),
        ("query_wake_words", "amazon", "frozenset({'amazon'})"),
        ("wake_word_places", "echo park", "frozenset({('echo', 'park')})"),
        ("fillers", "um", "frozenset({'um'})"),
        ("launch_verbs", "open", "(('open',),)"),
        ("contractions", "name's", "a mapping"),
        ("rewrites", "what's", "a mapping"),
    ],
)
def test_a_set_given_as_a_string_is_refused_saying_so(member: str, value: str, meant: str) -> None:
    # `register_language` named only its first letter ("holds 'y'"), or none: a string is a
    # sequence of its letters, and "um" in "umbrella"'s letters... A string is said whole.
    said = rf"Odd\.{member} is a string, {re.escape(repr(value))}: .*{re.escape(meant)}"
    _refused_saying({member: value}, said)


def test_a_set_given_as_none_is_refused_saying_so() -> None:
    # `x in None` raised TypeError at the first understanding, as `None.items()` did.
    _refused_saying({"fillers": None}, r"Odd\.fillers is no set, None: it is a collection")
    _refused_saying({"rewrites": None}, r"Odd\.rewrites is no mapping, None: it is a mapping")


def test_a_hesitation_that_is_no_pure_filler_is_refused() -> None:
    # Only a filler is ever left out: a hesitation "like" stayed in every value it was said in.
    assert English("en-US").hesitations <= English("en-US").pure_fillers
    said = r"Odd\.hesitations holds 'like', none of its pure_fillers"
    _refused_saying({"hesitations": frozenset({"um", "like"})}, said)


def test_a_language_lacking_a_member_every_language_names_is_refused_saying_so() -> None:
    # register_language read every member to check its kind: one lacking "negations" (no
    # default) raised AttributeError out of it; one lacking an optional member has its default.
    locale = "zw-ZW"
    with _unregistered_after(locale):
        with pytest.raises(ConfigurationError, match=r"'zw-ZW': Without has no negations: every"):
            register_language(english_without("negations"), [locale])
        assert locale not in supported_locales()
        register_language(english_without("hesitations"), [locale])
        assert language_for(locale).hesitations == frozenset()


@pytest.mark.parametrize(
    "members",
    [
        {"fillers": " ".join(f"w{at}" for at in range(3000))},
        {"rewrites": {"x": " ".join(f"w{at}" for at in range(3000))}},
        {"contractions": {("name", "is"): "x" * 5000}},
        {"wake_word_places": frozenset({"echo " + "y" * 5000})},
        {"query_wake_words": frozenset({"z" * 5000})},
    ],
)
def test_a_long_value_refused_is_shown_cut(members: dict[str, Any]) -> None:
    # The value was shown cut, and the set to write after it whole: 26,153 characters for
    # 3,000 fillers given as one string; a place's name or contraction form whole, 10,000.
    factory = type("Odd", (English,), members)
    with pytest.raises(ConfigurationError) as refused:
        register_language(factory, ["zw-ZW"])
    assert "…" in str(refused.value)
    assert len(str(refused.value)) < 800, str(refused.value)
    assert "zw-ZW" not in supported_locales()
