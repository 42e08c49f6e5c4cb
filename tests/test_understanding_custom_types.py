"""Custom slot types and entity resolution (synonyms, generated ids, plurals, a built-in type
extended with values), free-form types that take the words as said, and custom values that begin
or end with no dangling "and"."""

from __future__ import annotations

import hashlib

import pytest

from alexaskill.understanding import InteractionModel, Understander
from tests.conftest import SKILL_ID
from tests.understanding_shared import (
    NOW,
    filled,
    intent_understander,
    slot,
    understander,
    understander_of,
    value,
)


@pytest.mark.parametrize(
    ("slot_type", "said"),
    [
        ("AMAZON.City", "New York"),
        ("AMAZON.FirstName", "Ada"),
        ("AMAZON.SearchQuery", "how tall is the eiffel tower"),
        ("AMAZON.Actor", "meryl streep"),
    ],
)
def test_free_form_types_take_the_words_as_said(slot_type: str, said: str) -> None:
    found = slot(said, slot_type)
    assert found == {
        "name": "value",
        "value": said,
        "confirmationStatus": "NONE",
        "source": "USER",
        "slotValue": {"type": "Simple", "value": said},
    }


@pytest.mark.parametrize(
    ("slot_type", "takes_four"),
    [
        ("AMAZON.FirstName", False),
        ("AMAZON.US_FIRST_NAME", False),
        ("AMAZON.GB_FIRST_NAME", False),
        ("AMAZON.Person", True),
        ("AMAZON.City", True),
        ("AMAZON.SearchQuery", True),
        ("FIRST_NAME", True),  # a skill's own type: any words (its values unlisted)
    ],
)
def test_only_a_first_name_type_takes_three_words_at_most(slot_type: str, takes_four: bool) -> None:
    # AMAZON.FirstName holds first names: formal ones, nicknames, and names of more than one
    # word ("Mary Jane", "Anil Kumar" in Amazon Lex's page of the same type), not surnames,
    # which AMAZON.Person takes. "mary jane smith jones" is no first name: no reading of
    # "call {name}" (the fallback intent), as a first-name slot holds three words at most.
    # Every other free-form type, and a custom type named alike, takes the four words.
    types = [{"name": slot_type, "values": [{"name": {"value": "ada"}}]}]
    calls = intent_understander(
        "Call",
        {"name": slot_type},
        ["call {name}", "call {name} now"],
        types=types if not slot_type.startswith("AMAZON.") else None,
    )
    three = calls.understand("call mary jane smith", now=NOW)
    assert (three.intent, three.fills["name"].words) == ("Call", "mary jane smith")
    answer = calls.answer("mary jane smith jones", intent="Call", slot="name", now=NOW)
    # With a word after the name, "call mary jane smith jones now" was the name "jane smith
    # jones", "mary" left out: a loose reading cut the name at its start to fit three words.
    for said in ("call mary jane smith jones", "call mary jane smith jones now"):
        four = calls.understand(said, now=NOW)
        if takes_four:
            assert (four.intent, four.fills["name"].words) == ("Call", "mary jane smith jones")
        else:
            assert four.intent == "AMAZON.FallbackIntent", four.fills
    assert (answer is not None) is takes_four
    assert answer is None or answer.fills["name"].words == "mary jane smith jones"


def _authority(type_name: str) -> str:
    return f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{type_name}"


def test_a_custom_value_resolves_to_itself() -> None:
    resolutions = {
        "resolutionsPerAuthority": [
            {
                "authority": _authority("Size"),
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": "large", "id": "L"}}],
            }
        ]
    }
    assert slot("large", "Size") == {
        "name": "value",
        "value": "large",
        "resolutions": resolutions,
        "confirmationStatus": "NONE",
        "source": "USER",
        "slotValue": {"type": "Simple", "value": "large", "resolutions": resolutions},
    }


def test_a_synonym_keeps_the_words_said_and_resolves_to_the_canonical_value() -> None:
    found = slot("Huge", "Size")
    assert found is not None
    assert found["value"] == "Huge"
    [authority] = found["resolutions"]["resolutionsPerAuthority"]
    assert authority["values"] == [{"value": {"name": "large", "id": "L"}}]
    assert found["slotValue"]["resolutions"] == found["resolutions"]


