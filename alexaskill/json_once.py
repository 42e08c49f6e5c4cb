"""JSON read with each key once in an object: `KeysOnce`, the decoder's hook that notes a key
given twice, and `loads_once`, `json.loads` with it.

`json` (and msgspec) keep the last of two equal keys silently, so a key copied with a typo'd
value hid the one above it, and what was read was not what the file seemed to give. Shared by
the readers of JSON written or edited by hand that build Python values of it: the command
line's inputs (`alexaskill.cli.inputs`), sample request files (`load_request`) and capture
files (`load_capture`; not the request body a capture holds, which is sent as received).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__: list[str] = []  # helpers for alexaskill.cli, alexaskill.testing and alexaskill.capture


class KeysOnce:
    """An ``object_pairs_hook`` that notes a key given twice in one object, for `refuse` to say.
    One decoder's hook may read several documents (standard input's), each then refused."""

    def __init__(self) -> None:
        self.twice: tuple[str, dict[str, Any]] | None = None  # (the key, its object)

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        made: dict[str, Any] = {}
        for key, value in pairs:
            # The first key twice of the object made last: an object is made after those in
            # it, so this one is in the document, where an inner one may have been dropped by
            # an outer key given twice ({"a": {"x": 1, "x": 2}, "a": 3}).
            if key in made and (self.twice is None or self.twice[1] is not made):
                self.twice = (key, made)
            made[key] = value
        return made

    def refuse(
        self,
        label: str,
        data: Any,
        *,
        root: str = "",
        error: Callable[[str], Exception] = ValueError,
    ) -> None:
        """Raise ``error`` (a `ValueError` unless given), saying ``label`` first, for a key
        noted twice in ``data`` (the document decoded, whose path is ``root``: "" for a
        file's), naming the key and its object's path; nothing if no key was."""
        if self.twice is None:
            return
        key, found = self.twice
        raise error(
            f"{label}: {key!r} is given twice in {_where(data, found, root)}: a JSON object "
            "keeps only the last; give it once"
        )


def loads_once(
    text: str | bytes,
    label: str,
    *,
    root: str = "",
    error: Callable[[str], Exception] = ValueError,
    **options: Any,
) -> Any:
    """`json.loads` of ``text`` (with ``options``), named ``label`` in a message: an object
    with a key given twice raises ``error`` (`KeysOnce.refuse`); what is not JSON raises as
    `json.loads` does, for the caller to say."""
    import json

    keys = KeysOnce()
    data = json.loads(text, object_pairs_hook=keys, **options)
    keys.refuse(label, data, root=root, error=error)
    return data


def _where(data: Any, found: dict[str, Any], root: str = "") -> str:
    """Where the object ``found`` is in ``data`` (itself at ``root``), as a path:
    ``reminders[1].trigger`` (``['a b']`` for a key that is no name), or "the top-level object".
    Walked without recursion: ``data`` may be nested nearly as deep as the JSON decoder takes."""
    stack: list[tuple[Any, str]] = [(data, root)]
    while stack:
        node, at = stack.pop()
        if node is found:
            return at or "the top-level object"
        if isinstance(node, dict):
            for key, child in node.items():
                step = (f".{key}" if at else key) if key.isidentifier() else f"[{key!r}]"
                stack.append((child, at + step))
        elif isinstance(node, list):
            stack.extend((child, f"{at}[{index}]") for index, child in enumerate(node))
    return "an object"  # (not reached: `KeysOnce` notes an object the decoder kept)
