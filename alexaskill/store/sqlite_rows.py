"""The rows a `SQLiteStore` reads: as SQLite's text, or as their bytes where that text is not
what was stored (not UTF-8; UTF-16 in a database made so, which each connection knows)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from ..exceptions import StoreError
from ..shown_names import shown_value

if TYPE_CHECKING:
    import sqlite3

__all__: list[str] = []

_TABLE: Final = "alexaskill_attributes"
_SELECT: Final = f"SELECT field, value FROM {_TABLE} WHERE key = ?"  # noqa: S608
#: `_SELECT` with each name and value as its bytes, and whether the name is text (`_select`).
_SELECT_BYTES: Final = (
    "SELECT CAST(field AS BLOB), typeof(field) = 'text', CAST(value AS BLOB)"  # noqa: S608
    f" FROM {_TABLE} WHERE key = ?"
)
_SELECT_ONE: Final = f"SELECT value FROM {_TABLE} WHERE key = ? AND field = ?"  # noqa: S608
_SELECT_ONE_BYTES: Final = (
    "SELECT CAST(value AS BLOB)"  # noqa: S608
    f" FROM {_TABLE} WHERE key = ? AND field = ?"
)
#: The class of a store's connections (`_connection_class`), made once sqlite3 is imported.
_Connection: type[sqlite3.Connection] | None = None


def _connection_class() -> type[sqlite3.Connection]:
    """sqlite3's ``Connection`` with a flag of its own, ``utf16`` (`_mark`). One a connection,
    not one a store: known as it is made, before its first call (a store's, read as the call was
    sent, was not yet set for the first), and of the file it opened (one replaced under a
    connection in use may be in another encoding)."""
    global _Connection
    if _Connection is None:
        import sqlite3

        class Connection(sqlite3.Connection):
            utf16 = False

        _Connection = Connection
    return _Connection


def _mark(connection: sqlite3.Connection) -> None:
    """Set ``connection``'s ``utf16`` (`_select`), once, as it is made: not a PRAGMA each load."""
    connection.utf16 = _codec(connection) != "utf-8"  # type: ignore[attr-defined]


def _text_name(name: str | bytes, where: str) -> str:
    """A stored attribute name; `StoreError` for one another program wrote as a BLOB (bytes),
    which no attributes can hold: it failed the handler as one it had set."""
    if isinstance(name, str):
        return name
    raise StoreError(
        f"{where}: a stored attribute name is not text ({shown_value(name)}): written by another "
        "program? delete its row"
    )


def _select(connection: sqlite3.Connection, key: str) -> list[tuple[str | bytes, str | bytes]]:
    """The (name, value) rows under ``key``; `UnicodeDecodeError` for a name stored as text
    that is not in the database's encoding (UTF-8, or UTF-16 in one made so: another
    program's), which `SQLiteStore.load` says in its words. Over a database whose text is
    UTF-16 (the connection's ``utf16``, `_mark`), read as its bytes: SQLite's UTF-8 of it (its
    ``src/utf.c``) reads half a surrogate pair with the unit after it as one character past
    U+FFFF, another name or value than stored, without a word; in bytes, the load refuses it."""
    if not getattr(connection, "utf16", False):
        try:
            return connection.execute(_SELECT, (key,)).fetchall()
        except Exception as exc:  # (sqlite3 is imported where a connection is made)
            if not _not_utf8(exc):
                raise
    # A name or value stored as text that is not UTF-8: the bytes of each, for `_decode` to
    # refuse the value naming its attribute, and the load the name saying what it is, not the
    # load failing naming neither. A name stored as text is decoded again (a BLOB's stays bytes,
    # "not text", as `_SELECT` reads it), from the database's encoding: the bytes of a text are
    # as stored, UTF-16 in a database made so (another program's `PRAGMA encoding`).
    codec = _codec(connection)
    return [
        (name.decode(codec) if is_text else name, value)
        for name, is_text, value in connection.execute(_SELECT_BYTES, (key,))
    ]


def _codec(connection: sqlite3.Connection) -> str:
    """Python's codec of the text in ``connection``'s database: SQLite's "UTF-8", "UTF-16le"
    or "UTF-16be" (https://www.sqlite.org/pragma.html#pragma_encoding), named as Python does."""
    encoding = str(connection.execute("PRAGMA encoding").fetchone()[0]).lower()
    return encoding.replace("16le", "16-le").replace("16be", "16-be")


def _not_utf8(exc: Exception) -> bool:
    """Whether ``exc`` is sqlite3's for a text it read that is not UTF-8 (an OperationalError,
    told by its words only)."""
    return str(exc).startswith("Could not decode to UTF-8")


def _select_one(connection: sqlite3.Connection, key: str, name: str) -> str | bytes | None:
    """The stored text of ``name`` under ``key`` (None if none); its bytes if it is text that is
    not UTF-8, or UTF-16 (`_select`), for `_decode` to refuse naming the attribute, as a
    load does."""
    if not getattr(connection, "utf16", False):
        try:
            found = connection.execute(_SELECT_ONE, (key, name)).fetchone()
            return None if found is None else found[0]
        except Exception as exc:
            if not _not_utf8(exc):
                raise
    found = connection.execute(_SELECT_ONE_BYTES, (key, name)).fetchone()
    return None if found is None else found[0]
