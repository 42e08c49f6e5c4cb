"""Words said after a name's value that are no part of it, in a request as in a dialog answer:
thanks ("plan a trip to paris, thanks") and a hedge said last ("paris, maybe")."""

from __future__ import annotations

import pytest

from .understanding_shared import NOW, answered_city, bare_trips, left_out_notes, slots_of

_NAMES = ["AMAZON.City", "AMAZON.FirstName"]


def _request(city_type: str, said: str) -> dict[str, str | None]:
    """The slot values of the request `bare_trips` of ``city_type`` sends for "plan a trip to
    ``said``", not asked for a slot (`slots_of`: PlanTrip's city, people and date)."""
    return slots_of(bare_trips(city_type), f"plan a trip to {said}")


def _city(city: str | None) -> dict[str, str | None]:
    """PlanTrip's slot values with ``city`` alone filled."""
    return {"city": city, "people": None, "date": None}


@pytest.mark.parametrize("city_type", _NAMES)
@pytest.mark.parametrize(
    "said",
    [
        "paris, thanks",
        "paris thanks",
        "paris, thank you",
        "paris instead",
        "maybe paris, thanks",
        # With a first name, the thanks made the words four, over a first name's three: the
        # reading left "paris" out and the "not" took the rest back, no city at all.
        "paris, not rome, thanks",
        # Over three words too, the reading left out words before or after the first name's,
        # and the thanks were looked for among its words alone: "thanks a lot" (paris left
        # out), "paris you much" and "paris you" (but "thank" kept out of the value).
        "paris, thanks a lot",
        "paris, thank you so much",
        "maybe paris, thank you",
    ],
)
def test_a_request_leaves_out_thanks_after_a_name_as_an_answer_does(
    city_type: str, said: str
) -> None:
    # "plan a trip to paris, thanks" was the city "paris thanks", where the answer "paris,
    # thanks" is paris: no name ends with thanks or an afterword, in a request either.
    assert answered_city(city_type, said) == "paris"
    assert _request(city_type, said) == _city("paris")


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        # Unchanged: a no said with the thanks takes the value back ("no thanks" is a no), and
        # a custom type's words that are no listed value are what the user said, as an answer's.
        ("AMAZON.City", "paris, no thanks", None),
        ("Cities", "lyon, thanks", "lyon thanks"),
        ("Cities", "lyon, thanks, lyon", "lyon thanks lyon"),
        ("Cities", "the lyon, thanks", "the lyon thanks"),
        ("AMAZON.City", "paris, maybe, lyon", "paris maybe lyon"),
        ("AMAZON.SearchQuery", "paris, thanks, paris", "paris thanks paris"),
        ("AMAZON.City", "thanks", "thanks"),
    ],
)
def test_a_request_keeps_what_is_no_thanks_after_a_name(
    city_type: str, said: str, city: str | None
) -> None:
    assert answered_city(city_type, said) == city
    assert _request(city_type, said) == _city(city)


@pytest.mark.parametrize("city_type", [*_NAMES, "Cities"])
@pytest.mark.parametrize("said", ["paris, maybe", "paris maybe", "paris, perhaps, thanks"])
def test_a_hedge_said_last_is_no_part_of_an_answers_value(city_type: str, said: str) -> None:
    # "paris, maybe" was the AMAZON.City "paris maybe" but the custom type's "paris" (and
    # "paris maybe" the custom "paris maybe": a word making it another name): a hedge said last
    # is no part of a value, as one said first ("maybe paris") is not, whatever the type.
    assert answered_city(city_type, said) == "paris"


