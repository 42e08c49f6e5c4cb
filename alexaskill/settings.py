"""Settings from the environment: what a deployed skill reads at start-up (`settings_from_env`).

=========================  ====================================================================
``ALEXASKILL_SKILL_ID``    the skill ids to accept, comma-separated
``ALEXASKILL_STORE``       the attribute store URL (`alexaskill.store.open_store`); a `Skill`
                           given no ``store=`` reads it too
``ALEXASKILL_LOG_LEVEL``   the level of alexaskill's log (INFO: one line per request)
``ALEXASKILL_LOG_JSON``    1 for JSON log lines
=========================  ====================================================================

``FORWARDED_ALLOW_IPS`` is uvicorn's (the proxies whose ``X-Forwarded-*`` headers it believes),
not read here: uvicorn may ignore it (``--forwarded-allow-ips`` given, ``--no-proxy-headers``,
AWS Lambda). ``alexaskill serve`` and alexaskill's server protocol check what uvicorn reads
(`alexaskill.proxies`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Final

from .exceptions import ConfigurationError
from .log_early import TRUE, early, forget_early
from .log_lambda import on_lambda
from .logs import _level, configure_logging, logger
from .shown_names import shown_value
from .skill_id_env import skill_ids_from_env
from .store import DEFAULT_STORE
from .store.url import store_url_from_env, url_without_password

__all__ = ["Settings", "configure_logging_if_unset", "settings_from_env"]


@dataclass(frozen=True, slots=True)
class Settings:
    """What a deployed skill reads from the environment (see `settings_from_env`)."""

    #: The skill ids to accept; empty when ``ALEXASKILL_SKILL_ID`` is unset (``Skill`` then refuses
    #: to start rather than answer any skill).
    skill_ids: tuple[str, ...] = ()
    #: The attribute store URL, for `alexaskill.store.open_store` (default: `DEFAULT_STORE`).
    store: str = DEFAULT_STORE
    log_level: str = "INFO"
    log_json: bool = False

    def __repr__(self) -> str:
        # Shown (logged at start-up, say) without the store URL's password.
        return (
            f"Settings(skill_ids={self.skill_ids!r}, store={url_without_password(self.store)!r}, "
            f"log_level={self.log_level!r}, log_json={self.log_json!r})"
        )

    def configure_logging(self, stream: IO[str] | None = None) -> None:
        """`configure_logging` with these settings' level and format."""
        configure_logging(self.log_level, json=self.log_json, stream=stream)


_TRUE: Final = TRUE
_FALSE: Final = frozenset(("", "0", "false", "no", "off"))


