"""JSON read with each key once in an object: `KeysOnce`, the decoder's hook that notes a key
given twice, and `loads_once`, `json.loads` with it; the most bytes its readers take of a
file (`MAX_INPUT_BYTES`, said by `size_text`); and their one wording of a file they refuse
(`too_large`, `empty`, `not_json`: `NOT_UTF8`, `LONG_NUMBER`).

`json` (and msgspec) keep the last of two equal keys silently, so a key copied with a typo'd
value hid the one above it, and what was read was not what the file seemed to give. Shared by
the readers of JSON written or edited by hand that build Python values of it: the command
line's inputs (`alexaskill.cli.inputs`), interaction model files (`read_model_file`), sample
request files (`load_request`) and capture files (`load_capture`; not the request body a
capture holds, which is sent as received).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from .shown_names import shown

__all__: list[str] = []  # helpers for alexaskill.cli, .testing, .capture and .understanding


#: Keys given twice named in a message, at most; the others are counted ("and 2 more").
NAMED: Final = 3

#: The most bytes read of a file given by hand, or of standard input, by every reader of them:
#: the commands' (`alexaskill.cli.common.read_input`), interaction model files
#: (`read_model_file`), sample request files (`load_request`). A file named by mistake (a log,
#: ``/dev/zero``) is refused, not read into memory whole; Amazon's models are far smaller.
MAX_INPUT_BYTES: Final = 16 * 1024 * 1024


def size_text(size: int) -> str:
    """``size`` bytes as a round number of KiB or MiB: "16 MiB"."""
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024):,} MiB"
    return f"{size // 1024:,} KiB" if size >= 1024 else f"{size:,} bytes"


#: What is said of JSON with an integer past the digits Python converts (4300 by default), for
#: which json.loads raises a plain ValueError, no JSONDecodeError (`is_long_number`).
LONG_NUMBER: Final = "not JSON (a number of too many digits)"

#: What is said of a file (or standard input) whose bytes are not UTF-8.
NOT_UTF8: Final = "not UTF-8 text"


def too_large(label: str, limit: int, what: str) -> str:
    """What is said of the file named ``label`` past ``limit`` bytes, too large for ``what``
    ("a request file"), by every reader that caps what it reads."""
    return f"{label}: larger than {size_text(limit)}, too large for {what}"


def empty(label: str, held: str = "") -> str:
    """What is said of the file named ``label`` that holds nothing (or blanks alone), not "not
    JSON (line 1: Expecting value)": "FILE: empty", or with the kind it should hold, ``held``
    ("request"), "FILE: empty, no request in it"."""
    return f"{label}: empty, no {held} in it" if held else f"{label}: empty"


def is_long_number(exc: BaseException) -> bool:
    """Whether ``exc``, raised by json's decoding, is its own for a number past Python's int
    digit limit: a plain ValueError, no JSONDecodeError (a subclass). Only around the decoding
    alone: a caller's ``parse_constant`` may raise a plain ValueError (request_session's does,
    to keep the text as it is), and a refusal of a key given twice is one by default."""
    return type(exc) is ValueError


def not_json(label: str, exc: ValueError | RecursionError) -> str:
    """What is said of the text named ``label`` that ``exc`` stopped reading as JSON: bytes not
    UTF-8, not JSON (at its line alone: json's column counts a tab as one, as no editor shows
    it), nested too deeply, or, of a plain ValueError (`is_long_number`), a number too long."""
    import json

    if isinstance(exc, UnicodeDecodeError):
        return f"{label}: {NOT_UTF8}"
    if isinstance(exc, json.JSONDecodeError):
        return f"{label}: not JSON (line {exc.lineno}: {exc.msg})"
    if isinstance(exc, RecursionError):
        return f"{label}: not JSON (nested too deeply)"
    return f"{label}: {LONG_NUMBER}"


class KeysOnce:
    """An ``object_pairs_hook`` that notes the keys given twice in each object, for `refuse` to
    say. One decoder's hook may read several documents (standard input's), each then refused."""

    def __init__(self) -> None:
        #: The objects made with a key given twice (in the order made), each with those keys.
        self.twice: list[tuple[dict[str, Any], list[str]]] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        made: dict[str, Any] = {}
        twice: dict[str, None] | None = None
        for key, value in pairs:
            if key in made:
                if twice is None:
                    twice = {}
                twice[key] = None
            made[key] = value
        if twice is not None:
            self.twice.append((made, list(twice)))
        return made

    def refuse(
        self,
        label: str,
        data: Any,
        *,
        root: str = "",
        error: Callable[[str], Exception] = ValueError,
    ) -> None:
        """Raise ``error`` (a `ValueError` unless given), saying ``label`` first, for the keys
        noted twice in ``data`` (the document decoded, whose path is ``root``: "" for a
        file's), naming up to `NAMED` of them and their objects' paths, in the order of the
        objects in the document, and counting the others; nothing if no key was. An object
        dropped from ``data`` by an outer key given twice (``{"a": {"x": 1, "x": 2}, "a": 3}``)
        is nowhere to name: the outer key is named."""
        if not self.twice:
            return
        places = _places(data, {id(made) for made, _ in self.twice}, root)
        found = sorted((places[id(made)], keys) for made, keys in self.twice if id(made) in places)
        named = [(key, where) for (_, where), keys in found for key in keys]
        if not named:  # (not reached: the document itself is in it)
            named = [(key, "an object") for _, keys in self.twice for key in keys]
        groups: list[tuple[str, list[str]]] = []  # a place, and the keys named there
        for key, where in named[:NAMED]:
            if groups and groups[-1][0] == where:
                groups[-1][1].append(key)
            else:
                groups.append((where, [key]))
        said: list[str] = []
        for where, keys in groups:
            quoted = [shown(key, quoted=True) for key in keys]
            listed = quoted[-1]
            if len(keys) > 1:
                listed = f"{', '.join(quoted[:-1])} and {listed}"
            if not said:
                listed += " is given twice" if len(keys) == 1 else " are given twice"
            # (a key of thousands of characters, or a path under one, ``--attribute KEY=…``'s
            # session.attributes.KEY, made a line as long: both cut, as the commands cut a name)
            said.append(f"{listed} in {shown(where)}")
        if len(named) > NAMED:
            said.append(f"and {len(named) - NAMED} more")
        last = "the last; give it once" if len(named) == 1 else "the last of each; give each once"
        raise error(f"{label}: {', '.join(said)}: a JSON object keeps only {last}")


def loads_once(
    text: str | bytes,
    label: str,
    *,
    root: str = "",
    error: Callable[[str], Exception] = ValueError,
    long_number: bool = False,
    **options: Any,
) -> Any:
    """`json.loads` of ``text`` (with ``options``), named ``label`` in a message: an object
    with a key given twice raises ``error`` (`KeysOnce.refuse`); what is not JSON raises as
    `json.loads` does, for the caller to say, but with ``long_number`` a number past Python's
    int digit limit raises ``error``, saying `LONG_NUMBER`."""
    import json

    keys = KeysOnce()
    try:
        data = json.loads(text, object_pairs_hook=keys, **options)
    except ValueError as exc:
        # (told apart here, around json.loads alone, from the refusal of a key given twice
        # below; not by default: a caller's parse_constant may raise a plain ValueError)
        if not long_number or not is_long_number(exc):
            raise
        raise error(not_json(label, exc)) from None
    keys.refuse(label, data, root=root, error=error)
    return data


def _places(data: Any, wanted: set[int], root: str = "") -> dict[int, tuple[int, str]]:
    """Where the objects of ids ``wanted`` are in ``data`` (itself at ``root``): for each found,
    its rank in the document's order and its path, ``reminders[1].trigger`` (``['a b']`` for a
    key that is no name), or "the top-level object". Walked without recursion: ``data`` may be
    nested nearly as deep as the JSON decoder takes."""
    found: dict[int, tuple[int, str]] = {}
    stack: list[tuple[Any, str]] = [(data, root)]
    rank = 0
    while stack and len(found) < len(wanted):
        node, at = stack.pop()
        rank += 1
        if id(node) in wanted and isinstance(node, dict):
            found[id(node)] = (rank, at or "the top-level object")
        if isinstance(node, dict):
            for key, child in reversed(node.items()):  # (popped in the document's order)
                step = (f".{key}" if at else key) if key.isidentifier() else f"[{key!r}]"
                stack.append((child, at + step))
        elif isinstance(node, list):
            stack.extend(
                (child, f"{at}[{index}]") for index, child in reversed(list(enumerate(node)))
            )
    return found
