"""The article before a name in a message's words (alexaskill/articles.py): by the name's sound.

Its names: a request's type (``request.type``, any Amazon sends: rules.py, rules_dialog.py) and
a Python type's name (a value JSON cannot hold: store/base.py), a class of the skill's own too.
"""

from __future__ import annotations

import pytest

from alexaskill.articles import type_with_article, value_with_type, with_article


@pytest.mark.parametrize(
    "said",
    [
        "a LaunchRequest",
        "an Alexa.Presentation.APL.UserEvent",
        "an IntentRequest",
        "a set",
        "an ellipsis",
        "an object",
        # A "u" said "you": a word's (user, unit, usual, utility) or the letter's (an initialism).
        "a User",
        "a UserDict",
        "a UnionType",
        "a Unicode",
        "a UUID",
        "a URL",
        "a usage",
        "a Utility",
        # Else a vowel: "a Unknown" and "a Umbrella" were said.
        "an Unknown",
        "an UnknownRequest",
        "an Umbrella",
        "an Unhandled",
        "an Update",
        "an Unavailable",
        "an Uninstalled",
        "an ugly",
        "an Ultra",
        "a U",
        # "unary" is said "you-nary" (not un-ary, as unaware is), "uuid" its letters, "you-you"
        # (lower-cased too), and Ubuntu "oo-BOON-too": "an Unary", "an uuid", "a Ubuntu" were.
        "a Unary",
        "a unary",
        "a uuid",
        "an Ubuntu",
        "an Unaware",
        # Against the spelling's rule: Uber is said "oo-ber" ("a Uber" was said), unanimous
        # "you-nanimous" ("an unanimous" was), as unanimity is.
        "an Uber",
        "an uberjar",
        "a unanimous",
        "a Unanimity",
        # Capitals read as letters, each by its name ("aitch", "ess", "em", "eff", "ex"): "a
        # HTTPResponse", "a SQLite" were said. SQLite is said "S-Q-L-ite" by its author.
        "an HTTPResponse",
        "an SQLite",
        "an MP3",
        "an FAQ",
        "an XMLParser",
        "an R2",
        "an S3Object",
        "an X",
        "an IOError",
        "a JSONDecodeError",
        "a UIElement",
        # So are letters in lower case with no vowel to say them by, up to a capital too, and a
        # start of two that begin no English word ("n-d array", "engine-x", "l-z-m-a", "ex-range";
        # "a ndarray" was said), save a silent first letter (mnemonic).
        "an html",
        "an sql",
        "a url",
        "a utf8",
        "an htmlParser",
        "a urlPath",
        # But "un", "up" and "um" before a capital are the word's start ("a unPack" was said).
        "an unPack",
        "an upDate",
        "an umLaut",
        # So are they alone, a word ("a up", "a um", "a un" were said), and before a digit.
        "an up",
        "an um",
        "an un",
        "an Up",
        "an up2",
        "an ndarray",
        "an nginx",
        "an lzma",
        "an mkdocs",
        "an fnmatch",
        "an xrange",
        "a mnemonic",
        "a flask",
        # A consonant and then l, r, w or h begins no English word but fl, fr, rh and ll: read
        # as letters, with no capital after them too ("a hrtimer", "a mrjob" were said); "fj"
        # begins one, fjord ("an fjord" was said).
        "an hrtimer",
        "an mrjob",
        "an rwlock",
        "an mlflow",
        "an hwclock",
        "an hlist",
        "a fjord",
        "a frozenset",
        "a rhombus",
        "a llama",
        "a fluent",
        "a string",
        "a schema",
        # One capital and then lower case is a word's: "an LaunchRequest" would be wrong. So
        # is an abbreviation said as its word: a message, a mister, a hertz, a saint or street
        # ("an Msg", "an Mr", "an Hz", "an St" were said, read as letters for want of a vowel).
        "a NoneType",
        "a NaN",
        "a Hint",
        "a Rhythm",
        "a Msg",
        "a Mr",
        "a Ms",
        "a Hz",
        "a St",
        "a MsgQueue",
        # A vowel said as a consonant, "eu" as "you" and "one" as "won" ("an European", "an
        # OneShot" were said), but "onerous" and "oneiric"; an "h" not said (hour, honest,
        # honour, heir: "a Hour" was), but the others' ("a Hint", "a Honey", "a Honda").
        "a European",
        "a Euro",
        "a eulogy",
        "a OneShot",
        "a one",
        "a OnceOnly",
        "an onerous",
        "an oneiric",
        "an Only",
        "an Hour",
        "an HourlyReport",
        "an Honest",
        "an Honour",
        "an Honorific",
        "an Heir",
        "a Honey",
        "a Honda",
        "a Heist",
        "an EU",
        # But Euler is said "OY-ler" ("a Euler" was said), as is his adjective.
        "an Euler",
        "an Eulerian",
        # Initialisms said letter by letter: "eff", "em"; a "U" said "you".
        "an FBI",
        "an MRI",
        "a UFO",
        # Python's docs say "a str" ("Return a str version of object"), "string" or "stir", not
        # "ess-tee-ar" ("an str" was said): the one type named without a vowel, said as a word.
        "a str",
        "a strEnum",
        # ... and its plural, "strs" ("an strs" was said, read as letters for want of a vowel).
        "a strs",
        "a strs2",
        "a Strs",
        # So is "msg", a message, lower case too, alone or at a name's start, as "Msg" is ("an
        # msg" and "an msgspec" were said, read as letters for want of a vowel).
        "a msg",
        "a msgspec",
        "a msgpack",
        "an MSG",
        # Capitals said as a word: SQL's and DynamoDB's NULL ("an NULL" was said), NASA.
        "a NULL",
        "a NASA",
        "a NULLType",
        # ... and their plurals, whose "s" is no letter ("an NULLs" and "an NASAs" were said).
        "a NULLs",
        "a NASAs",
        "a NULLS",
        "an NS",
        "an SS",
        # A first two that begin English words are read as a word, "sm" as in small: smtplib.
        "a smtplib",
        "an smtp",
        # A leading underscore is not said: the article is the name's ("a _Item" was said).
        "an _Item",
        "a _Foo",
        "an __Object",
        "a _User",
        "an _Unknown",
        "an _HTTPHandler",
        # A name of underscores alone is said by them, "underscore" ("a _" was said).
        "an _",
        "an __",
        # A letter with an accent is said as the letter under it ("a Éclair", "a Über" were
        # said: only ASCII vowels were looked for).
        "an Éclair",
        "an émile",
        "an Über",
        "an ÉCOLE",
        "an Ötzi",
        "an é",
        "a Ñandu",
        "a Çedilla",
        "a 日本",
        # A letter NFKD leaves whole (Æ, Ø, Ł, Ħ, a letter of another script) is said as the
        # Latin letters it stands for, or as itself: it was dropped and the article fitted the
        # letter after it ("a Æther", "an Łódź", "an Ħal", "an 日本Air", "a ø").
        "an Æther",
        "an æsir",
        "an Ørsted",
        "an ø",
        "an Œuvre",
        "a Łódź",
        "a Ħal",
        "a Þor",
        "a Ðan",
        "a 日本Air",
    ],
)
def test_a_name_gets_its_article_by_its_sound(said: str) -> None:
    assert with_article(said.partition(" ")[2]) == said


