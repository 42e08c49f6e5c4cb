"""Podcast: stream episodes with AudioPlayer, pause, resume where the user stopped, queue the next.

Run it with ``uvicorn examples.podcast.app:skill`` from the repository root (the skill needs the
AudioPlayer interface switched on in the developer console). What it shows:

- ``AudioPlayer.Play`` with metadata, from LaunchRequest and the built-in intents;
- pausing by voice (``AMAZON.PauseIntent``) and by button (``PlaybackController``) with
  ``AudioPlayer.Stop``; the same handler serves both, and the app drops the
  ``shouldEndSession`` that a PlaybackController reply may not carry;
- resuming from the offset of the last ``AudioPlayer.PlaybackStopped`` (or, failing that, from
  ``context.AudioPlayer``);
- queueing the next episode on ``AudioPlayer.PlaybackNearlyFinished`` with ``ENQUEUE`` and the
  token of the stream it follows;
- "play episode forty two": a dialog Alexa runs by itself, asking for the number when it is
  missing and checking that the episode exists before the skill hears of it.

Where the user is in which episode is kept in memory, per user id: enough for an example. A real
skill keeps it in persistent storage, since the process can restart between two requests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from alexaskill import (
    AudioPlayerRequest,
    ConfigurationError,
    Context,
    DialogSlot,
    IntentRequest,
    Request,
    Response,
    Skill,
    SystemExceptionRequest,
    User,
    Validate,
    ask,
    elicit_slot,
    settings_from_env,
    speak,
)
from alexaskill.directives import AudioMetadata, AudioPlayer

# ALEXASKILL_SKILL_ID as a deployed skill reads it (one id, or several separated by commas;
# README, "Configuration from the environment"); unset or empty, the example id. A value that
# names no id (blank, commas only) is refused: the server stops in one line, not a traceback.
try:
    _settings = settings_from_env()
except ConfigurationError as exc:
    raise SystemExit(f"alexaskill: {exc}") from None
SKILL_ID = _settings.skill_ids or ("amzn1.ask.skill.00000000-0000-0000-0000-000000000000",)

logger = logging.getLogger(__name__)

skill = Skill(skill_id=SKILL_ID)

SHOW = "The alexaskill podcast"
ART = "https://cdn.example.com/podcast/art.png"
HELP = "You can say play, pause, resume, next or previous."


@dataclass(frozen=True)
class Episode:
    """One episode: the token that identifies its stream, its title and its HTTPS URL."""

    token: str
    title: str
    url: str


EPISODES = (
    Episode("episode-0041", "Episode 41: Typed requests", "https://cdn.example.com/podcast/41.mp3"),
    Episode("episode-0042", "Episode 42: Verification", "https://cdn.example.com/podcast/42.mp3"),
    Episode("episode-0043", "Episode 43: Dialogs", "https://cdn.example.com/podcast/43.mp3"),
)
_BY_TOKEN = {episode.token: index for index, episode in enumerate(EPISODES)}


@dataclass
class Listener:
    """Where one user is: the episode's token and the offset at which playback last stopped."""

    token: str = EPISODES[0].token
    offset: int = 0


LISTENERS: dict[str, Listener] = {}


def listener(user: User) -> Listener:
    """The user's place in the podcast (in memory, see the module docstring)."""
    return LISTENERS.setdefault(user.user_id, Listener())


def episode_after(token: str | None, step: int = 1) -> Episode | None:
    """The episode ``step`` after the one with ``token``: None past either end, and None for a
    token of no episode here (one taken off the feed, an older version's): what follows a
    stream the skill cannot place is no guess to make (it was the first episode)."""
    index = _BY_TOKEN.get(token or "")
    if index is None:
        return None
    index += step
    return EPISODES[index] if 0 <= index < len(EPISODES) else None


def play(episode: Episode, offset: int = 0) -> AudioPlayer.Play:
    """Play ``episode`` now, from ``offset`` milliseconds."""
    return AudioPlayer.Play(
        episode.url,
        episode.token,
        offset_in_milliseconds=offset,
        metadata=AudioMetadata(title=episode.title, subtitle=SHOW, art=ART),
    )


def start(user: User, episode: Episode, offset: int = 0, *, say: str | None = None) -> Response:
    """Play ``episode`` for ``user`` and end the session (the audio plays on)."""
    state = listener(user)
    state.token, state.offset = episode.token, offset
    directives = [play(episode, offset)]
    if say is None:
        return Response(directives=tuple(directives), should_end_session=True)
    return speak(say, directives=directives)


# --- voice --------------------------------------------------------------------------------------


@skill.launch
@skill.intent(
    "PlayPodcast",
    utterances=[
        "play the podcast",
        "play the latest episode",
        "play the newest episode",
        "play the show",
        "what's new",
    ],
)
def launch(user: User) -> Response:
    latest = EPISODES[-1]
    return start(user, latest, say=f"Playing {latest.title}.")


FIRST_NUMBER = int(EPISODES[0].token.rsplit("-", 1)[1])
LAST_NUMBER = int(EPISODES[-1].token.rsplit("-", 1)[1])


@skill.intent(
    "PlayEpisode",
    utterances=[
        "play an episode",
        "play episode {number}",
        "play episode number {number}",
        "i want to hear episode {number}",
        "put on episode {number}",
    ],
    slots={
        "number": DialogSlot(
            "AMAZON.NUMBER",
            elicit="Which episode? The latest is number forty three.",
            samples=["{number}", "episode {number}", "number {number}"],
            validations=[
                Validate.at_least(FIRST_NUMBER, "The first episode is forty one. Which episode?"),
                Validate.at_most(LAST_NUMBER, "The latest is forty three. Which episode?"),
            ],
        )
    },
)
def play_episode(user: User, number: int) -> Response:
    # Alexa's dialog checks the number first; a model uploaded without it would not.
    if not FIRST_NUMBER <= number <= LAST_NUMBER:
        return elicit_slot("number", "The episodes go from forty one to forty three. Which one?")
    episode = EPISODES[number - FIRST_NUMBER]
    return start(user, episode, say=f"Playing {episode.title}.")


