"""The ``Alexa.Presentation.APL`` interface: render a document on a screen, run commands."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Final

from msgspec.structs import force_setattr

from ..articles import type_with_article
from ..exceptions import ResponseError
from ..responses import Directive
from ..responses.snapshots import _Encoded
from ..shown_names import shown_value
from .checks import _mapping, _sent_mapping, _text

__all__ = [
    "APL",
]


def _check_document(where: str, document: Mapping[str, Any]) -> None:
    """Raise `ResponseError` unless ``document`` is what RenderDocument takes (Amazon's APL
    interface reference): an APL document (``"type": "APL"``, with its ``version`` and
    ``mainTemplate``), or a link to one saved in the authoring tool (``{"type": "Link", "src":
    "doc://…/<name>"}``)."""
    kind = document.get("type")
    if not isinstance(kind, str):
        raise ResponseError(f'{where} document has no "type" ("APL" or "Link")')
    if kind == "APLA":
        raise ResponseError(
            f"{where} document is an APL for audio document (APLA): send it with "
            "Alexa.Presentation.APLA.RenderDocument (a dict with that type)"
        )
    if kind not in ("APL", "Link"):
        raise ResponseError(f'{where} document "type" is {shown_value(kind)}; use "APL" or "Link"')
    src = document.get("src")
    if kind == "Link" and (not isinstance(src, str) or not src):
        raise ResponseError(
            f'{where}: a "Link" document names its document in "src" '
            f'("doc://alexa/apl/documents/<name>"), not {shown_value(src)}'
        )
    if kind == "APL":
        _check_version(where, document.get("version", _NO_VERSION))
        _check_main_template(where, document.get("mainTemplate", _NO_VERSION), "the layout")


_NO_VERSION: Final = object()

#: The keys of a typed RenderDocument's document that `_check_document` reads.
_HEAD: Final = ("type", "src", "version", "mainTemplate")


def _check_main_template(where: str, template: object, shown_first: str) -> None:
    """Refuse a document without its ``mainTemplate``, an object: Amazon's APL Document
    reference requires it in a top-level document (a RenderDocument's is one), and so does its
    APL for audio Document reference. What it holds is Alexa's to judge."""
    if template is _NO_VERSION:
        raise ResponseError(
            f'{where} document has no "mainTemplate" ({shown_first} shown first; Amazon\'s '
            "Document reference requires it)"
        )
    if not isinstance(template, Mapping):
        raise ResponseError(
            f'{where} document "mainTemplate" must be a mapping (a layout), '
            f"not {type_with_article(template)}"
        )


def _check_audio(where: str, directive: Mapping[str, Any]) -> None:
    """Raise `ResponseError` unless an ``Alexa.Presentation.APLA.RenderDocument`` written as a
    mapping has what Amazon's APL for audio Document reference requires of its document: a
    ``"type"`` of ``"APLA"``, a ``version`` string and a ``mainTemplate`` object. The rest
    (a ``"Link"`` is not one of its documents; its token, data sources) is sent as written."""
    named = f"{where}: Alexa.Presentation.APLA.RenderDocument"
    document = directive.get("document")
    if not isinstance(document, Mapping):
        raise ResponseError(f"{named} has no document object (an APL for audio document)")
    kind = document.get("type")
    if kind != "APLA":
        raise ResponseError(f'{named} document "type" must be "APLA", not {shown_value(kind)}')
    _check_version(named, document.get("version", _NO_VERSION), "APL for audio", "0.91")
    _check_main_template(named, document.get("mainTemplate", _NO_VERSION), "the audio composed")


def _check_version(where: str, version: object, kind: str = "APL", example: str = "2024.3") -> None:
    """Refuse an APL document (``kind`` "APL for audio": an APLA one) without its ``version``,
    a string (Amazon's Document reference of each: required). Its value is not checked
    against the versions known here: Amazon adds new ones every year, and a device with an
    older APL still renders a newer document, which asks ``environment.aplVersion`` for what
    it may use (Amazon's "Work with APL versions"): a list kept here would refuse good
    documents."""
    if version is _NO_VERSION:
        raise ResponseError(
            f'{where} document has no "version" (the {kind} version it is written for, a '
            f'string such as "{example}"; Amazon\'s {kind} Document reference requires it)'
        )
    if not isinstance(version, str) or not version.strip():
        shown = repr(version)
        if not isinstance(version, str | None):  # (None: the type named is its repr, said once)
            shown = f"{type_with_article(version)} {shown}"
        raise ResponseError(
            f'{where} document "version" must be a string such as "{example}", not {shown}'
        )


def _check_written(where: str, directive: Mapping[str, Any]) -> None:
    """Raise `ResponseError` (its message after ``where``, the directive's place in the
    response) where an APL directive written as a mapping, as decoded from what it sends, breaks
    a rule its typed form checks: a RenderDocument's document (`_check_document`), token, data
    sources and sources; an ExecuteCommands' token and its non-empty list of commands."""
    type_ = directive.get("type")
    if type_ == "Alexa.Presentation.APLA.RenderDocument":
        _check_audio(where, directive)
        return
    if type_ == "Alexa.Presentation.APL.ExecuteCommands":
        try:
            APL.ExecuteCommands(
                token=directive.get("token"),  # type: ignore[arg-type]  # checked there
                commands=directive.get("commands"),  # type: ignore[arg-type]
            )
        except ResponseError as exc:
            raise ResponseError(f"{where}: {exc}") from None
        return
    named = f"{where}: {type_}"
    document = directive.get("document")
    if not isinstance(document, Mapping):
        raise ResponseError(f"{named} has no document object (an APL document, or a Link)")
    _check_document(named, document)
    token = directive.get("token")
    if token is not None:
        _text(f"{named} token", token)
    for field in ("datasources", "sources"):
        value = directive.get(field)
        if value is not None and not isinstance(value, Mapping):
            kind = type_with_article(value)
            raise ResponseError(f"{named} {field} must be a mapping (JSON object), not {kind}")


class APL:
    """The ``Alexa.Presentation.APL`` interface: render a document on a screen, run commands."""

    __slots__ = ()

    #: The interface a device must declare for these directives.
    INTERFACE: Final = "Alexa.Presentation.APL"

    class RenderDocument(Directive, tag="Alexa.Presentation.APL.RenderDocument", frozen=True):
        """Show ``document`` (an APL document, or a ``{"type": "Link", "src": …}``)."""

        interface: ClassVar[str | None] = "Alexa.Presentation.APL"
        document: Mapping[str, Any]
        #: Names the rendered document for ExecuteCommands and the events it sends back.
        token: str | None = None
        datasources: Mapping[str, Any] | None = None
        sources: Mapping[str, Any] | None = None

        def __post_init__(self) -> None:
            where = "Alexa.Presentation.APL.RenderDocument"
            document = self.document
            if isinstance(document, Mapping):  # checked as sent: what str subclasses send
                if type(document) is not dict and not isinstance(document, _Encoded):
                    document = dict(document)  # read once: the keys checked are those encoded
                head = {key: document[key] for key in _HEAD if key in document}
                _check_document(
                    where, {k: str.__str__(v) if isinstance(v, str) else v for k, v in head.items()}
                )
            force_setattr(self, "document", _sent_mapping(f"{where} document", document))
            if self.token is not None:
                _text(f"{where} token", self.token)
            for field in ("datasources", "sources"):
                value = getattr(self, field)
                if value is not None:
                    force_setattr(self, field, _sent_mapping(f"{where} {field}", value))

    class ExecuteCommands(Directive, tag="Alexa.Presentation.APL.ExecuteCommands", frozen=True):
        """Run APL ``commands`` against the document rendered with ``token``."""

        interface: ClassVar[str | None] = "Alexa.Presentation.APL"
        token: str
        commands: Sequence[Mapping[str, Any]]

        def __post_init__(self) -> None:
            where = "Alexa.Presentation.APL.ExecuteCommands"
            _text(f"{where} token", self.token)
            if isinstance(self.commands, Mapping | str) or not isinstance(self.commands, Iterable):
                raise ResponseError(f"{where} commands must be a list of commands")
            commands = tuple(
                _mapping(f"{where} commands[{index}]", command)
                for index, command in enumerate(self.commands)
            )
            if not commands:
                raise ResponseError(f"{where} commands is empty")
            force_setattr(self, "commands", commands)