@pytest.mark.parametrize("city_type", _NAMES)
def test_a_request_leaves_out_a_hedge_said_last_after_a_name(city_type: str) -> None:
    assert _request(city_type, "paris, maybe") == _city("paris")


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        # Unchanged: a hedge alone is the value heard, a search query keeps its words, and a
        # hedge said before other words is left out as said first ("no idea, maybe paris").
        ("AMAZON.City", "maybe", "maybe"),
        ("AMAZON.SearchQuery", "paris, maybe", "paris maybe"),
        ("AMAZON.City", "no idea, maybe paris", "paris"),
        ("AMAZON.FirstName", "no idea, maybe paris", "paris"),
    ],
)
def test_a_hedge_that_is_not_said_last_after_a_value_stays(
    city_type: str, said: str, city: str
) -> None:
    assert answered_city(city_type, said) == city


@pytest.mark.parametrize(
    ("said", "left_out"),
    [
        ("um paris, thanks", "words after the value: 'thanks' left out"),
        ("um paris, not rome", "a denial: 'not rome' left out"),
    ],
)
def test_a_request_read_again_without_words_keeps_the_notes_of_its_first_reading(
    said: str, left_out: str
) -> None:
    # The filler was left out by the first reading, whose notes the reading again without the
    # thanks or the denial dropped: the note "ignored: um" was lost.
    understood = bare_trips("AMAZON.City").understand(f"plan a trip to {said}", now=NOW)
    assert understood.fills["city"].value == "paris"
    assert understood.notes == ("ignored: um", left_out)


@pytest.mark.parametrize(
    ("said", "city"),
    [
        ("paris, thanks", "paris"),
        ("paris thanks", "paris"),
        ("nyc, thank you", "nyc"),
        ("paris instead", "paris"),
        ("paris, maybe", "paris"),
        # The answer was every word ("paris thanks paris"): the value said again after the
        # thanks was taken for another value, which made the one meant unsure, where the
        # request left the thanks and what follows them out. What a pause sets apart from
        # thanks on is no part of the value, in an answer as in a request and as for a name.
        ("paris, thanks, paris", "paris"),
        ("paris, thank you, paris", "paris"),
        ("nyc, thanks, nyc", "nyc"),
        ("paris, thanks, nyc", "paris"),
        # No answer at all: over a custom value's words, no reading took every word, and the
        # thanks were looked for after a name's words alone.
        ("new york, thanks, new york", "new york"),
        ("paris, thank you so much, paris", "paris"),
    ],
)
def test_a_request_leaves_out_thanks_after_a_listed_value_as_an_answer_does(
    said: str, city: str
) -> None:
    # "plan a trip to paris, thanks" was the custom city "paris thanks" (no value of the list,
    # ER_SUCCESS_NO_MATCH), where the answer "paris, thanks" is the listed "paris": a listed
    # value is the user's words matched against the list, which Amazon resolves to the value;
    # the thanks after it are no part of it, in a request as in an answer.
    assert answered_city("Cities", said) == city
    assert _request("Cities", said) == _city(city)


@pytest.mark.parametrize("city_type", _NAMES)
@pytest.mark.parametrize(
    "said",
    [
        "paris, thanks, no",
        "paris thanks no",
        # Over a first name's three words, the request's reading left the no out, and the
        # thanks were left out with it: the request was "paris".
        "paris, thank you, no",
        "paris, thanks, paris, no",
    ],
)
def test_a_no_said_after_thanks_takes_an_answers_value_back_as_a_requests(
    city_type: str, said: str
) -> None:
    # The answer left out "thanks, no" as words after the value and was "paris", where the
    # request takes the value back: a no said last does, after thanks too ("paris, no thanks").
    assert answered_city(city_type, said) is None
    assert _request(city_type, said) == _city(None)


