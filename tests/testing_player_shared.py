"""What the test client's audio player tests share (tests/test_testing_player*.py): the episodes
played, the player's state read, and a podcast skill that asks before it plays.
"""

from __future__ import annotations

from alexaskill import Skill
from alexaskill.directives import AudioPlayer
from alexaskill.models import Context
from alexaskill.responses import Response, speak

from .conftest import SKILL_ID

EPISODES = [f"https://cdn.example.com/podcast/episode-{n}.mp3" for n in range(3)]


def _state(player: object) -> tuple[object, object, object]:
    return (
        getattr(player, "token", None),
        getattr(player, "offset_in_milliseconds", None),
        getattr(player, "player_activity", None),
    )


def _asking_podcast(seen: list[object]) -> Skill:
    """A skill whose Play keeps the session open (a rule violation Alexa takes: it pauses the
    stream at once to listen), recording the context each request carries."""
    from alexaskill.responses import ask

    skill = Skill(SKILL_ID)

    @skill.intent("PlayAndAsk")
    def play_and_ask(context: Context) -> Response:
        seen.append(_state(context.audio_player))
        return ask("Here it is. Another?", directives=[AudioPlayer.Play(EPISODES[0], "0")])

    @skill.intent("AMAZON.NoIntent")
    def no(context: Context) -> Response:
        seen.append(_state(context.audio_player))
        return speak("Enjoy.")

    @skill.intent("AMAZON.StopIntent")
    def stop(context: Context) -> Response:
        seen.append(_state(context.audio_player))
        return speak("Goodbye.", directives=[AudioPlayer.Stop()])

    return skill