def settings_from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Read ``ALEXASKILL_SKILL_ID`` (comma-separated ids), ``ALEXASKILL_STORE``,
    ``ALEXASKILL_LOG_LEVEL`` and ``ALEXASKILL_LOG_JSON`` from ``environ`` (default: os.environ).

    `ConfigurationError` for a log level or boolean that does not parse, for a skill id ``*``
    (answering any skill is written in code: ``Skill(skill_id="*")``), and for a skill id
    variable that is set but names no id (blank, commas only; empty is unset).
    ``FORWARDED_ALLOW_IPS``, uvicorn's, is left to the server that reads it
    (`alexaskill.proxies`).
    """
    env = os.environ if environ is None else environ
    skill_ids = skill_ids_from_env(env.get("ALEXASKILL_SKILL_ID", ""))
    store = store_url_from_env(env)
    return Settings(
        skill_ids=skill_ids, store=store, log_level=_log_level(env), log_json=_log_json(env)
    )


def _log_level(env: Mapping[str, str]) -> str:
    """``ALEXASKILL_LOG_LEVEL``, upper-case (INFO when unset); `ConfigurationError` naming it."""
    log_level = env.get("ALEXASKILL_LOG_LEVEL", "").strip().upper() or "INFO"
    try:
        _level(log_level)
    except ConfigurationError as exc:
        raise ConfigurationError(f"ALEXASKILL_LOG_LEVEL: {exc}") from None
    return log_level


def _log_json(env: Mapping[str, str]) -> bool:
    """``ALEXASKILL_LOG_JSON`` (False when unset); `ConfigurationError` naming it."""
    raw_json = env.get("ALEXASKILL_LOG_JSON", "").strip().lower()
    if raw_json not in _TRUE | _FALSE:
        raise ConfigurationError(
            f"ALEXASKILL_LOG_JSON={shown_value(raw_json)}: use 1/true/yes/on or 0/false/no/off"
        )
    return raw_json in _TRUE


def _log_settings_that_parse(env: Mapping[str, str]) -> tuple[str, bool]:
    """The log level and format of ``env`` where each parses, the default where it does not."""
    try:
        log_level = _log_level(env)
    except ConfigurationError:
        log_level = "INFO"
    try:
        log_json = _log_json(env)
    except ConfigurationError:
        log_json = False
    return log_level, log_json


def configure_logging_if_unset(*, check: bool = True) -> bool:
    """`configure_logging` from the environment, unless logging is set up already; True if done.

    The settings are read either way: one that does not parse raises its `ConfigurationError`
    (the start fails) beside a set-up of the app's own too, which is left as the app made it.
    Not ``check``: not read when logging is set up already (a caller that would drop the error
    anyway, leaving it for the app's start to say, as alexaskill's server protocol does).

    The ASGI app calls it at start-up, so that ``uvicorn app:skill`` with no logging set-up
    writes the request line at INFO (``ALEXASKILL_LOG_LEVEL``, ``ALEXASKILL_LOG_JSON``), where
    Python alone would show only warnings. Set-up found: a handler on the root logger or on
    ``"alexaskill"`` (``logging.basicConfig``, ``configure_logging``, a dictConfig, pytest). On
    AWS Lambda the root logger's handler is the runtime's (an ASGI adapter runs the app there):
    set-up found is a handler or a level on ``"alexaskill"``.

    With no set-up found, a setting that does not parse raises its `ConfigurationError` once
    logging is set up all the same, from the log settings that parse (the defaults for the
    others): what is said before the start fails, and the failure itself, come out as every
    alexaskill line does, not bare through Python's last resort. A later call takes that set-up
    for none (the settings may parse by then) as long as nothing else has changed it
    (`_set_up_now`): on AWS Lambda, through the runtime's handler, it is a level on
    ``"alexaskill"`` alone.
    """
    global _provisional
    if _set_up_elsewhere():
        forget_early()  # (the app's set-up takes every line from now on)
        if check:
            settings_from_env()  # (read all the same: a value that does not parse fails the start)
        return False
    try:
        settings = settings_from_env()
    except ConfigurationError:
        log_level, log_json = _log_settings_that_parse(os.environ)
        _configure(log_level, log_json)
        _provisional = _set_up_now()
        raise
    _provisional = None
    _configure(settings.log_level, settings.log_json)
    return True


def _set_up_elsewhere() -> bool:
    """Whether logging is set up, not by `configure_logging_if_unset`'s provisional set-up
    (`configure_logging_if_unset` says what is found)."""
    provisional = _provisional is not None and _provisional == _set_up_now()
    if _handlers() and not provisional:
        return True
    if on_lambda():
        return logger.level != logging.NOTSET and not provisional
    return bool(logging.getLogger().handlers)


#: What `configure_logging_if_unset` left when a setting did not parse (`_set_up_now`), or None.
_provisional: tuple[int, tuple[logging.Handler, ...], int] | None = None


def _set_up_now() -> tuple[int, tuple[logging.Handler, ...], int]:
    """``"alexaskill"``'s set-up as it stands: `configure_logging`'s set-ups so far (an app's
    own at the same level changes nothing else), the logger's handlers and its level."""
    from . import logs

    return logs._set_ups, _handlers(), logger.level


def _handlers() -> tuple[logging.Handler, ...]:
    """``"alexaskill"``'s handlers, but the one of no set-up (`alexaskill.log_early`)."""
    return tuple(handler for handler in logger.handlers if not early(handler))


def _configure(log_level: str, log_json: bool) -> None:
    """`configure_logging_if_unset`'s set-up, found none."""
    configure_logging(log_level, json=log_json)
    if not on_lambda():
        # A skill's own loggers' warnings go to Python's last resort, unescaped; an exception
        # that ends one of its threads, to standard error as it is.
        from .log_format import escape_last_resort, log_thread_exceptions

        escape_last_resort()
        log_thread_exceptions()