def test_a_value_without_an_id_gets_a_stable_generated_one() -> None:
    found = slot("extra large", "Size")
    assert found is not None
    [authority] = found["resolutions"]["resolutionsPerAuthority"]
    expected = hashlib.md5(b"extra large").hexdigest()
    assert authority["values"] == [{"value": {"name": "extra large", "id": expected}}]


def test_a_plural_resolves_to_its_singular_value() -> None:
    found = slot("bigs", "Size")
    assert found is not None
    assert found["resolutions"]["resolutionsPerAuthority"][0]["status"] == {
        "code": "ER_SUCCESS_MATCH"
    }


def test_a_synonym_of_two_values_resolves_to_both() -> None:
    found = slot("same", "Shared")
    assert found is not None
    [authority] = found["resolutions"]["resolutionsPerAuthority"]
    assert authority["values"] == [
        {"value": {"name": "one", "id": "ONE"}},
        {"value": {"name": "two", "id": "TWO"}},
    ]


def test_unlisted_words_fill_a_custom_slot_with_no_match() -> None:
    found = slot("medium", "Size")
    no_match = {
        "resolutionsPerAuthority": [
            {"authority": _authority("Size"), "status": {"code": "ER_SUCCESS_NO_MATCH"}}
        ]
    }
    assert found == {
        "name": "value",
        "value": "medium",
        "resolutions": no_match,
        "confirmationStatus": "NONE",
        "source": "USER",
        "slotValue": {"type": "Simple", "value": "medium", "resolutions": no_match},
    }


def test_a_built_in_type_extended_with_values_resolves_them() -> None:
    model = InteractionModel.from_json(
        {
            "languageModel": {
                "invocationName": "colours",
                "intents": [
                    {
                        "name": "Paint",
                        "slots": [{"name": "colour", "type": "AMAZON.Color"}],
                        "samples": ["paint it {colour}"],
                    }
                ],
                "types": [
                    {"name": "AMAZON.Color", "values": [{"id": "TEAL", "name": {"value": "teal"}}]}
                ],
            }
        }
    )
    understood = Understander(model, skill_id=SKILL_ID)
    teal = understood.understand("paint it teal").request
    assert teal is not None
    assert teal["intent"]["slots"]["colour"]["resolutions"]["resolutionsPerAuthority"][0] == {
        "authority": _authority("AMAZON.Color"),
        "status": {"code": "ER_SUCCESS_MATCH"},
        "values": [{"value": {"name": "teal", "id": "TEAL"}}],
    }
    red = understood.understand("paint it red").request
    assert red is not None
    assert red["intent"]["slots"]["colour"]["value"] == "red"


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("peaches", "peach"),
        ("sandwiches", "sandwich"),
        ("dishes", "dish"),
        ("movies", "movie"),
        ("berries", "berry"),
        ("boxes", "box"),
        ("glasses", "glass"),
        ("olives", "olive"),
        ("caches", "cache"),
    ],
)
def test_each_english_plural_resolves_to_its_singular_value(said: str, name: str) -> None:
    # Only "-ies" → "-y", "-ses/-xes/-zes" and "-s" were tried: "peaches" was looked up as
    # "peache" and "movies" as "movy", both ER_SUCCESS_NO_MATCH.
    values = ["peach", "sandwich", "dish", "movie", "berry", "box", "glass", "olive", "cache"]
    understander = understander_of(
        {
            "invocationName": "slot tester",
            "intents": [{"name": "Say", "slots": [{"name": "food", "type": "Food"}]}],
            "types": [{"name": "Food", "values": [{"name": {"value": v}} for v in values]}],
        }
    )
    found = understander.resolutions("Say", "food", said)
    assert found is not None
    [authority] = found["resolutionsPerAuthority"]
    assert authority["status"] == {"code": "ER_SUCCESS_MATCH"}
    assert [entry["value"]["name"] for entry in authority["values"]] == [name]