@pytest.mark.parametrize(
    ("said", "answer", "sent"),
    [
        ("the paris, thanks", "paris", "the paris"),
        ("the nyc, thank you", "nyc", "the nyc"),
        ("no, paris, thanks, paris", "paris", "no paris"),
        # The answer was "the paris" (the words before the thanks read whole), where "the
        # paris" alone is "paris".
        ("the paris, thanks, paris", "paris", "the paris"),
    ],
)
def test_a_request_leaves_out_thanks_after_words_ending_with_a_listed_value(
    said: str, answer: str, sent: str
) -> None:
    # "plan a trip to the paris, thanks" was the custom city "the paris thanks", where the
    # answer is "paris": the thanks were left out after a listed value said alone only. They
    # end a listed value with words before it too, which a request keeps as the user said them,
    # as without the thanks ("plan a trip to the paris", "... to no, paris"); an answer reads
    # the listed value out of them ("the paris" is paris, `value_within`).
    assert answered_city("Cities", said) == answer
    assert _request("Cities", said) == _city(sent)
    assert _request("Cities", said.rpartition(", th")[0]) == _city(sent)


@pytest.mark.parametrize("city_type", [*_NAMES, "Cities"])
@pytest.mark.parametrize(
    "said", ["paris, maybe, paris", "paris, maybe paris", "paris, perhaps, paris, thanks"]
)
def test_a_hedge_between_a_value_and_the_same_value_again_ends_it(
    city_type: str, said: str
) -> None:
    # "paris, maybe, paris" was "paris maybe paris", as an answer and in a request: after a
    # pause, a hedge may open the value said next ("no idea, maybe paris"), which here is the
    # one said before it. The user means that one value.
    assert answered_city(city_type, said) == "paris"
    assert _request(city_type, said) == _city("paris")


@pytest.mark.parametrize(
    ("said", "city"),
    [
        ("paris, thank you, no", None),
        ("paris, thanks, no", None),
        ("paris, thank you so much, no", None),  # unchanged: over the type's four words
        # Unchanged: words that are no listed value are what the user said, as "lyon, thanks"
        # (the answer takes them back: Alexa asked for them).
        ("lyon, thanks, no", "lyon thanks no"),
    ],
)
def test_a_no_after_thanks_ending_a_listed_value_takes_it_back_in_a_request(
    said: str, city: str | None
) -> None:
    # "plan a trip to paris, thank you, no" was the custom city "paris thank you no", where
    # "... paris, thank you so much, no" (six words, over the four a reading of Cities takes)
    # was no value, as both answers are: the thanks end the listed value, and the no after
    # them takes it back, in a request as in an answer.
    assert answered_city("Cities", said) is None
    assert _request("Cities", said) == _city(city)


@pytest.mark.parametrize("city_type", _NAMES)
@pytest.mark.parametrize("said", ["no thank you", "paris no thank you"])
def test_a_note_of_a_value_a_no_takes_back_quotes_the_words_said(city_type: str, said: str) -> None:
    # "plan a trip to no thank you" noted "'no thank' is no value", the words of a reading that
    # left "you" out, not what the user said.
    understood = bare_trips(city_type).understand(f"plan a trip to {said}")
    assert understood.fills == {}
    left_out = left_out_notes(understood, "city")
    assert left_out and all(f": {said!r} is no value" in note for note in left_out)


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        *((name, said, None) for name in _NAMES for said in ["yes, thanks", "yes thank you"]),
        # Unchanged: a lone yes stays a name's value, as a lone no does ("plan a trip to
        # no"), and a custom type's words are what the user said, "no thanks" as "yes thanks".
        *((name, "yes", "yes") for name in _NAMES),
        ("Cities", "yes, thanks", "yes thanks"),
    ],
)
def test_a_yes_said_whole_with_thanks_is_no_name_in_a_request(
    city_type: str, said: str, city: str | None
) -> None:
    # "plan a trip to yes, thanks" was the city "yes thanks", where "... no, thanks" is none and
    # the answer "yes, thanks" is no value (a reply): words that are a yes whole say yes.
    assert _request(city_type, said) == _city(city)


@pytest.mark.parametrize("said", ["yes, no, not paris", "no, not paris", "yes, not paris"])
def test_an_opening_before_not_leaves_a_custom_answer_as_not_said_alone(said: str) -> None:
    # A custom type's words are what the user said: "not paris" is the value "not paris", and
    # so it is after a yes or no said first and left out (pinned: they agree already).
    assert answered_city("Cities", "not paris") == "not paris"
    assert answered_city("Cities", said) == "not paris"


