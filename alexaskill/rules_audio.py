"""The AudioPlayer rules a reply breaks with Alexa taking it all the same, for `alexaskill.rules`.

Each check returns the `RuleViolation` (``kept``: the reply goes out as it is) that
`alexaskill.rules.check_reply` logs at WARNING and hands to the test client:

- an ``AudioPlayer.Play`` with ``ENQUEUE`` the device ignores whatever its queue holds: a device
  takes one whose ``expectedPreviousToken`` is the token of the last stream queued, or of the
  stream it holds when nothing is queued (the AVS Device SDK's AudioPlayer; Amazon's "About the
  AVS AudioPlayer", playback queue management). The request names only the stream held
  (``context.AudioPlayer.token``), not the queue, so an ENQUEUE after another token may be right
  (after a stream queued earlier); what is flagged is an ENQUEUE when the player holds no stream
  (nothing to follow), and one after a ClearQueue of the same reply (the queue emptied) that
  names another stream than the one held;
- an ``AudioPlayer.Play`` that starts a stream (``REPLACE_ALL``; any behaviour when the request
  says the player plays nothing, ``IDLE``, ``STOPPED`` or ``FINISHED``: the device starts its
  queue at once) in a reply to a LaunchRequest, an IntentRequest or another request in a session
  that keeps the session open (``shouldEndSession: false``): Amazon has the reply with the Play
  end the session, and otherwise sends the stream to the device, then pauses it at once to
  listen for the user's answer ("Stream Long-Form Audio with AudioPlayer", playback control; the
  AudioPlayer Interface Reference, Play directive).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .exceptions import RuleViolation
from .models import Envelope
from .responses import Directive, Response, directive_type
from .shown_names import shown_value

__all__ = ["enqueue_violations", "open_session_play"]

#: The activities of a player that plays nothing: a Play of any behaviour starts a stream.
_IDLE = ("IDLE", "STOPPED", "FINISHED")


def enqueue_violations(
    response: Response, envelope: Envelope, handler: str
) -> Iterator[RuleViolation]:
    """The ENQUEUEs of ``response`` the device ignores whatever its queue holds (none when the
    request does not say what the player holds: the device decides alone)."""
    context = envelope.context
    player = None if context is None else context.audio_player
    if player is None:
        return
    playing = player.token or None
    # The token an ENQUEUE must name when the request and the reply tell it (a reply has one
    # Play at most): none will do with no stream held (""); after a ClearQueue of the reply, the
    # stream held; else None, the queue unknown.
    last: str | None = "" if playing is None else None
    for directive in response.directives:
        if directive_type(directive) == "AudioPlayer.ClearQueue":
            last = playing or ""
        elif _behavior(directive) == "ENQUEUE":
            expected = _stream(directive).get("expectedPreviousToken")
            if isinstance(expected, str) and last is not None and expected != last:
                yield _ignored(expected, last, envelope, handler)


def _ignored(expected: str, last: str, envelope: Envelope, handler: str) -> RuleViolation:
    if last:
        holds = (
            f"holds {shown_value(last)} (context.AudioPlayer.token) and the reply's ClearQueue "
            "empties the queue"
        )
    else:
        holds = "holds no stream (context.AudioPlayer.token), nor a queue"
    rule = (
        "an ENQUEUE follows the last stream queued, or the stream the player holds when "
        "nothing is queued, and the device ignores one that expects "
        f"{shown_value(expected)} while it {holds}: nothing is queued after the current stream"
    )
    request = envelope.request
    return RuleViolation(
        request.type,
        ("AudioPlayer.Play",),
        rule,
        handler=handler,
        request_id=request.request_id,
        kept=True,
    )


def open_session_play(response: Response, envelope: Envelope, handler: str) -> RuleViolation | None:
    """The violation of a reply whose Play starts a stream while the session stays open (the
    caller asks for a LaunchRequest's, an IntentRequest's, and any other's in a session: a
    purchase's Connections.Response, a screen's UserEvent), else None."""
    if response.should_end_session is not False:
        return None  # ended, or omitted (the device decides, as Amazon's Response reference says)
    context = envelope.context
    player = None if context is None else context.audio_player
    # A player that plays nothing starts its queue at once (the AVS Device SDK's AudioPlayer,
    # from IDLE, STOPPED or FINISHED), so an ENQUEUE or a REPLACE_ENQUEUED starts a stream too.
    idle = player is not None and player.player_activity in _IDLE
    held = player.token if player is not None else None

    def starts(directive: Directive | Mapping[str, Any]) -> bool:
        behavior = _behavior(directive)
        if behavior == "ENQUEUE":
            # Only one after the stream held is sure to be taken (one after none, or after
            # another token, is ignored unless the queue, which the request does not show,
            # ends with it).
            return idle and bool(held) and _stream(directive).get("expectedPreviousToken") == held
        return behavior == "REPLACE_ALL" or (idle and behavior == "REPLACE_ENQUEUED")

    if not any(starts(directive) for directive in response.directives):
        return None
    rule = (
        "a reply with an AudioPlayer.Play that starts a stream ends the session "
        "(shouldEndSession true: speak(), or Response(..., should_end_session=True)); with the "
        "session open, Alexa sends the stream to the device, then pauses it at once to listen "
        "for the user's answer, and the user hears none of it meanwhile"
    )
    request = envelope.request
    return RuleViolation(
        request.type,
        ("AudioPlayer.Play", "shouldEndSession: false"),
        rule,
        handler=handler,
        request_id=request.request_id,
        kept=True,
        fate="the stream is paused at once",
    )


def _behavior(directive: Directive | Mapping[str, Any]) -> str | None:
    """The ``playBehavior`` of an AudioPlayer.Play (``REPLACE_ALL`` when not given), else None."""
    if directive_type(directive) != "AudioPlayer.Play":
        return None
    if isinstance(directive, Directive):
        behavior = getattr(directive, "play_behavior", "REPLACE_ALL")
    else:
        behavior = directive.get("playBehavior", "REPLACE_ALL")
    return behavior if isinstance(behavior, str) else None


def _stream(directive: Directive | Mapping[str, Any]) -> Mapping[str, Any]:
    """An AudioPlayer.Play's ``audioItem.stream``, as JSON names it."""
    if isinstance(directive, Directive):
        expected = getattr(directive, "expected_previous_token", None)
        return {} if expected is None else {"expectedPreviousToken": expected}
    item = directive.get("audioItem")
    stream = item.get("stream") if isinstance(item, Mapping) else None
    return stream if isinstance(stream, Mapping) else {}
