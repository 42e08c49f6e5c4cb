"""Trip planner: a multi-turn dialog that Alexa's dialog manager runs and the skill steers.

Run it with ``uvicorn examples.dialog.app:skill`` from the repository root. The dialog model is
declared beside the handler (``alexaskill model`` writes it into the interaction model):
``city`` and ``date`` are required slots with prompts, the date must fall within the next year
and the user confirms it, ``travellers`` is one to nine, and the user confirms the whole trip.
Delegation is manual (``auto_delegate=False``): each turn of the dialog is an IntentRequest with
a ``dialogState``, and the skill

- delegates every turn until the dialog is ``COMPLETED`` (one line: ``return delegate()``);
- fills ``travellers`` with 1 when the user gave no number, by delegating with an updated intent;
- asks again for a city it cannot book (``elicit_slot``), for a date the user denied, for
  one that is no single day ("next week"), and for a number or a date outside the bounds when
  the model lacks their validations;
- books the trip when the dialog is complete, unless the user denied the whole intent;
- starts the dialog straight from "Alexa, open trip planner" (intent chaining);
- answers CanFulfillIntentRequest (name-free requests) from the cities it knows and the days it
  books (NO for a day in the past or over a year ahead, as the booking refuses them).

The sample requests in ``requests/`` book 4 December 2026, a day that passes: replay them at
their own moment, from the repository root, with
``alexaskill replay examples.dialog.app:skill examples/dialog/requests/*.json --now
2026-11-26T12:00Z`` (by the real clock, from 5 December 2026 on, the booking asks for another
date and the CanFulfillIntentRequest answers NO).
"""

from __future__ import annotations

import calendar
import datetime

from alexaskill import (
    AlexaApi,
    AlexaApiError,
    AlexaDate,
    ConfigurationError,
    DateKind,
    DialogSlot,
    IntentRequest,
    Response,
    SimpleCard,
    Skill,
    Validate,
    ask,
    settings_from_env,
    speak,
)
from alexaskill.directives import delegate, elicit_slot, updated_intent
from alexaskill.responses import can_fulfill

# ALEXASKILL_SKILL_ID as a deployed skill reads it (one id, or several separated by commas;
# README, "Configuration from the environment"); unset or empty, the example id. A value that
# names no id (blank, commas only) is refused: the server stops in one line, not a traceback.
try:
    _settings = settings_from_env()
except ConfigurationError as exc:
    raise SystemExit(f"alexaskill: {exc}") from None
SKILL_ID = _settings.skill_ids or ("amzn1.ask.skill.00000000-0000-0000-0000-000000000000",)

skill = Skill(skill_id=SKILL_ID)

CITIES = frozenset({"paris", "london", "rome", "lisbon", "oslo"})
# How many can travel: checked by Alexa's dialog (the model's validations) and by the handler.
MAX_TRAVELLERS = 9
AT_LEAST_ONE = "At least one traveller, please. How many?"
AT_MOST_NINE = "I can book for nine people at most. How many?"
# When trips can leave: from today (the user's, in the device's time zone) to a year ahead.
WITHIN_A_YEAR = "I can book trips within the next year. When?"
HELP = "I can plan a trip. Say, for example: plan a trip to Rome next Friday."


def bookable(city: str) -> bool:
    """Whether the planner can book trips to ``city``."""
    return city.strip().lower() in CITIES


@skill.launch
def launch() -> Response:
    # Intent chaining: the LaunchRequest hands over to PlanTrip's dialog, whose first prompt
    # ("Where would you like to go?") Alexa speaks after the welcome.
    return delegate(updated_intent("PlanTrip"), speech="Welcome to Trip Planner.")