@skill.intent("AMAZON.ResumeIntent")
@skill.on("PlaybackController.PlayCommandIssued")
def resume(user: User, context: Context) -> Response:
    state = LISTENERS.get(user.user_id)
    player = context.audio_player
    if state is None and player is not None and player.token in _BY_TOKEN:
        # Nothing saved here (a restart, say): the device still knows where it stopped.
        state = Listener(player.token, player.offset_in_milliseconds or 0)
    state = state or Listener()
    return start(user, EPISODES[_BY_TOKEN.get(state.token, 0)], state.offset)


# Alexa reads a built-in intent's samples only as said: "pause it" is no "pause" but a sample.
@skill.intent("AMAZON.PauseIntent", utterances=["pause it", "pause the episode"])
@skill.on("PlaybackController.PauseCommandIssued")
def pause() -> Response:
    # The offset to resume from arrives with the AudioPlayer.PlaybackStopped that follows.
    return Response(directives=(AudioPlayer.Stop(),), should_end_session=True)


# Amazon lets a skill extend a built-in intent with its own samples: the built-in ones say "next"
# and "skip", not the episodes this skill plays ("play the next episode" was PlayPodcast).
@skill.intent(
    "AMAZON.NextIntent",
    utterances=[
        *("play the next episode", "next episode", "skip this episode", "skip this one"),
        "go to the next one",
    ],
)
@skill.on("PlaybackController.NextCommandIssued")
def next_episode(user: User, request: Request) -> Response | None:
    episode = episode_after(listener(user).token)
    if episode is None:
        # A button press takes no speech (Alexa would refuse it): only the voice request hears it.
        return speak("That was the latest episode.") if isinstance(request, IntentRequest) else None
    return start(user, episode)


@skill.intent(
    "AMAZON.PreviousIntent",
    utterances=[
        *("play the previous episode", "previous episode", "go to the previous episode"),
        "previous",
    ],
)
@skill.on("PlaybackController.PreviousCommandIssued")
def previous_episode(user: User, request: Request) -> Response | None:
    episode = episode_after(listener(user).token, -1)
    if episode is None:
        return speak("That is the first episode.") if isinstance(request, IntentRequest) else None
    return start(user, episode)


@skill.intent("AMAZON.StartOverIntent", utterances=["start from the beginning"])
def start_over(user: User) -> Response:
    return start(user, EPISODES[_BY_TOKEN.get(listener(user).token, 0)])


@skill.intent("AMAZON.StopIntent")
@skill.intent("AMAZON.CancelIntent")
def stop() -> Response:
    return speak("Goodbye.", directives=[AudioPlayer.Stop()])


@skill.intent("AMAZON.HelpIntent")
def help_() -> Response:
    return ask(HELP)


@skill.intent("AMAZON.FallbackIntent")
@skill.fallback
def fallback() -> Response:
    # Loop, shuffle and repeat have no meaning for a podcast.
    return ask(f"Sorry, I can't do that. {HELP}", reprompt=HELP)


@skill.session_ended
def session_ended() -> None:
    return None


# --- what the player reports ---------------------------------------------------------------------


def remember(request: AudioPlayerRequest, user: User) -> None:
    """Where ``user`` is, as the player reports it: not for a stream of no episode here (see
    `episode_after`), whose offset is no place in any episode of ours."""
    if request.token in _BY_TOKEN:
        state = listener(user)
        state.token, state.offset = request.token, request.offset_in_milliseconds or 0


@skill.on("AudioPlayer.PlaybackStarted")
def started(request: AudioPlayerRequest, user: User) -> None:
    remember(request, user)


@skill.on("AudioPlayer.PlaybackStopped")
def stopped(request: AudioPlayerRequest, user: User) -> None:
    # Alexa takes no answer here: only remember where to resume.
    remember(request, user)


@skill.on("AudioPlayer.PlaybackNearlyFinished")
def nearly_finished(request: AudioPlayerRequest) -> Response | None:
    following = episode_after(request.token)
    if following is None:
        return None
    return Response(
        directives=(
            AudioPlayer.Play(
                following.url,
                following.token,
                play_behavior="ENQUEUE",
                expected_previous_token=request.token,
                metadata=AudioMetadata(title=following.title, subtitle=SHOW, art=ART),
            ),
        )
    )


@skill.on("AudioPlayer.PlaybackFinished")
def finished(request: AudioPlayerRequest, user: User) -> None:
    if request.token not in _BY_TOKEN:
        return  # a stream of no episode here (see remember): the listener's place stays
    following = episode_after(request.token)
    state = listener(user)
    # The queued episode (if any) starts next; PlaybackStarted will confirm it.
    state.token, state.offset = (following or EPISODES[-1]).token, 0


@skill.on("AudioPlayer.PlaybackFailed")
def failed(request: AudioPlayerRequest) -> None:
    error = request.error
    logger.warning("playback of %s failed: %s", request.token, error.message if error else "?")


@skill.on("System.ExceptionEncountered")
def exception_encountered(request: SystemExceptionRequest) -> None:
    error = request.error
    logger.error("Alexa refused a response: %s", error.message if error else "?")
