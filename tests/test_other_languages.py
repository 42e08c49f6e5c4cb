"""Skills in languages utterance understanding does not know: what works without it.

Understanding utterances (``say``, ``chat``, ``understand``) knows English only; entity
resolution of ``client.intent``'s values and most of ``model --check`` need no language.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Any, Final

import pytest

from alexaskill import ConfigurationError, Response, Skill, Slot, speak
from alexaskill.cli import main
from alexaskill.interaction import build_interaction_model
from alexaskill.testing import TestClient
from alexaskill.understanding import Understander, check_model, load_model, model_from_skill
from alexaskill.understanding.languages import language_for
from alexaskill.understanding.text import surface, tokenize

from .conftest import SKILL_ID


class Dish(enum.Enum):
    PASTA = "pasta"
    SOUP = "soup"


def kitchen() -> Skill:
    skill = Skill(SKILL_ID, store="memory://")
    skill.add_slot_type(
        "Dish",
        {
            "en": [
                {"name": "pasta", "id": "pasta", "synonyms": ["noodles"]},
                {"name": "soup", "id": "soup"},
            ],
            "de": [
                {"name": "nudeln", "id": "pasta", "synonyms": ["spaghetti"]},
                {"name": "suppe", "id": "soup", "synonyms": ["brühe"]},
            ],
            "hi": [
                {"name": "पास्ता", "id": "pasta", "synonyms": ["नूडल्स"]},
                {"name": "सूप", "id": "soup", "synonyms": ["शोरबा"]},
            ],
        },
    )

    @skill.intent(
        "Cook",
        utterances={
            "en": ["cook {dish}"],
            "de": ["koche {dish}", "ich möchte {dish} kochen"],
            "hi": ["{dish} बनाओ"],
        },
        slots={"dish": "Dish"},
    )
    def cook(dish: Dish) -> Response:
        return speak(dish.value)

    @skill.intent(
        "Describe",
        utterances={"en": ["describe {food}"], "de": ["beschreibe {food}"], "hi": ["{food} बताओ"]},
        slots={"food": "Dish"},
    )
    def describe(food: Slot) -> Response:
        return speak(f"{food.value} {food.resolved_id}")

    return skill


@pytest.mark.parametrize(
    ("locale", "said"),
    [("en-US", "noodles"), ("de-DE", "nudeln"), ("de-DE", "Spaghetti"), ("hi-IN", "नूडल्स")],
)
def test_intent_resolves_custom_values_in_any_language(locale: str, said: str) -> None:
    # The same test in English and German: an Enum parameter matches the value's id in both.
    with TestClient(kitchen(), locale=locale) as client:
        assert client.intent("Cook", dish=said).speech == "pasta"
        assert client.intent("Describe", food=said).speech == f"{said} pasta"
        unlisted = client.intent("Describe", food="brot")
        assert unlisted.speech == "brot None"


def test_say_still_names_the_locale_understanding_does_not_know() -> None:
    with TestClient(kitchen(), locale="de-DE") as client:
        assert client.intent("Cook", dish="suppe").speech == "soup"
        with pytest.raises(ConfigurationError, match=r"de-DE.*does not know this language"):
            client.say("koche suppe")


def test_an_understander_for_resolution_alone_in_another_language() -> None:
    model = model_from_skill(kitchen(), locale="de-DE")
    with pytest.raises(ConfigurationError, match=r"de-DE.*does not know this language"):
        Understander(model, locale="de-DE")
    resolving = Understander(model, locale="de-DE", resolve_only=True)
    found = resolving.resolutions("Cook", "dish", "Brühe")
    assert found is not None
    authority = found["resolutionsPerAuthority"][0]
    assert authority["status"] == {"code": "ER_SUCCESS_MATCH"}
    assert authority["values"] == [{"value": {"name": "suppe", "id": "soup"}}]
    with pytest.raises(ConfigurationError, match=r"de-DE.*does not know this language"):
        resolving.understand("koche suppe")
    # In a language it knows, the same keyword changes nothing.
    english = Understander(model_from_skill(kitchen()), resolve_only=True)
    assert english.understand("cook noodles").intent == "Cook"


@pytest.mark.parametrize(
    "text",
    [
        "नूडल्स",  # the vowel sign ू and the virama ् are marks, not letters
        "पास्ता बनाओ",
        "शोरबा",
        "مَرحَبًا",  # Arabic with its short-vowel marks
        "スパゲッティ",
        "Brühe",
    ],
)
def test_words_keep_their_combining_marks(text: str) -> None:
    tokens = tokenize(text, {})
    assert [token.text for token in tokens] == text.casefold().split()
    assert surface(tokens) == text


def test_words_differing_only_in_a_vowel_sign_stay_apart() -> None:
    assert tokenize("पास", {}) != tokenize("पेस", {})


def german_model(tmp_path: Path, **changes: Any) -> Path:
    data = build_interaction_model(kitchen(), locale="de-DE", invocation="küchen helfer")
    language = data["interactionModel"]["languageModel"]
    for intent in language["intents"]:
        intent["samples"] = changes.get(intent["name"], intent["samples"])
    path = tmp_path / "de-DE.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


NOT_SAID: Final = (
    "warning: de-DE: samples were not said as a user would, to find one understood as another "
    "intent: utterance understanding knows en-AU, en-CA, en-GB, en-IN, en-US\n"
)


def test_check_a_model_in_another_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Amazon's build rules and the conflicts found without understanding hold in any language.
    clean = german_model(tmp_path)
    assert main(["model", "--check", str(clean)]) == 0
    assert capsys.readouterr().out == NOT_SAID + "0 errors, 1 warning\n"

    twice = german_model(tmp_path, Describe=["koche {food}", "beschreibe {food}"])
    assert main(["model", "--check", str(twice)]) == 1
    assert capsys.readouterr().out == (
        "error: intent Describe: sample 'koche {food}' is sample 'koche {dish}' of intent Cook "
        "with slots of the same types: either may be understood\n"
        + NOT_SAID
        + "1 error, 1 warning\n"
    )


def test_check_an_app_in_another_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hindi = model_from_skill(kitchen(), locale="hi-IN")
    findings = check_model(hindi, locale="hi-IN", invocation=False)
    assert [str(finding) for finding in findings] == [NOT_SAID.replace("de-DE", "hi-IN")[:-1]]
    german = check_model(load_model(german_model(tmp_path, Cook=["koche {dish} 3"])))
    assert "error: intent Cook: sample 'koche {dish} 3': spell numbers out in words" in {
        str(finding) for finding in german
    }


def test_the_english_locales_shared_tables_cannot_be_changed() -> None:
    # English's contractions, built-in intents' phrasings and rewrites were plain dicts, one for
    # every English locale: a change made through en-GB's (a plugin, a test) showed in en-US's.
    british, american = language_for("en-GB"), language_for("en-US")
    tables: list[Any] = [
        (british.contractions, american.contractions, ("name", "is")),
        (british.builtin_intents, american.builtin_intents, "AMAZON.HelpIntent"),
        (british.rewrites, american.rewrites, "gonna"),
    ]
    for mine, other, key in tables:
        assert mine is other  # (shared: a change must be impossible, not merely unseen)
        before = other[key]
        try:
            with pytest.raises(TypeError):
                mine[key] = ("changed",)
        finally:
            if isinstance(mine, dict):  # (the old shared dict: left as it was)
                mine[key] = before