@skill.intent(
    "PlanTrip",
    utterances=[
        "plan a trip",
        "plan a trip to {city}",
        "plan a trip to {city} {date}",
        "book a trip",
        "book a trip to {city}",
        "book a trip for {travellers} to {city}",
        # "with" before the travellers lets a city said in any sample end there: "take me to
        # Lisbon with two people" is Lisbon for two, not the city "Lisbon with two people".
        "book a trip to {city} with {travellers} people",
        "i want to go to {city}",
        "i'd like to travel to {city} {date}",
        "take me to {city}",
    ],
    slots={
        "city": DialogSlot(
            "AMAZON.City",
            elicit="Where would you like to go?",
            samples=["{city}", "to {city}", "i want to go to {city}", "let's go to {city}"],
        ),
        "date": DialogSlot(
            "AMAZON.DATE",
            elicit="When would you like to leave?",
            confirm="You'd like to leave on {date}, right?",
            samples=["{date}", "on {date}", "i'd like to leave {date}"],
            validations=[Validate.in_duration("P0D", "P1Y", WITHIN_A_YEAR)],
        ),
        "travellers": DialogSlot(
            "AMAZON.NUMBER",
            validations=[
                Validate.at_least(1, AT_LEAST_ONE),
                Validate.at_most(MAX_TRAVELLERS, AT_MOST_NINE),
            ],
        ),
    },
    confirm="Shall I book a trip to {city} for {travellers}, leaving {date}?",
    auto_delegate=False,
)
async def plan_trip(
    request: IntentRequest,
    api: AlexaApi,
    city: str | None = None,
    date: datetime.date | None = None,
    travellers: int | None = None,
) -> Response:
    intent = request.intent
    if city is not None and not bookable(city):
        return elicit_slot(
            "city",
            f"Sorry, I can't book trips to {city} yet. Where else would you like to go?",
            reprompt="Which city?",
            updated_intent=updated_intent(intent, city=None),
        )
    date_slot = intent.slot("date")
    if date_slot is not None and date_slot.confirmation_status == "DENIED":
        return elicit_slot(
            "date",
            "Sorry about that. Which day would you like to leave?",
            updated_intent=updated_intent(intent, date=None),
        )
    if date is None and date_slot is not None and date_slot.value:
        # "Next week", "in December": a valid AMAZON.DATE, but no day to leave on (the date
        # parameter gets its default); without this the trip was booked "leaving soon".
        return elicit_slot(
            "date",
            "Which day would you like to leave? Say, for example: next Friday.",
            updated_intent=updated_intent(intent, date=None),
        )
    completed = request.dialog_state == "COMPLETED"
    if completed and travellers is not None and not 1 <= travellers <= MAX_TRAVELLERS:
        # Alexa's dialog checks the number as the skill delegates; a model deployed without the
        # validations (or edited in the console) would complete with any: "for minus two
        # travellers" was booked.
        return elicit_slot(
            "travellers",
            AT_LEAST_ONE if travellers < 1 else AT_MOST_NINE,
            updated_intent=updated_intent(intent, travellers=None),
        )
    if completed and date is not None and not bookable_day(date, await api.today()):
        # The same for the date: a model without its validation booked a trip leaving last year.
        return elicit_slot("date", WITHIN_A_YEAR, updated_intent=updated_intent(intent, date=None))
    if request.dialog_state == "STARTED" and travellers is None:
        return delegate(updated_intent(intent, travellers=1))
    if request.dialog_state != "COMPLETED":
        return delegate()
    if intent.confirmation_status == "DENIED":
        return speak("Okay, I won't book it.")
    people = travellers or 1
    who = "you" if people == 1 else f"{people} travellers"
    when = f"{date:%A %B} {date.day}" if date else "soon"
    party = "1 traveller" if people == 1 else f"{people} travellers"
    return speak(
        f"Booked: a trip to {city} for {who}, leaving {when}.",
        card=SimpleCard("Trip Planner", f"{city}, {date or 'date to be set'}, {party}"),
    )


def bookable_day(day: datetime.date, today: datetime.date) -> bool:
    """Whether a trip may leave on ``day``: from ``today`` to the same day next year, as the
    model's validation ("P0D" to "P1Y") counts it (a 29th of February's year ends on the 28th)."""
    year = today.year + 1
    last = today.replace(year=year, day=min(today.day, calendar.monthrange(year, today.month)[1]))
    return today <= day <= last


@skill.can_fulfill("PlanTrip")
async def can_plan_trip(
    api: AlexaApi, city: str | None = None, date: AlexaDate | None = None
) -> Response:
    if city is None:
        # The dialog will ask for the city: the skill can take the request, not vouch for it.
        return can_fulfill("MAYBE")
    if not bookable(city):
        return can_fulfill("NO", {"city": ("NO", "NO")})
    slots = {"city": ("YES", "YES")}
    if date is not None and date.kind is not DateKind.DAY:
        # "Next week": understood, but no day to leave on; the dialog will ask for one.
        slots["date"] = ("YES", "NO")
        return can_fulfill("MAYBE", slots)
    if date is not None and date.start is not None:
        # The day the booking checks (the user's today, from the request's time): a day it
        # refuses, past or over a year ahead, is no trip the skill can vouch for.
        try:
            today = await api.today()
        except AlexaApiError:  # no day to check it against: the dialog will check it
            slots["date"] = ("YES", "YES")
            return can_fulfill("MAYBE", slots)
        if not bookable_day(date.start, today):
            slots["date"] = ("YES", "NO")
            return can_fulfill("NO", slots)
        slots["date"] = ("YES", "YES")
    return can_fulfill("YES", slots)


@skill.intent("AMAZON.HelpIntent", utterances=["what can you do"])
def help_() -> Response:
    return ask(HELP)


@skill.intent("AMAZON.StopIntent")
@skill.intent("AMAZON.CancelIntent")
def stop() -> Response:
    return speak("Goodbye.")


@skill.intent("AMAZON.FallbackIntent")
@skill.fallback
def fallback() -> Response:
    return ask(f"Sorry, I didn't get that. {HELP}", reprompt=HELP)


@skill.session_ended
def session_ended() -> None:
    return None