@pytest.mark.parametrize("city_type", _NAMES)
@pytest.mark.parametrize(
    ("said", "city"),
    [
        ("yes thank you very much", None),
        ("yes thank you so much", None),
        ("paris thank you very much", "paris"),
        ("paris thank you so much", "paris"),
    ],
)
def test_thanks_stressed_after_a_name_or_a_yes_are_no_part_of_a_requests_value(
    city_type: str, said: str, city: str | None
) -> None:
    # "plan a trip to yes thank you very much" to a first name (three words at most) was the
    # name "you very much", a reading that left "yes thank" out ("paris thank you very much"
    # too, "... so much" "paris thank"), and to a city "yes thank you very much": words that
    # only stress thanks ("very much") end them as thanks do, a pause before them or not, and
    # a yes with them is a yes whole, as "yes thank you" is (no value in a request).
    understood = bare_trips(city_type).understand(f"plan a trip to {said}", now=NOW)
    assert {name: fill.value for name, fill in understood.fills.items()} == (
        {} if city is None else {"city": city}
    )


@pytest.mark.parametrize("city_type", _NAMES)
@pytest.mark.parametrize("thanks", ["thank you very much", "thanks very much", "thanks a lot"])
def test_thanks_stressed_after_a_name_or_a_yes_are_no_part_of_an_answer(
    city_type: str, thanks: str
) -> None:
    # Answered without a pause, "paris thank you very much" was no first name (over three
    # words) and the city "paris thank you very much"; "yes thanks a lot" the city "yes thanks
    # a lot", where "yes thank you" is a yes and no value.
    assert answered_city(city_type, f"yes {thanks}") is None
    assert answered_city(city_type, f"paris {thanks}") == "paris"


@pytest.mark.parametrize(
    "said", ["paris thanks a lot", "paris thanks very much", "paris thank you very much"]
)
def test_thanks_stressed_after_a_first_name_without_a_pause_end_it_in_a_request(said: str) -> None:
    # Four words and more to a first name (three at most), "plan a trip to paris thanks a lot"
    # was no reading at all: "thanks a lot", "paris" left out before it, was a name cut short
    # (`free_cut_short`), as "jane smith jones" of "mary jane smith jones" is. A reading from
    # thanks on cuts none: the thanks are left out, as after a pause.
    assert _request("AMAZON.FirstName", said) == _city("paris")


@pytest.mark.parametrize(
    ("said", "city"),
    [
        # (words a custom type cannot take whole that are a yes are none, as a name's are)
        ("yes thank you very much", None),
        ("no idea thanks so much", "no idea"),
        ("lyon thank you so much", "lyon"),
        # Unchanged: words a custom type takes whole are what the user said, thanks too.
        ("lyon thanks a lot", "lyon thanks a lot"),
        ("yes thank you", "yes thank you"),
    ],
)
def test_thanks_are_left_out_of_a_custom_value_over_its_words_as_of_a_name(
    said: str, city: str | None
) -> None:
    # Five words to a custom type that takes four: the reading left out the words said first,
    # the city "thank you very much" of "plan a trip to yes thank you very much", or "so" (a
    # filler), "no idea thanks much". The thanks are left out before the words are counted,
    # as a first name's are.
    assert _request("Cities", said) == _city(city)


@pytest.mark.parametrize(
    ("said", "city"),
    [
        ("lyon thank you so much", "lyon"),
        ("lyon, thank you so much", "lyon"),
        ("lyon thank you very much", "lyon"),
        ("saint lyon, thanks a lot", "saint lyon"),
        ("yes thank you very much", None),
        # Unchanged: a listed value, and words a custom type takes whole, thanks too.
        ("new york, thank you so much", "new york"),
        ("lyon thanks a lot", "lyon thanks a lot"),
    ],
)
def test_thanks_are_left_out_of_a_custom_answer_over_its_words_as_of_a_request(
    said: str, city: str | None
) -> None:
    # Asked for the city, "lyon thank you so much" (five words, over the four Cities takes) was
    # no answer, where the request "plan a trip to lyon thank you so much" is lyon: the thanks
    # were looked for after a name or a listed value alone, not before the words are counted.
    assert answered_city("Cities", said) == city
    assert _request("Cities", said) == _city(city)