@pytest.mark.parametrize("given", ["", "  ", "?!"])
def test_a_value_without_words_resolves_to_no_match_rather_than_failing(given: str) -> None:
    # Looking for its singular took the last of no words: an IndexError out of
    # `client.intent("Say", value="?!")` and `alexaskill request --slot value=`.
    found = understander("Size").resolutions("Say", "value", given)
    assert found == {
        "resolutionsPerAuthority": [
            {"authority": _authority("Size"), "status": {"code": "ER_SUCCESS_NO_MATCH"}}
        ]
    }


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("3pm", "AMAZON.City", "3pm"),
        ("Dinner at 12:30PM", "AMAZON.SearchQuery", "Dinner at 12:30PM"),
        ("room 4b", "Size", "room 4b"),
        ("route 66th", "Size", "route 66th"),
        ("3 pm", "AMAZON.City", "3 pm"),
        ("New-York", "AMAZON.City", "New York"),
    ],
)
def test_a_free_value_keeps_words_written_together_together(
    said: str, slot_type: str, expected: str
) -> None:
    # "3pm" is two words to the matcher ("3" and "pm"); the value was rejoined with a space.
    assert value(said, slot_type) == expected


def pizza_order_understander() -> Understander:
    """``count`` then ``size`` (custom: small, large, rock and roll), and ``item`` (custom)."""
    slots = {"count": "AMAZON.NUMBER", "size": "Size", "item": "Item"}
    samples = ["order {count} {size} pizzas", "give me {count} {item}", "give me {count}"]
    sizes = [{"name": {"value": word}} for word in ("small", "large", "rock and roll")]
    types = [
        {"name": "Size", "values": sizes},
        {"name": "Item", "values": [{"name": {"value": "pizza"}}]},
    ]
    return intent_understander("Order", slots, samples, types=types)


@pytest.mark.parametrize(
    ("said", "expected", "exact"),
    [
        ("give me 5 and", {"count": "5"}, False),
        ("give me 5 or", {"count": "5"}, False),
        ("order 5 and large pizzas", {"count": "5", "size": "large"}, False),
        ("order 5 or small pizzas", {"count": "5", "size": "small"}, False),
        ("order 5 large pizzas", {"count": "5", "size": "large"}, True),
        ("order 5 rock and roll pizzas", {"count": "5", "size": "rock and roll"}, True),
        ("order 5 extra large pizzas", {"count": "5", "size": "extra large"}, True),
        ("give me 5 pasta", {"count": "5", "item": "pasta"}, True),
    ],
)
def test_a_custom_value_begins_with_no_dangling_and(
    said: str, expected: dict[str, str], exact: bool
) -> None:
    # "give me 5 and" filled count with 5 and item with "and", and "order 5 and large pizzas"
    # size with "and large", both exactly: an unlisted value starting with "and" or "or" is
    # the rest of a list cut in the wrong place, no value a user says (the type lists none
    # that starts so). The "and" is now a word left out, which the reading says.
    understood = pizza_order_understander().understand(said, now=NOW)
    assert filled(understood) == expected
    assert understood.exact is exact, understood.explain()


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("give me 5 pizza and", {"count": "5", "item": "pizza"}),
        ("give me 5 pasta or", {"count": "5", "item": "pasta"}),
        ("order 5 large and pizzas", {"count": "5", "size": "large"}),
    ],
)
def test_a_custom_value_ends_with_no_dangling_and(said: str, expected: dict[str, str]) -> None:
    # "give me 5 pizza and" filled item with "pizza and" and "order 5 large and pizzas" size
    # with "large and", both exactly: as with a value starting with it, an unlisted value
    # ending in "and" or "or" is a list cut in the wrong place. The "and" is a word left out.
    understood = pizza_order_understander().understand(said, now=NOW)
    assert filled(understood) == expected
    assert not understood.exact, understood.explain()


def test_a_listed_value_may_end_with_and() -> None:
    # The rule follows the type: a value listed as ending in "and" is read whole.
    types = [{"name": "Band", "values": [{"name": {"value": "the band and"}}]}]
    play = intent_understander("Play", {"band": "Band"}, ["play {band}"], types=types)
    for said in ("play the band and", "play some other band and"):
        understood = play.understand(said, now=NOW)
        assert understood.fills["band"].words == said.removeprefix("play "), understood.explain()
        assert understood.exact, understood.explain()
