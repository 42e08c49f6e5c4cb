"""`DevicePlayer`: the simulated device's audio player, as the test client and chat track it.

What the requests of a device carry in ``context.AudioPlayer`` (the stream it holds, where,
and what it is doing) follows from the skill's answers, as on a real device (Amazon's
"AudioPlayer Interface Reference" and "About the AVS AudioPlayer"):

- ``AudioPlayer.Play`` with ``REPLACE_ALL`` plays its stream at once (``PLAYING``), the queue
  emptied. In a reply that keeps the session open (``shouldEndSession: false``, a rule
  violation Alexa takes) Alexa sends the stream, then pauses it at once to listen for the
  user's answer ("Stream Long-Form Audio with AudioPlayer"): the player holds it ``PAUSED``,
  and plays it once the session ends, unless an answer stopped or replaced it meanwhile.
  ``REPLACE_ENQUEUED`` replaces the queue; ``ENQUEUE`` adds to it only when its
  ``expectedPreviousToken`` is the token of the last stream queued, or of the stream the player
  holds when nothing is queued (the AVS Device SDK's AudioPlayer): the device ignores it
  otherwise, and says so in ``ignored`` (the app reports a `RuleViolation` with ``kept`` only
  where the request and the reply show it, `alexaskill.rules_audio`: the request does not
  carry the queue). Either, when
  nothing plays (``IDLE``, ``STOPPED``, ``FINISHED``), starts the queue at once, as a device
  does (the AVS Device SDK's AudioPlayer; the simulator's page does the same).
- ``AudioPlayer.Stop`` stops the stream (``STOPPED``, the token and offset kept, for a resume);
  ``ClearQueue`` empties the queue, and with ``CLEAR_ALL`` stops the stream as well. Either,
  or a ``REPLACE_ALL`` Play over a stream playing, makes the device send ``PlaybackStopped``
  (``stops`` counts them, ``stopped`` is the last stream stopped, as ``starts`` counts the
  ``PlaybackStarted`` of the streams that start).
- The device's own events say what it does: ``PlaybackStarted`` and ``PlaybackNearlyFinished``
  while ``PLAYING``, ``PlaybackStopped`` and ``PlaybackFailed`` once ``STOPPED``,
  ``PlaybackFinished`` once ``FINISHED``; after that event's answer the next stream in the
  queue, if any, is the one playing (its ``PlaybackStarted`` comes next).

Time does not pass on its own: ``offset_in_milliseconds`` stays where a Play put it until the
test moves it (``client.player.offset_in_milliseconds = 95_000``), so tests stay exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ..directives.audio import MAX_AUDIO_TOKEN
from ..responses.response import ends_session
from ..shown_names import shown, shown_count, shown_value

if TYPE_CHECKING:
    from .response import SkillResponse

__all__ = [
    "ACTIVITIES",
    "PLAYER_EVENTS",
    "DevicePlayer",
    "QueuedStream",
    "device_interfaces",
    "ends_session",
]

#: The values of ``context.AudioPlayer.playerActivity``.
ACTIVITIES: Final = ("IDLE", "PLAYING", "PAUSED", "STOPPED", "FINISHED", "BUFFER_UNDERRUN")

#: The audio player's events (``AudioPlayer.<event>``) and the activity each reports.
PLAYER_EVENTS: Final = {
    "PlaybackStarted": "PLAYING",
    "PlaybackNearlyFinished": "PLAYING",
    "PlaybackFinished": "FINISHED",
    "PlaybackStopped": "STOPPED",
    "PlaybackFailed": "STOPPED",
}


#: The activities of a player that plays nothing: an ENQUEUE starts its queue at once (the AVS
#: Device SDK's AudioPlayer: a Play initiates playback from IDLE, STOPPED and FINISHED).
_IDLE: Final = ("IDLE", "STOPPED", "FINISHED")


def _too_long(name: str, token: str) -> str:
    """Why a test's ``token`` past Amazon's limit is refused, as ``name``."""
    return (
        f"{name} is {len(token):,} characters: Amazon's limit for a stream's token "
        f"(AudioPlayer.Play's audioItem.stream.token) is {MAX_AUDIO_TOKEN:,}"
    )


@dataclass(frozen=True)
class QueuedStream:
    """A stream waiting in the player's queue, as its Play directive gave it.

    A test's ``token`` is one a Play of Alexa's gives: a str, not blank, of at most
    `MAX_AUDIO_TOKEN` characters; ``url`` a str or None, ``offset_in_milliseconds`` a whole
    number ≥ 0, as `DevicePlayer` takes them once the stream plays (a `ValueError` otherwise,
    here, not when the queue comes to it). The player queues what a skill sends as it is
    (`_sent`): the device plays what it is told, and the test sees it.
    """

    token: str
    url: str | None = None
    offset_in_milliseconds: int = 0

    def __post_init__(self) -> None:
        token: object = self.token
        if not isinstance(token, str) or not token.strip():
            raise ValueError(
                f"QueuedStream token is {shown_value(token)}: the stream's token (a str, not "
                "empty nor blank)"
            )
        if len(token) > MAX_AUDIO_TOKEN:
            raise ValueError(_too_long("QueuedStream token", token))
        url: object = self.url
        if url is not None and not isinstance(url, str):
            raise ValueError(
                f"QueuedStream url is {shown_value(url)}: the stream's URL (a str), or None"
            )
        offset: object = self.offset_in_milliseconds
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise ValueError(
                f"QueuedStream offset_in_milliseconds is {shown_value(offset)}: a number of ms, "
                "0 or more"
            )

    @classmethod
    def _sent(cls, token: str, url: str | None, offset_in_milliseconds: int) -> QueuedStream:
        """The stream as a skill's Play sent it, its token unchecked (a blank one, or one past
        the limit from a server in ``chat --url``): what the device follows."""
        stream = object.__new__(cls)
        object.__setattr__(stream, "token", token)
        object.__setattr__(stream, "url", url)
        object.__setattr__(stream, "offset_in_milliseconds", offset_in_milliseconds)
        return stream


@dataclass
class DevicePlayer:
    """The device's audio player: the stream it holds (``token``, ``url``), where it is
    (``offset_in_milliseconds``), what it does (``activity``), and what is queued after it.

    Set its fields to start a test from any state (``DevicePlayer("ep-42", activity=
    "PLAYING")``, or ``client.player.activity = "PAUSED"``); the test client and chat move it
    along with the skill's answers and the events they send. A ``token`` set is one a Play of
    Alexa's gives, as `QueuedStream`'s is (not blank, at most `MAX_AUDIO_TOKEN` characters: a
    `ValueError` otherwise); the skill's own Play is followed whatever its token.
    """

    token: str | None = None
    activity: str = "IDLE"
    offset_in_milliseconds: int = 0
    url: str | None = None
    queue: list[QueuedStream] = field(default_factory=list)
    #: How many streams the player has started (a Play that replaced the stream, the next one
    #: queued after a PlaybackFinished, a stream paused for the session once it ended): each is
    #: a PlaybackStarted the device sends on its own (``alexaskill chat`` sends it; a test
    #: sends it with ``client.audio_event``).
    starts: int = field(default=0, init=False, compare=False, repr=False)
    #: How many times a directive stopped a stream the player was playing (``Stop``,
    #: ``ClearQueue`` with ``CLEAR_ALL``, a ``REPLACE_ALL`` Play of another): each is a
    #: PlaybackStopped the device sends on its own (Amazon's AudioPlayer reference;
    #: ``alexaskill chat`` sends it, a test with ``client.audio_event``).
    stops: int = field(default=0, init=False, compare=False, repr=False)
    #: The stream the last of those stopped, where it stopped (the one held, or one replaced).
    stopped: QueuedStream | None = field(default=None, init=False, compare=False, repr=False)
    #: ``stops`` as it was at the last PlaybackStopped `report`ed: fewer, a stop not yet told
    #: (which ``alexaskill chat --audio-events manual`` leaves to ``/audio stopped``).
    stops_told: int = field(default=0, init=False, compare=False, repr=False)
    #: ``starts`` as it was at the last PlaybackStarted `report`ed: fewer, a start not yet told
    #: (which ``alexaskill chat --audio-events manual`` leaves to ``/audio started``).
    starts_told: int = field(default=0, init=False, compare=False, repr=False)
    #: ``starts`` as it was at the last PlaybackNearlyFinished `report`ed (None: none yet): a
    #: device sends it once per stream started.
    nearly_told: int | None = field(default=None, init=False, compare=False, repr=False)
    #: Whether the stream held is paused while Alexa listens in the session (a Play in a reply
    #: that kept it open), to play when the session ends (`session_ended`).
    paused_for_session: bool = field(default=False, init=False, compare=False, repr=False)
    #: What the device ignored of the skill's directives, in words, oldest first (an ENQUEUE
    #: that does not follow the stream last queued): ``alexaskill chat`` shows each once.
    ignored: list[str] = field(default_factory=list, init=False, compare=False, repr=False)

    def __setattr__(self, name: str, value: Any) -> None:
        # Checked whenever set (a test sets them: ``client.player.activity = "PAUSED"``), as
        # Alexa reports them: a skill comparing with PAUSED never matches "paused".
        if name == "activity" and value not in ACTIVITIES:
            raise ValueError(
                f"activity is {shown_value(value)}; use one of {', '.join(ACTIVITIES)}"
            )
        if name == "offset_in_milliseconds" and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise ValueError(
                f"offset_in_milliseconds is {shown_value(value)}: a number of ms, 0 or more"
            )
        if name == "token" and value is not None and not isinstance(value, str):
            raise ValueError(f"token is {shown_value(value)}: the stream's token (a str), or None")
        if name == "token" and isinstance(value, str) and not value.strip():
            # (as a blank id is refused: a test's mistake; a skill's Play is followed, `_hold`)
            raise ValueError(
                f"token is {shown_value(value)}: the stream's token (a str, not empty nor "
                "blank), or None"
            )
        if name == "token" and isinstance(value, str) and len(value) > MAX_AUDIO_TOKEN:
            raise ValueError(_too_long("token", value))
        if name == "url" and value is not None and not isinstance(value, str):
            raise ValueError(f"url is {shown_value(value)}: the stream's URL (a str), or None")
        if name == "queue" and (
            not isinstance(value, list) or not all(isinstance(s, QueuedStream) for s in value)
        ):
            raise ValueError(
                f"queue is {shown_value(value)}: a list of QueuedStream (QueuedStream('ep-2', "
                "url=...)), the streams after the one held"
            )
        super().__setattr__(name, value)

    def context(self) -> dict[str, Any]:
        """``context.AudioPlayer`` of a request from this device."""
        if self.token is None:
            return {"playerActivity": self.activity}
        return {
            "token": self.token,
            "offsetInMilliseconds": self.offset_in_milliseconds,
            "playerActivity": self.activity,
        }

    def describe(self) -> str:
        """In words: ``PLAYING ep-42 at 0 ms, then ep-43``, or ``IDLE``."""
        if self.token is None:
            return self.activity
        # (tokens cut: a skill's, up to 1,024 characters each, made a row as long)
        at = shown_count(self.offset_in_milliseconds)
        said = f"{self.activity} {shown(self.token)} at {at} ms"
        if self.queue:
            said += ", then " + ", ".join(shown(stream.token, most=40) for stream in self.queue)
        return said

    # --- what the device does ---

    def follow(
        self, directives: Iterable[Mapping[str, Any]], *, session_open: bool = False
    ) -> None:
        """Do what the AudioPlayer directives of an answer (as JSON) tell the device to;
        ``session_open``: the answer keeps the session open (``shouldEndSession: false``), and a
        stream it starts is paused while Alexa listens."""
        for directive in directives:
            type_ = directive.get("type")
            if type_ == "AudioPlayer.Play":
                self._play(directive, session_open)
            elif type_ == "AudioPlayer.Stop":
                self._stop()
            elif type_ == "AudioPlayer.ClearQueue":
                self.queue.clear()
                if directive.get("clearBehavior") == "CLEAR_ALL":
                    self._stop()

    def _play(self, directive: Mapping[str, Any], session_open: bool = False) -> None:
        item = directive.get("audioItem")
        stream = item.get("stream") if isinstance(item, Mapping) else None
        if not isinstance(stream, Mapping) or not isinstance(stream.get("token"), str):
            return  # the app refuses such a reply before it goes out
        offset = stream.get("offsetInMilliseconds")
        queued = QueuedStream._sent(
            stream["token"],
            stream.get("url") if isinstance(stream.get("url"), str) else None,
            offset
            if isinstance(offset, int) and not isinstance(offset, bool) and offset >= 0
            else 0,
        )
        behavior = directive.get("playBehavior", "REPLACE_ALL")
        if behavior == "ENQUEUE":
            # "If the tokens don't match, ignore the stream" (About the AVS AudioPlayer): the
            # last stream queued, or the one held when none is (the AVS Device SDK's check).
            follows = self.queue[-1].token if self.queue else self.token
            expected = stream.get("expectedPreviousToken")
            if follows is None or expected != follows:
                said = (
                    "names no expectedPreviousToken" if expected is None else f"expects {expected}"
                )
                self.ignored.append(
                    f"the device ignores the ENQUEUE of {queued.token}: it {said}, but the "
                    f"device follows {follows or 'no stream'}"
                )
                return
            self.queue.append(queued)
        elif behavior == "REPLACE_ENQUEUED":
            self.queue[:] = [queued]
        if behavior in ("ENQUEUE", "REPLACE_ENQUEUED"):
            if self.activity in _IDLE:
                # Nothing plays (stopped, or over): the device starts its queue at once.
                self._start(self.queue.pop(0), session_open)
        else:
            self.queue.clear()
            self._stopping()  # the stream playing, replaced
            self._start(queued, session_open)

    def _start(self, stream: QueuedStream, session_open: bool) -> None:
        """Play ``stream``, or, in a reply keeping the session open, hold it paused."""
        self._hold(stream)
        self.paused_for_session = session_open
        if session_open:  # sent to the device, then paused at once to listen
            self.activity = "PAUSED"
        else:
            self.activity = "PLAYING"
            self.starts += 1

    def answered(
        self, envelope: Mapping[str, Any], result: SkillResponse, *, own_session: bool = True
    ) -> None:
        """Do what the skill's answer ``result`` to ``envelope`` tells the device to: `follow`
        its directives (an answer other than HTTP 200 has none that play, nor has one Alexa
        refuses: `_alexa_takes`), and when the request was in a session that is now over
        (ended by the answer, `ends_session` for the request's device and the answer's
        directives, a SessionEndedRequest, a failed request, or an answer Alexa refuses),
        `session_ended`; unless ``own_session`` is false: that session was not the device's
        conversation (a CanFulfillIntentRequest probe, a replayed request), and the stream
        paused for the conversation stays paused."""
        request = envelope.get("request")
        request_type = request.get("type") if isinstance(request, Mapping) else None
        taken = result.status_code == 200 and _alexa_takes(str(request_type), result)
        if taken:
            self.follow(result.directives, session_open=result.should_end_session is False)
        directives = [d for d in result.directives if _directive_object(d)]  # (from any server)
        over = (
            request_type == "SessionEndedRequest"
            or not taken  # (refused: Alexa ends the session of the request)
            or ends_session(result.should_end_session, device_interfaces(envelope), directives)
        )
        if own_session and envelope.get("session") is not None and over:
            self.session_ended()

    def session_ended(self) -> None:
        """The session is over: a stream paused while Alexa listened plays now."""
        if self.paused_for_session and self.activity == "PAUSED":
            self.activity = "PLAYING"
            self.starts += 1
        self.paused_for_session = False

    def forget(self) -> None:
        """The device declares no AudioPlayer interface: it holds no stream, nor a queue (the
        simulator's page drops its player the same way)."""
        self.token = self.url = self.stopped = None
        self.activity, self.offset_in_milliseconds = "IDLE", 0
        self.queue.clear()
        self.paused_for_session = False

    def _hold(self, stream: QueuedStream) -> None:
        # The skill's token as it gave it, even a blank one (its Play takes any but ""): the
        # device plays what it is sent, and the requests show it.
        object.__setattr__(self, "token", stream.token)
        self.url = stream.url
        self.offset_in_milliseconds = stream.offset_in_milliseconds

    def _stop(self) -> None:
        if self.activity in ("PLAYING", "PAUSED", "BUFFER_UNDERRUN"):
            self._stopping()
            self.activity = "STOPPED"
        self.paused_for_session = False

    def _stopping(self) -> None:
        """Count the stream held as stopped by a directive, if it played (one paused for the
        session never started: none to report)."""
        if self.token is None or self.paused_for_session:
            return
        if self.activity in ("PLAYING", "PAUSED", "BUFFER_UNDERRUN"):
            self.stops += 1
            self.stopped = QueuedStream._sent(self.token, self.url, self.offset_in_milliseconds)

    # --- the device's own events ---

    def report(self, event: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The ``request`` fields of ``AudioPlayer.<event>`` from this player: ``fields`` given
        by the test win (a ``token`` given becomes the stream the player holds, so that the
        request's context agrees with it; a queued one is taken from the queue), the rest are
        the player's. The player takes the
        activity the event reports. With no token given or held, ``fields`` as they are."""
        if event not in PLAYER_EVENTS:
            raise ValueError(
                f"no audio player event {shown_value(event)}; one of {', '.join(PLAYER_EVENTS)}"
            )
        untold = self.stops > self.stops_told
        if event == "PlaybackStopped":
            self.stops_told = self.stops
        elif event == "PlaybackStarted":
            self.starts_told = self.starts
        elif event == "PlaybackNearlyFinished":
            self.nearly_told = self.starts
        token = fields.get("token", self.token)
        # A blank token the test gives, or one past Amazon's limit (which the player refuses
        # from a test, as QueuedStream does), is its bad request, unless it names a stream a
        # skill's Play gave (held, queued, or stopped by a Play): that stream's event.
        made_up = (
            "token" in fields
            and isinstance(token, str)
            and (not token.strip() or len(token) > MAX_AUDIO_TOKEN)
            and token != self.token
            and all(stream.token != token for stream in self.queue)
            and (self.stopped is None or self.stopped.token != token)
        )
        if not isinstance(token, str) or not token or made_up:
            return dict(fields)  # no stream to speak of: sent as given (a test of a bad request)
        if event == "PlaybackFailed" and token != self.token and self._unqueue(token):
            # A queued stream that failed to load: the one playing plays on, and the request's
            # currentPlaybackState (the player's state at the error) is that stream's.
            return {
                "token": token,
                "offsetInMilliseconds": 0,
                "error": {"type": "MEDIA_ERROR_UNKNOWN", "message": "unknown"},
                "currentPlaybackState": self.context(),
                **fields,
            }
        stopped = self.stopped
        if (
            event == "PlaybackStopped"
            and stopped
            and stopped.token == token
            and (
                token != self.token
                or (untold and (self.activity == "PLAYING" or self.paused_for_session))
            )
        ):
            # The stream a Play replaced as it played (its stop not yet told, when the Play
            # was of the same token): the one that replaced it plays on, or stays held paused
            # for the session.
            return {
                "token": token,
                "offsetInMilliseconds": stopped.offset_in_milliseconds,
                **fields,
            }
        if token != self.token:
            queued = next((n for n, stream in enumerate(self.queue) if stream.token == token), None)
            if queued is not None:
                # The device moved on to a queued stream (those before it played out): it holds
                # that one, its URL and offset, and the queue keeps what follows it.
                self._hold(self.queue[queued])
                del self.queue[: queued + 1]
            else:
                self.token, self.url = token, None
                self.offset_in_milliseconds = 0
        offset = fields.get("offsetInMilliseconds", self.offset_in_milliseconds)
        if isinstance(offset, int) and not isinstance(offset, bool) and offset >= 0:
            self.offset_in_milliseconds = offset  # (a bad one given is sent, not held)
        before = self.context()
        self.activity = PLAYER_EVENTS[event]
        self.paused_for_session = False  # the test says what the player does
        request: dict[str, Any] = {
            "token": token,
            "offsetInMilliseconds": self.offset_in_milliseconds,
            **fields,
        }
        if event == "PlaybackFailed":
            # Amazon's AudioPlayer reference: the error, and the state the player was in.
            request.setdefault("error", {"type": "MEDIA_ERROR_UNKNOWN", "message": "unknown"})
            request.setdefault(
                "currentPlaybackState", {**before, "token": token, "playerActivity": "PLAYING"}
            )
        return request

    def _unqueue(self, token: str) -> bool:
        """Take the stream ``token`` out of the queue; whether it was there."""
        kept = [stream for stream in self.queue if stream.token != token]
        found = len(kept) < len(self.queue)
        self.queue[:] = kept
        return found

    def finished(self) -> None:
        """After a PlaybackFinished was answered: the next stream queued, if any, plays."""
        if self.activity == "FINISHED" and self.queue:
            self._hold(self.queue.pop(0))
            self.activity = "PLAYING"
            self.starts += 1


def _alexa_takes(request_type: str, result: SkillResponse) -> bool:
    """Whether Alexa takes ``result`` in reply to ``request_type``: not one to an AudioPlayer
    or PlaybackController event (or System.ExceptionEncountered) with speech, a card, a
    reprompt or a directive the event does not take (Amazon's AudioPlayer reference; a server
    not made with alexaskill may send one): Alexa refuses it whole, and the device does none
    of it. Nor, to any request, one Alexa refuses for its SSML (``refusal``) or with a
    directive that is no JSON object with a string type; nor any answer to a
    SessionEndedRequest, which takes none."""
    from ..rules import audio_reply_directives, takes_only_audio

    if getattr(result, "refusal", None) is not None:  # (a stand-in of a result may have none)
        return False
    if request_type == "SessionEndedRequest":  # Alexa takes no response to it
        return False
    if not all(_directive_object(directive) for directive in result.directives):
        return False
    if not takes_only_audio(request_type):
        return True
    if result.speech is not None or result.card is not None or result.reprompt is not None:
        return False
    known = audio_reply_directives(request_type)
    return all(directive.get("type") in known for directive in result.directives)


def _directive_object(directive: Any) -> bool:
    """Whether ``directive`` (from an answer's JSON) is an object whose type is a string."""
    return isinstance(directive, Mapping) and isinstance(directive.get("type"), str)


def device_interfaces(envelope: Mapping[str, Any]) -> list[str]:
    """The ``supportedInterfaces`` the device of ``envelope`` declares (none, if it says none)."""
    found: Any = envelope
    for key in ("context", "System", "device", "supportedInterfaces"):
        found = found.get(key) if isinstance(found, Mapping) else None
    return list(found) if isinstance(found, Mapping) else []
