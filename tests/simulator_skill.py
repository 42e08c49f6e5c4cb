"""The skill the simulator's tests talk to: speech with SSML, cards, a dialog, audio, attributes.

Served by ``alexaskill serve tests/simulator_skill.py:skill --dev`` in the browser tests (and
mounted in a bigger app as ``portal``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from alexaskill import (
    AlexaApi,
    AudioPlayerRequest,
    Context,
    DialogSlot,
    Response,
    Session,
    SimpleCard,
    Skill,
    Ssml,
    StandardCard,
    ask,
    speak,
)
from alexaskill.directives import AudioMetadata, AudioPlayer
from alexaskill.ssml import audio, break_
from alexaskill.ssml import speak as ssml

if TYPE_CHECKING:  # mypy names the module as the tests import it
    from tests.ssml_refused import BREAK_APP_SENDS, alexa_refuses
else:
    # A sibling module, by its plain name: `alexaskill serve` (and load_object) load this file by
    # its path, its directory first on sys.path, where no `tests` package need be importable.
    from ssml_refused import BREAK_APP_SENDS, alexa_refuses

# Written out, not conftest's: `alexaskill serve` loads this file by its path, with no `tests`
# package to import from.
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
IMAGE = "https://images.example.com/lighthouse.png"
CLIP = "https://sounds.example.com/chime.mp3"
STREAM = "https://streams.example.com/harbour-sounds.mp3"
FOGHORN = "https://streams.example.com/foghorn.mp3"
#: A stream long enough to be playing still when the next turns queue others after it.
TIDE = "https://streams.example.com/long/tide.mp3"
BELL = "https://streams.example.com/bell.mp3"

skill = Skill(skill_id=SKILL_ID)


def _count(session: Session) -> int:
    count = int(session.attributes.get("turns", 0)) + 1
    session.attributes["turns"] = count
    return count


@skill.launch
def launch(session: Session) -> Response:
    _count(session)
    return ask(
        ssml("Welcome to the Lighthouse.", break_("700ms"), audio(CLIP), "What would you like?"),
        reprompt="Ask for the weather at sea, a picture, or book a tour.",
    )


# German samples too: a locale the skill declares that the simulator cannot understand (it
# speaks English), which the page names beside its locales.
@skill.intent(
    "SeaWeather",
    utterances={
        "en": ["how is the sea", "what's the weather at sea"],
        "de-DE": ["wie ist die see"],
    },
)
def sea_weather(session: Session) -> Response:
    turns = _count(session)
    session.attributes["last"] = "weather"
    return ask(
        f"The sea is calm, with a light breeze. That was turn {turns}.",
        reprompt="Anything else?",
        card=SimpleCard("Sea weather", "Calm, light breeze."),
    )


@skill.intent("ShowPicture", utterances=["show me the lighthouse", "show me a picture"])
def show_picture(context: Context, session: Session) -> Response:
    _count(session)
    device = context.system.device if context.system is not None else None
    if device is None or not device.supports("Display"):
        return ask("I need a device with a screen for that. Anything else?")
    card = StandardCard(
        "The Lighthouse",
        "Built in 1868, fifty metres tall.",
        small_image_url=IMAGE,
        large_image_url=IMAGE,
    )
    return ask("Here is the lighthouse.", reprompt="Anything else?", card=card)


@skill.intent(
    "BookTour",
    utterances=["book a tour", "book a tour for {people}", "book a tour for {people} people"],
    slots={"people": DialogSlot("AMAZON.NUMBER", elicit="For how many people?")},
)
def book_tour(session: Session, people: int) -> Response:
    _count(session)
    return ask(f"Your tour for {people} is booked.", reprompt="Anything else?")


@skill.intent("PlaySounds", utterances=["play the harbour", "play some sounds"])
def play_sounds() -> Response:
    play = AudioPlayer.Play(
        STREAM,
        "harbour-1",
        metadata=AudioMetadata(title="Harbour sounds", subtitle="The Lighthouse"),
    )
    return speak("Playing the harbour.", directives=[play])


@skill.intent("PlayTide", utterances=["play the tide"])
def play_tide() -> Response:
    play = AudioPlayer.Play(TIDE, "tide-1", metadata=AudioMetadata(title="Tide"))
    return speak("Playing the tide.", directives=[play])


@skill.intent("PlayAndAsk", utterances=["play the tide and ask"])
def play_and_ask() -> Response:
    # A rule violation Alexa takes: the stream is paused at once while it listens.
    play = AudioPlayer.Play(TIDE, "tide-2", metadata=AudioMetadata(title="Tide"))
    return ask("Here is the tide. Anything else?", directives=[play])


def _queued(
    url: str, token: str, *, after: str, title: str, subtitle: str | None = None
) -> AudioPlayer.Play:
    """``url`` queued (ENQUEUE) as ``token``, after the stream whose token is ``after``."""
    return AudioPlayer.Play(
        url,
        token,
        play_behavior="ENQUEUE",
        expected_previous_token=after,
        metadata=AudioMetadata(title=title, subtitle=subtitle),
    )


@skill.intent("QueueFoghorn", utterances=["queue the foghorn"])
def queue_foghorn() -> Response:
    return Response(directives=(_queued(FOGHORN, "foghorn-2", after="tide-1", title="Foghorn"),))


@skill.intent("QueueAfterTide", utterances=["queue the bell after the tide"])
def queue_after_tide() -> Response:
    # After the stream PlayAndAsk holds paused: queued after it, the session still open.
    bell = _queued(BELL, "bell-2", after="tide-2", title="Bell")
    return ask("Queued. Anything else?", directives=[bell])


@skill.intent("QueueAfterHarbour", utterances=["queue the bell after the harbour"])
def queue_after_harbour() -> Response:
    # Expects the harbour: while the tide plays (or nothing does) the device ignores it.
    return Response(directives=(_queued(BELL, "bell-3", after="harbour-1", title="Bell"),))


@skill.intent("QueueAfterFoghorn", utterances=["queue the bell after the foghorn"])
def queue_after_foghorn() -> Response:
    return Response(directives=(_queued(BELL, "bell-4", after="foghorn-1", title="Bell"),))


@skill.intent("QueueBell", utterances=["queue the bell instead"])
def queue_bell() -> Response:
    bell = AudioPlayer.Play(
        BELL, "bell-1", play_behavior="REPLACE_ENQUEUED", metadata=AudioMetadata(title="Bell")
    )
    return Response(directives=(bell,))


@skill.on("AudioPlayer.PlaybackStarted")
def started(request: AudioPlayerRequest) -> Response | None:
    # Speech in reply to PlaybackStarted breaks Alexa's rule: the app drops it, and says so.
    return speak("Ding!") if request.token == "bell-1" else None


@skill.on("AudioPlayer.PlaybackNearlyFinished")
def queue_next(request: AudioPlayerRequest) -> Response | None:
    # The harbour, then the foghorn once: what the device reports, as a real skill queues.
    if request.token != "harbour-1":
        return None
    horn = _queued(
        FOGHORN, "foghorn-1", after=request.token, title="Foghorn", subtitle="The Lighthouse"
    )
    return Response(directives=(horn,))


@skill.on("PlaybackController.NextCommandIssued")
def next_button() -> Response:
    horn = AudioPlayer.Play(
        FOGHORN, "foghorn-1", metadata=AudioMetadata(title="Foghorn", subtitle="The Lighthouse")
    )
    return Response(directives=(horn,))


@skill.on("PlaybackController.PauseCommandIssued")
def pause_button() -> Response:
    return Response(directives=(AudioPlayer.Stop(),))


@skill.intent("LookUp", utterances=["look up the tides"])
async def look_up(api: AlexaApi) -> Response:
    await api.progressive("Let me look.")
    return speak("High tide is at noon.")


@skill.intent("Garble", utterances=["garble it"])
def garble() -> Response:
    # Markup Alexa refuses (a <break time> in capitals, a form Amazon's SSML reference never
    # writes), forced past the app's checks, which refuse it too: Alexa refuses the answer.
    answer = ask(Ssml(f"<speak>Tom and {BREAK_APP_SENDS}Jerry</speak>"), reprompt="Again?")
    return alexa_refuses(answer)


@skill.intent("AMAZON.PauseIntent")
def pause() -> Response:
    return Response(directives=(AudioPlayer.Stop(),))


@skill.intent("AMAZON.HelpIntent")
def help_() -> Response:
    return ask("Ask for the weather at sea, a picture, or book a tour.")


@skill.intent("AMAZON.StopIntent")
@skill.intent("AMAZON.CancelIntent")
def stop() -> Response:
    return speak("Goodbye.")


@skill.session_ended
def ended() -> None:
    return None


#: Markup in what the skill says: the page must show it as text, never make it elements.
HOSTILE = '<img src="x" class="hostile" onerror="window.__xss = 1">'


@skill.intent("ShowMarkup", utterances=["show the markup card"])
def show_markup(session: Session) -> Response:
    session.attributes["markup"] = HOSTILE
    return ask(HOSTILE, reprompt=HOSTILE, card=SimpleCard(HOSTILE, HOSTILE))


@skill.intent("PlayBroken", utterances=["play the broken stream"])
def play_broken() -> Response:
    # The browser tests answer no .ogg: the stream fails to load.
    broken = AudioPlayer.Play("https://streams.example.com/broken.ogg", "broken-1")
    return speak("Playing it.", directives=[broken])


@skill.intent("QueueBellNext", utterances=["queue the bell next"])
def queue_bell_next() -> Response:
    # After the foghorn QueueFoghorn queued: the last stream queued, not the one playing.
    return Response(directives=(_queued(BELL, "bell-5", after="foghorn-2", title="Bell"),))


async def home(request: object) -> PlainTextResponse:
    return PlainTextResponse("the portal's own page")


#: A bigger app with the skill mounted under /lighthouse.
portal = Starlette(routes=[Route("/", home), skill.mount("/lighthouse")])