@pytest.mark.parametrize(
    "said",
    [
        # A number's start is said by its words: "eight" (8, 80 to 89, 800…), "eleven" and
        # "eighteen" alone or before a thousand, a million… ("a 8Ball", "a 11", "a 18" were said)
        "an 8Ball",
        "an 8",
        "an 80",
        "an 89",
        "an 800",
        "an 8000",
        "an 8.5",
        "an 11",
        "an 18",
        "an 11th",
        "an 18n",
        "an 11000",
        "an 18000",
        "an 11000000",
        # ... and four digits said as two pairs, as a year is: "eleven hundred", "eighteen fifty".
        "an 1100",
        "an 1850",
        "an 1800s",
        # Else "one", "a hundred", "a thousand" ("one hundred and ten") and the other digits.
        "a 1",
        "a 100",
        "a 110",
        "a 111",
        "a 118",
        "a 180",
        "a 1000",
        "a 1234",
        "a 110000",
        "a 180000",
        "a 1100000",
        "a 2FA",
        "a 3DObject",
        "a 0",
        "a 9",
        "an _8",
    ],
)
def test_a_number_gets_the_article_of_its_first_word(said: str) -> None:
    assert with_article(said.partition(" ")[2]) == said


def test_no_name_gets_no_article() -> None:
    # "a " was said before nothing: no name, no article (no caller gives one: a request's type
    # is never empty, verify_envelope refuses it, nor is a Python type's name).
    assert with_article("") == ""
    # Nor does a name of spaces alone: "a  " (the article, then blanks) was said.
    assert (with_article(" "), with_article(" \t")) == ("", "")


def test_a_name_is_said_by_its_first_letter_not_a_space() -> None:
    # " object" took "a": the space was judged, not the "o" after it.
    assert (with_article(" object"), with_article(" set")) == ("an  object", "a  set")


def test_a_class_named_by_blanks_is_said_as_one_with_no_name() -> None:
    assert type_with_article(type(" ", (), {})()) == "an object of a class with no name"


def test_bytes_a_plural_gets_no_article() -> None:
    # "bytes" is said as the plural it is: "not a bytes" read as a typo (a store given as
    # b"…", a client of the Alexa APIs, a test's request file), where the store's and the
    # answer's checks each said it without the article on their own.
    assert with_article("bytes") == "bytes"
    assert with_article("bytes as a dict key") == "bytes as a dict key"  # (the store's words)
    assert (with_article("_bytes"), with_article("bytearray")) == ("_bytes", "a bytearray")


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (3, "an int"),
        (1.5, "a float"),
        ("x", "a str"),
        (True, "a bool"),
        ({}, "a dict"),
        (object(), "an object"),
        (b"x", "bytes"),
        (bytearray(), "a bytearray"),
        # None is said as itself: "not a NoneType" (and "not NoneType") read as Python's jargon.
        (None, "None"),
    ],
)
def test_a_values_type_is_named_after_its_article(value: object, said: str) -> None:
    assert type_with_article(value) == said


def test_a_class_with_no_name_is_said_so() -> None:
    # type("", (), {}) makes one: "it is " and "v is , which JSON cannot hold" were said.
    nameless = type("", (), {})
    assert type_with_article(nameless()) == "an object of a class with no name"


def test_a_class_of_the_skills_own_is_named_after_its_article() -> None:
    class Unit:
        pass

    class Item:
        pass

    assert (type_with_article(Unit()), type_with_article(Item())) == ("a Unit", "an Item")


@pytest.mark.parametrize(
    ("value", "said"),
    [(1, "1 (an int)"), (True, "True (a bool)"), ((1, 2), "(1, 2) (a tuple)"), (None, "None")],
)
def test_a_value_is_shown_then_its_type_after_its_article(value: object, said: str) -> None:
    # A dict key that JSON would change was said "1 (int)", and None "None (NoneType)".
    assert value_with_type(value) == said
