"""`Skill`: the object a skill author decorates, and the ASGI app that serves it.

A request goes through these steps, each of which can only refuse it with a 4xx and a short
JSON reason:

1. method (POST) and media type (JSON), then the body, read up to ``max_body_size``;
2. verification of the signature, certificate chain and timestamp (`alexaskill.verify`);
3. decoding into a typed `Envelope`, and the skill-id check;
4. the before-request hooks, in the order they were registered (one that returns a `Response`
   answers: the rest and the handler are skipped);
5. the handler (dispatch by request type and intent);
6. the after-request hooks, each of which may replace the reply;
7. Alexa's rules for the request type (`alexaskill.rules`), then encoding as the response
   envelope.

Anything a handler or a hook does wrong (raising, returning something that is not a response,
breaking a response limit) is answered with a spoken apology and logged with its traceback:
Alexa always gets a well-formed answer, never a 500.

`Skill` holds the configuration; what it does comes from one class per concern, each built on
the one before: `alexaskill.registration` (the add_* methods and the decorators over them),
`alexaskill.apologising` (the apology, and who is told of a failure), `alexaskill.answering`
(steps 4 to 7, sans-IO), `alexaskill.deadline_answering` (the deadline and automatic
progressive responses), `alexaskill.skill_closing` (what the skill opened, closed),
`alexaskill.handling` (steps 2 and 3, then the handler under the deadline: one POST's answer)
and `alexaskill.asgi` (the ASGI app; step 1 is its endpoint's, `alexaskill.endpoint`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, Self

# The framework's sentences, still importable from here (`from alexaskill.app import APOLOGY`).
from .answering import APOLOGY as APOLOGY
from .answering import PERMISSION_PROMPT as PERMISSION_PROMPT
from .answering import SLOT_PROMPT as SLOT_PROMPT
from .answering import STORE_FAILURE_EVERY
from .answering import UNHANDLED as UNHANDLED
from .answering import Answer as Answer
from .articles import type_with_article
from .asgi import REFUSAL_WARNING_EVERY, Serving
from .deadline import DEFAULT_DEADLINE, Watchdog
from .deadline_answering import DEADLINE_GRACE as DEADLINE_GRACE
from .deadline_answering import DEADLINE_REPLY as DEADLINE_REPLY
from .deadline_answering import PROGRESSIVE_SPEECH as PROGRESSIVE_SPEECH
from .dispatch import Registry
from .endpoint import _Endpoint
from .exceptions import ConfigurationError, ResponseError
from .interaction import IntentDeclaration, SlotTypeDeclaration
from .leaving import WARNING_EVERY as LEAVING_WARNING_EVERY
from .log_repeats import Repeats
from .services import AlexaApi, alexa_api_factory
from .shown_names import shown, shown_value
from .skill_ids_given import NO_SKILL_ID
from .skill_ids_given import skill_ids as given_skill_ids
from .store import (
    Attributes,
    DeviceAttributes,
    PersonAttributes,
    Store,
    attributes_service,
)
from .store.start_check import check_store
from .store.url import STORE_FROM_ENV, store_from_env, store_given

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    import httpx
    from starlette.types import ASGIApp

    from .alexa_api import ApiTransport
    from .aws_lambda import LambdaHandler
    from .capture import RequestCapture
    from .i18n import Translations
    from .mounting import SkillMount
    from .registration import ServiceMakers
    from .verify import Verifier

__all__ = ["Skill"]

logger = logging.getLogger("alexaskill")

DEFAULT_MAX_BODY_SIZE: Final = 128 * 1024
#: What no path served to Alexa holds (whitespace and other unprintable ones aside): a query, a
#: fragment, Starlette's ``{parameter}``.
_NOT_IN_PATHS: Final = frozenset("?#{}")
_DEF_HANDLERS: Final = ("adaptive", "threads")
#: Seconds Alexa waits for an answer (about: Amazon's "Host a Custom Skill as a Web Service").
ALEXA_WAITS: Final = 8.0
#: Seconds the body of a POST may take to arrive, once its headers have.
DEFAULT_BODY_TIMEOUT: Final = 10.0

#: The services that load from and save to the skill's store.
_ATTRIBUTES: Final = (Attributes, PersonAttributes, DeviceAttributes)


@dataclass(frozen=True, eq=False, repr=False)
class _StoreBinding:
    """A store and the makers of the attribute services over it: what ``skill.store`` sets, as
    one value, so that `TestClient(store=…)` swaps and gives back both together."""

    store: Store
    makers: Mapping[type, ServiceMakers]
    #: The makers made over ``store`` (``makers`` may hold a service added in their place).
    own: Mapping[type, ServiceMakers]

    def __repr__(self) -> str:
        return f"{self.store!r} (with its attribute services)"


class _GivenAnId(Serving):
    """`Skill`'s base that says what to give it when it is given no id (`NO_SKILL_ID`)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        # Python's own "missing 1 required positional argument: 'skill_id'" says neither what
        # the id is nor where to find it. Checked here, not with a default for ``skill_id`` in
        # __init__, which would hide the omission from type checkers; and in a base, not in
        # Skill: inspect (help(Skill), editors) and mypy take Skill's own __init__ for its
        # signature, over a __new__ of a class further down its MRO. A subclass with an
        # __init__ of its own may give the id itself; one with a __new__ of its own calls this
        # one without the arguments it was given (object's takes none).
        init: object = cls.__init__  # (Skill's, or a subclass's: not this base's own)
        new: object = cls.__new__
        if (
            init is Skill.__init__
            and new is _GivenAnId.__new__
            and not args
            and "skill_id" not in kwargs
        ):
            raise ConfigurationError(NO_SKILL_ID)
        return super().__new__(cls)

    def __getnewargs__(self) -> tuple[str, ...]:
        # copy.copy, copy.deepcopy and pickle remake an object with cls.__new__(cls, *these),
        # then set its state: an argument tells __new__ that this is no Skill() given no id. A
        # subclass's own __new__ gets none, as it did before the check.
        new: object = type(self).__new__
        return ("(remade)",) if new is _GivenAnId.__new__ else ()