def test_a_search_query_over_its_words_keeps_its_thanks_in_an_answer() -> None:
    # Unchanged: a search query's words are what the user said, thanks too ("love again thank
    # you"), in a request and in an answer: over the thirty words it takes, there is no answer.
    said = " ".join(["love"] * 29)
    assert answered_city("AMAZON.SearchQuery", f"{said} thank you") is None
    assert answered_city("AMAZON.SearchQuery", "love again thank you") == "love again thank you"


@pytest.mark.parametrize("thanks", ["thank you", ", thank you", "thanks a lot"])
def test_a_search_query_over_its_words_keeps_no_half_of_its_thanks_in_a_request(
    thanks: str,
) -> None:
    # "plan a trip to" and 29 words then "thank you" (31, over the thirty a search query takes)
    # was the query of the 29 words and "thank", "you" left out as not in the sample: the
    # thanks cut in two, where the answer is none, and a request of 31 words is no reading.
    said = " ".join(["love"] * 29) + ("" if thanks.startswith(",") else " ") + thanks
    assert answered_city("AMAZON.SearchQuery", said) is None
    queries = bare_trips("AMAZON.SearchQuery")
    understood = queries.understand(f"plan a trip to {said}", now=NOW)
    over = queries.understand("plan a trip to " + " ".join(["love"] * 31), now=NOW)
    assert understood.fills == {} and understood.intent is None
    assert understood.notes == over.notes


@pytest.mark.parametrize(
    "said",
    [
        "cheap flights please thanks",
        "cheap flights please thank you",
        "cheap flights, please, thanks",
        "cheap flights please thank you very much",
    ],
)
def test_thanks_after_a_filler_that_ends_a_search_query_are_left_out_with_it(said: str) -> None:
    # "cheap flights please" is the query "cheap flights" (a filler said last is no part of it),
    # but "cheap flights please thanks" kept both: the filler was inside the words, before the
    # thanks a query keeps as said. Said after such a filler they are politeness too, left out
    # as in a name's value; said right after the words, they stay ("love again thank you").
    queries = bare_trips("AMAZON.SearchQuery")
    understood = queries.understand(f"plan a trip to {said}", now=NOW)
    assert understood.fills["city"].value == "cheap flights", understood.notes
    kept = queries.understand("plan a trip to cheap flights thank you", now=NOW)
    assert kept.fills["city"].value == "cheap flights thank you"
    # So in an answer, where a name's value kept the filler too ("paris please thanks").
    assert answered_city("AMAZON.SearchQuery", said) == "cheap flights"
    assert answered_city("AMAZON.SearchQuery", "cheap flights thank you") == (
        "cheap flights thank you"
    )
    assert answered_city("AMAZON.City", said.replace("cheap flights", "paris")) == "paris"


@pytest.mark.parametrize("city_type", [*_NAMES, "Cities"])
@pytest.mark.parametrize(
    "said",
    ["plan a trip to paris thanks", "plan a trip to paris, thank you", "to paris, thanks"],
)
def test_thanks_after_an_answer_said_as_a_sample_with_words_are_no_part_of_its_value(
    city_type: str, said: str
) -> None:
    # Asked for the city, "plan a trip to paris thanks" was the city "paris thanks" (and "to
    # paris, thanks", the sample from the word before the slot on, too), where "paris thanks"
    # alone and the same words as a request are paris: thanks were looked for in the sample of
    # the slot alone only.
    assert answered_city(city_type, said) == "paris"
    if said.startswith("plan"):
        assert slots_of(bare_trips(city_type), said) == _city("paris")