class Skill(_GivenAnId):
    """An Alexa skill: register handlers with its decorators, serve it as an ASGI app.

    ``skill_id`` is the skill's application id (``amzn1.ask.skill.…``) or a collection of ids;
    requests for any other id are refused. ``"*"`` switches the check off, which is logged as a
    warning at start-up (``None``, the value of an unset setting, is refused: `ConfigurationError`).
    ``verify=False`` switches off signature verification (also logged as a warning; anything
    but True or False, such as None, is refused);
    ``verifier`` replaces the default `Verifier` (which trusts Amazon's chain under the certifi
    roots). ``max_body_size`` caps the request body in bytes (on AWS Lambda, the event as JSON);
    ``body_timeout`` is how many seconds it may take to arrive (else HTTP 408, and the connection is
    closed). ``capture_dir`` (None: off, the default; "" is refused) writes every request the
    endpoint receives, exactly as received, to a file in that directory for
    ``alexaskill certify --replay``: the files hold user ids and access tokens (see
    `alexaskill.capture`). ``translations`` (a `Translations`, or the directory of the gettext
    catalogs: a path, or package data) lets handlers speak each request's language with
    `alexaskill.i18n`'s ``_()``. ``store`` keeps the handlers' attributes (a `Store` or a store
    URL); not given, the one ``ALEXASKILL_STORE`` names, else ``sqlite:///alexaskill.db``.

    ``deadline`` is how long, in seconds from a request's arrival, the skill may take to answer
    (default 7, a second under Alexa's limit; None: no limit). A handler still running then is
    given up on: `DeadlineExceeded` goes through the exception handlers like any error, and
    without one for it the skill says `DEADLINE_REPLY`, keeping the session open. An ``async
    def`` handler is cancelled; a ``def`` handler's thread runs on and its result is discarded.

    ``def_handlers`` says where plain ``def`` handlers run. ``"adaptive"`` (the default): in
    worker threads at first, so that one that blocks never holds up other requests, and on the
    event loop's thread once 8 of its calls returned within 2 ms each (the hop to a thread costs
    more than such a handler); a call there that holds up the loop for 2 ms or more moves it
    back to threads, each time for longer (see `alexaskill.pace`, and `blocking` to keep one
    handler in threads).
    ``"threads"``: always in a worker thread, as Starlette runs them.
    """

    def __init__(
        self,
        skill_id: str | Iterable[str],
        *,
        verify: bool = True,
        verifier: Verifier | None = None,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        body_timeout: float = DEFAULT_BODY_TIMEOUT,
        path: str = "/",
        health_path: str | None = "/health",
        store: Store | str = STORE_FROM_ENV,
        capture_dir: str | os.PathLike[str] | None = None,
        translations: Translations | str | os.PathLike[str] | Traversable | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        progressive_after: float | None = None,
        progressive_speech: str = PROGRESSIVE_SPEECH,
        def_handlers: Literal["adaptive", "threads"] = "adaptive",
    ) -> None:
        skill_ids = given_skill_ids(skill_id)
        if not isinstance(verify, bool):
            # Only False turns it off: not None (an unset setting), "false" or 0.
            raise ConfigurationError(f"verify must be True or False, not {shown_value(verify)}")
        if verifier is not None:
            from .verify import Verifier

            if not isinstance(verifier, Verifier):
                # The class itself failed the lifespan (a TypeError); anything else, each request.
                hint = ": an instance, Verifier(…)" if isinstance(verifier, type) else ""
                raise ConfigurationError(
                    f"verifier must be a Verifier, not {shown_value(verifier)}{hint}"
                )
        if not verify and verifier is not None:
            raise ConfigurationError("verify=False contradicts the verifier given")
        # Types first: a str would fail in a comparison below, a bool or 1.5 bytes pass.
        if not isinstance(max_body_size, int) or isinstance(max_body_size, bool):
            raise ConfigurationError(
                f"max_body_size must be an int of bytes, not {shown_value(max_body_size)}"
            )
        if max_body_size <= 0:
            raise ConfigurationError("max_body_size must be positive")
        for name, seconds in (
            ("deadline", deadline),
            ("progressive_after", progressive_after),
            ("body_timeout", body_timeout),
        ):
            if not (seconds is None and name != "body_timeout") and not _seconds(seconds):
                raise ConfigurationError(
                    f"{name} must be a number of seconds, not {shown_value(seconds)}"
                )
        if deadline is not None and not 0 < deadline < float("inf"):
            raise ConfigurationError(
                f"deadline must be a positive number of seconds, or None for none: "
                f"{shown_value(deadline)}"
            )
        if deadline is not None and deadline > ALEXA_WAITS:
            logger.warning(
                "deadline=%s is past the %g s Alexa waits for an answer: the user hears that the "
                "skill did not answer before the deadline's reply goes out",
                # (%g of an int past a float's range raised OverflowError as logging formatted it)
                f"{deadline:g}" if type(deadline) is float else shown_value(deadline),
                ALEXA_WAITS,
            )
        if not isinstance(progressive_speech, str) or not progressive_speech.strip():
            raise ConfigurationError(
                f"progressive_speech must be a non-empty str, not {shown_value(progressive_speech)}"
            )
        # The default is known good (tests/test_aws_lambda_cold.py): checking it is an SSML scan,
        # whose patterns every plain-text skill's cold start would compile for nothing.
        if progressive_speech != PROGRESSIVE_SPEECH:
            _check_progressive_speech(progressive_speech)
        if progressive_after is not None and (
            deadline is None or not 0 < progressive_after < deadline
        ):
            raise ConfigurationError(
                f"progressive_after={shown_value(progressive_after)}: a number of seconds between "
                f"0 and the deadline ({shown_value(deadline)})"
            )
        if def_handlers not in _DEF_HANDLERS:
            raise ConfigurationError(
                f"def_handlers={shown_value(def_handlers)}: {' or '.join(map(repr, _DEF_HANDLERS))}"
            )
        for name, value in (("path", path), ("health_path", health_path)):
            if (value is not None or name == "path") and not (
                isinstance(value, str) and value.startswith("/")
            ):
                raise ConfigurationError(
                    f"{name} must start with '/' ('/alexa'), not {shown_value(value)}"
                )
            bad = next(
                (
                    c
                    for c in value or ""
                    if not c.isprintable() or c.isspace() or c in _NOT_IN_PATHS
                ),
                None,
            )
            if bad is not None:
                raise ConfigurationError(
                    f"{name} {shown_value(value)} holds {bad!r}: no request's path does (a query, "
                    "a fragment, whitespace) or Starlette reads it as a parameter ({…}); give the "
                    "path alone, '/alexa'"
                )
        if path == health_path:
            raise ConfigurationError(
                f"path and health_path are both {shown_value(path)}: the health check would hide "
                "the skill's endpoint, or the other way round; give one another path "
                "(health_path=None: none)"
            )
        if not 0 < body_timeout <= 86400:  # 1e308: no bound in practice on a body held back
            raise ConfigurationError(
                f"body_timeout must be positive seconds, at most 86,400 (a day), not "
                f"{shown_value(body_timeout)}"
            )
        #: The application ids answered; None: any (``skill_id="*"``).
        self.skill_ids = skill_ids
        self.verify = verify
        self.verifier = verifier
        self.max_body_size = max_body_size
        self.body_timeout = body_timeout
        self.path = path
        self.health_path = health_path
        #: Seconds from a request's arrival to its answer at the latest (None: no limit).
        self.deadline = deadline
        #: Where ``def`` handlers run: "adaptive" (worker threads, then the event loop's thread
        #: for those whose calls proved quick: `alexaskill.pace`) or "threads" (always a thread).
        self.def_handlers = def_handlers
        self._watchdog: Watchdog | None = None
        #: Seconds from arrival after which a LaunchRequest or IntentRequest still unanswered
        #: gets the progressive response ``progressive_speech`` (None: never).
        self.progressive_after = progressive_after
        self.progressive_speech = progressive_speech
        self._progressive_tasks: set[Any] = set()
        #: Writes received requests to files when ``capture_dir`` is set (None: off).
        self.capture: RequestCapture | None = None
        if capture_dir is not None:
            if not isinstance(capture_dir, str | os.PathLike):
                raise ConfigurationError(
                    "capture_dir is a directory's path or None, not "
                    f"{type_with_article(capture_dir)}"
                )
            if not str(capture_dir).strip():
                # "" (CAPTURE_DIR unset, meant as off) would capture into the working directory.
                raise ConfigurationError(
                    f"capture_dir is empty ({shown_value(capture_dir)}): a directory, or None for "
                    "no capture"
                )
            from .capture import RequestCapture, blocked_by_a_file

            if "\x00" in str(capture_dir):  # (exists() says False: no path holds one)
                raise ConfigurationError(
                    f"capture_dir {shown_value(str(capture_dir))}: a path holds no NUL character"
                )
            try:
                blocker = blocked_by_a_file(capture_dir)
            except OSError as exc:  # (pathlib's exists(): a name past the system's, ENAMETOOLONG)
                raise ConfigurationError(
                    f"capture_dir {shown_value(str(capture_dir))}: {exc.strerror or exc}"
                ) from None
            if blocker is not None:
                # Each request's capture would fail (a warning each), none ever written.
                raise ConfigurationError(
                    f"capture_dir {shown_value(str(capture_dir))} is not a directory: "
                    f"{shown(blocker)} is a file"
                )

            self.capture = RequestCapture(capture_dir)
        self.registry = Registry()
        #: The message catalogs `alexaskill.i18n`'s ``_()`` reads for each request's locale.
        self.translations: Translations | None = None
        if translations is not None:
            # Imported only then: gettext is not on the path of a skill that does not use it.
            from importlib.resources.abc import Traversable

            from .i18n import Translations

            if not isinstance(translations, Translations | str | os.PathLike | Traversable):
                raise ConfigurationError(
                    "translations is a Translations, a catalogs directory's path or None, not "
                    f"{type_with_article(translations)}"
                )
            self.translations = (
                translations
                if isinstance(translations, Translations)
                else Translations(translations)
            )
            _check_progressive_speech(progressive_speech, self.translations)
        #: Interaction-model declarations: utterances and slot types by intent, custom slot types.
        self.intent_declarations: dict[str, IntentDeclaration] = {}
        self.slot_types: dict[str, SlotTypeDeclaration] = {}
        self._services: dict[type, ServiceMakers] = {}
        self._app: ASGIApp | None = None
        self._refusals_said = Repeats(REFUSAL_WARNING_EVERY)
        self._store_failures_said = Repeats(STORE_FAILURE_EVERY)
        self._handling_said = Repeats(LEAVING_WARNING_EVERY)  # (answering's warnings)
        self._started = False
        self._endpoint = _Endpoint(self)
        self._http_client: httpx.AsyncClient | None = None
        #: Told of every exception the skill answered with its apology (a handler's, a reply
        #: that breaks a limit): `alexaskill.testing.TestClient` raises them in the test.
        self.on_handler_error: Callable[[Exception], None] | None = None
        #: What Alexa's service API calls go through instead of the app's own client: a proxy's
        #: ``httpx.AsyncClient``, or an `ApiTransport` (the test client's in-process fake).
        self.api_client: httpx.AsyncClient | ApiTransport | None = None
        # Read per request: the lifespan starts after this; without a client, each call makes
        # its own (see alexaskill.services).
        self.add_service(AlexaApi, alexa_api_factory(lambda: self.api_client or self._http_client))
        self._binding: _StoreBinding  # set by _store_binding, which registers the services
        # Not given: ALEXASKILL_STORE, read as settings_from_env() reads it, so that a skill made
        # with its ids alone is stored where its deployment says (the Docker image's /data, the
        # table a Lambda function is told to set when the default's file cannot be made).
        self._store_binding = self._binding_of(
            store_from_env() if store is STORE_FROM_ENV else store
        )

    @property
    def store(self) -> Store:
        """Where `Attributes`, `PersonAttributes` and `DeviceAttributes` live; nothing is opened
        until a handler asks. Set it (a `Store` or a store URL) before the first request."""
        return self._binding.store

    @store.setter
    def store(self, store: Store | str) -> None:
        if self._started:
            # Requests under way keep the store they loaded from, and the lifespan would close
            # only the new one: a swap mid-service is a test's (TestClient(store=…)), not a
            # setting's.
            raise ConfigurationError(
                "skill.store is set too late: the skill serves requests already; give the store "
                "to Skill(store=…), or set it before the first request. To test with another "
                "store: TestClient(skill, store='memory://') or skill_client(skill, "
                "store='memory://')"
            )
        self._store_binding = self._binding_of(store)

    def _store_serves(self, kind: type) -> bool:
        """Whether handlers asking for ``kind`` (`Attributes`, …) get it from `store`, not from
        a service added over it (``add_service(Attributes, *attributes_service(…))``)."""
        return self._services.get(kind) is self._binding.own.get(kind)

    def _check_store(self) -> None:
        check_store(self)  # (at each start: the file may have been made since, or removed)

    def _warn_of_store_on_lambda(self) -> None:
        from .lambda_start import warn_of_unsuited_store

        warn_of_unsuited_store(self)

    @property
    def _store_binding(self) -> _StoreBinding:
        """The store and the attribute services in place, as one value (the same object until
        either changes): what `alexaskill.testing.swap.SkillSwap` saves and puts back, whenever the
        skill serves (tests share one skill)."""
        binding = self._binding
        if any(self._services[kind] is not binding.makers[kind] for kind in _ATTRIBUTES):
            # add_service replaced one since: what requests use now is what is given back.
            makers: dict[type, ServiceMakers] = {kind: self._services[kind] for kind in _ATTRIBUTES}
            binding = self._binding = _StoreBinding(binding.store, makers, binding.own)
        return binding

    @_store_binding.setter
    def _store_binding(self, binding: _StoreBinding) -> None:
        self._binding = binding
        for kind, makers in binding.makers.items():
            if kind not in self._services:
                self.add_service(kind, *makers)  # (in __init__: registers the service type)
            self._services[kind] = makers  # requests look them up as they come

    def _binding_of(self, store: Store | str) -> _StoreBinding:
        """``store`` (opened if a URL) with attribute services over it, not put in place yet."""
        opened = store_given(store)
        makers: dict[type, ServiceMakers] = {
            kind: attributes_service(
                opened, per_person=kind is PersonAttributes, per_device=kind is DeviceAttributes
            )
            for kind in _ATTRIBUTES
        }
        return _StoreBinding(opened, makers, makers)

    def mount(self, path: str, *, name: str | None = None) -> SkillMount:
        """A Starlette route serving this skill under ``path`` (``"/weather"``).

        ``Starlette(routes=[skill.mount("/weather")])``; in FastAPI,
        ``app.router.routes.append(skill.mount("/weather"))``. Unlike ``Mount("/weather",
        app=skill)``, it answers ``POST /weather`` itself, where Starlette's router would
        redirect it to ``/weather/`` (HTTP 307), which Alexa does not follow. The host app runs
        no lifespan of the skill's: close its stores in the host's (``await skill.aclose()``);
        ``alexaskill serve`` closes them at shutdown itself.
        """
        from .mounting import SkillMount

        mount = SkillMount(path, self, name=name, first_request=self._check_mounted_server)
        self._start_mounted()  # now: a host app runs no lifespan of the skill's
        return mount

    @property
    def lambda_handler(self) -> LambdaHandler:
        """The AWS Lambda function for this skill: ``handler = skill.lambda_handler``."""
        from .aws_lambda import handler

        return handler(self)


def _check_progressive_speech(speech: str, translations: Translations | None = None) -> None:
    """`ConfigurationError` now for a ``progressive_speech`` Amazon would refuse (over 600
    characters as SSML, a ``<speak>`` document as plain text), or, with ``translations``, for
    its translation in one of their catalogs: else each request that waited long enough (in
    that locale) logged that it was not sent."""
    from .services.progressive import progressive_document

    if translations is None:
        texts = {"": speech}
    else:
        texts = {
            f" in {locale}": translations.lookup(speech, locale) or speech
            for locale in translations.locales
        }
    for where, text in texts.items():
        try:
            progressive_document(text)
        except ResponseError as exc:
            raise ConfigurationError(f"progressive_speech{where}: {exc}") from None


def _seconds(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
