"""The requests `load_request` and `TestClient.replay` read: JSON text given for a path, a file
not JSON (or nested too deeply, or with a number too long), a key given twice, and what is
neither a path nor JSON data."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest

from alexaskill.testing import TestClient, load_request

from .testing_requests_shared import diary


def test_replay_of_json_text_or_a_file_not_json_names_what_is_wrong(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # replay('{…}') was a bare FileNotFoundError; a file not JSON a JSONDecodeError without its
    # name ("Expecting value: line 1 column 1 (char 0)"), one not UTF-8 a UnicodeDecodeError.
    text = '{"version": "1.0", "request": {"type": "LaunchRequest"}}'
    (tmp_path / "bad.json").write_text("nope {", encoding="utf-8")
    (tmp_path / "latin.json").write_bytes(b'{"request": {"type": "caf\xe9"}}')
    with TestClient(diary()) as client:
        with pytest.raises(ValueError, match=r"is JSON text, .* pass json\.loads\(text\)$"):
            client.replay(text)
        bad = str(tmp_path / "bad.json")
        with pytest.raises(ValueError, match=rf"^{re.escape(bad)}: not JSON \(line 1: Expecting"):
            client.replay(bad)
        with pytest.raises(ValueError, match=r"latin\.json: not UTF-8 text$"):
            client.replay(tmp_path / "latin.json")
        with pytest.raises(FileNotFoundError, match=r"missing\.json"):
            client.replay(tmp_path / "missing.json")
        # A relative path starting with "{" is a path all the same ("{x}.json": no such file).
        monkeypatch.chdir(tmp_path)
        with pytest.raises(FileNotFoundError, match=r"\{x\}\.json"):
            client.replay("{x}.json")
        assert client.last is None


def test_load_request_refuses_what_is_neither_a_path_nor_json_data() -> None:
    # load_request(n) opened file descriptor n, read it and closed it (open() takes an int); a
    # dict holding a date was "Object of type date is not JSON serializable", naming nothing.
    # The type with its article ("not a int" was said).
    with pytest.raises(
        TypeError, match=r"^a request is a file's path or a parsed envelope \(a dict\), not an int$"
    ):
        load_request(10**6)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^the envelope given: not JSON data, .*date"):
        load_request({"request": {"type": "LaunchRequest", "on": datetime.date(2026, 12, 3)}})


def test_load_request_reads_a_file_named_like_json_text_that_exists(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Text in braces is taken for JSON text only when no such file exists: a file named "{x}"
    # is read, as any path.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "{x}").write_text('{"request": {"type": "LaunchRequest"}}', encoding="utf-8")
    assert load_request("{x}") == {"request": {"type": "LaunchRequest"}}
    with pytest.raises(ValueError, match=r"^'\{y\}' is JSON text"):
        load_request("{y}")


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            '{"version": "1.0", "request": {"type": "LaunchRequest"}, "version": "0.9"}',
            "'version' is given twice in the top-level object",
        ),
        (
            '{"request": {"type": "IntentRequest", "intent": {"name": "Hello", "name": "Bye"}}}',
            "'name' is given twice in request.intent",
        ),
        (  # an object in a list is named by its index
            '{"request": {"type": "LaunchRequest"}, "x": [{}, {"k": 1, "k": 2}]}',
            "'k' is given twice in x[1]",
        ),
        (  # the object of the first "a" is dropped by the second: the outer key is named
            '{"request": {"type": "LaunchRequest"}, "a": {"k": 1, "k": 2}, "a": 3}',
            "'a' is given twice in the top-level object",
        ),
    ],
)
def test_load_request_refuses_a_file_with_a_key_given_twice(
    tmp_path: Any, content: str, said: str
) -> None:
    # json.load kept the last of the two silently: client.replay sent the intent "Bye" of a
    # sample that seemed to name "Hello" (as `alexaskill replay` did, until it refused them).
    path = tmp_path / "dup.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        load_request(path)
    assert str(raised.value) == f"{path}: {said}: a JSON object keeps only the last; give it once"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            '{"version": "1.0", "request": {"type": "IntentRequest", "intent": {"name": "Hello", '
            '"name": "Bye", "slots": {}, "slots": {}}}, "version": "0.9"}',
            "'version' is given twice in the top-level object, 'name' and 'slots' in "
            "request.intent",
        ),
        # A few are named, the rest counted; a key given three times is one of them.
        (
            '{"request": {"type": "LaunchRequest"}, "a": 1, "a": 2, "a": 3, "b": 1, "b": 2, '
            '"c": 1, "c": 2, "d": 1, "d": 2, "session": {"new": true, "new": false}}',
            "'a', 'b' and 'c' are given twice in the top-level object, and 2 more",
        ),
    ],
)
def test_load_request_names_every_key_given_twice_up_to_a_few(
    tmp_path: Any, content: str, said: str
) -> None:
    # Only the first was named: a file with several was refused once for each, one at a time.
    path = tmp_path / "dup.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        load_request(path)
    assert str(raised.value) == (
        f"{path}: {said}: a JSON object keeps only the last of each; give each once"
    )


def test_load_request_says_a_file_nested_too_deeply_as_not_json(tmp_path: Any) -> None:
    # A RecursionError came out of client.replay, where a file that is no request is a
    # ValueError naming it (a dict nested so was one already: "not JSON data").
    path = tmp_path / "deep.json"
    path.write_text(
        '{"request": {"type": "LaunchRequest"}, "x": ' + "[" * 5000 + "]" * 5000 + "}",
        encoding="utf-8",
    )
    with pytest.raises(ValueError) as raised:
        load_request(path)
    assert str(raised.value) == f"{path}: not JSON (nested too deeply)"


def test_load_request_says_a_file_with_a_number_too_long_as_not_json(tmp_path: Any) -> None:
    # json.loads's own ValueError past Python's int digit limit came out as it was, in Python's
    # words ("Exceeds the limit (4300 digits) …"), naming no file.
    path = tmp_path / "long.json"
    path.write_text(
        '{"request": {"type": "LaunchRequest"}, "x": ' + "1" * 5000 + "}", encoding="utf-8"
    )
    with pytest.raises(ValueError) as raised:
        load_request(path)
    assert str(raised.value) == f"{path}: not JSON (a number of too many digits)"


def _refusals(path: Path) -> tuple[str, str]:
    """What load_request and `alexaskill replay` say of the file ``path``, which both refuse."""
    from alexaskill.cli.common import UsageError
    from alexaskill.cli.replay_files import load_requests

    with pytest.raises(ValueError) as loaded:
        load_request(path)
    with pytest.raises(UsageError) as replayed:
        load_requests([str(path)], "app:skill")
    return str(loaded.value), str(replayed.value)


@pytest.mark.parametrize("content", [b"", b" \n", b"\xef\xbb\xbf"])
def test_load_request_says_an_empty_file_empty_as_replay_says_it(
    tmp_path: Any, content: bytes
) -> None:
    # It said "not JSON (line 1, column 1: Expecting value)" of a file `alexaskill replay` calls
    # "empty, no request in it".
    path = tmp_path / "empty.json"
    path.write_bytes(content)
    loaded, replayed = _refusals(path)
    assert loaded == f"{path}: empty, no request in it"
    assert replayed.startswith(f"{loaded}: ")


@pytest.mark.parametrize(
    "content",
    [
        b'{"request": {"type": "caf\xe9"}}',  # not UTF-8
        b'{"request": {"type": "LaunchRequest"},\n "x": nope}',  # not JSON, on line 2
        b'{"request": {"type": "LaunchRequest"}, "x": ' + b"1" * 5000 + b"}",
        b'{"request": {"type": "LaunchRequest"}, "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    ],
    ids=["not-utf8", "not-json", "long-number", "deep"],
)
def test_load_request_says_a_file_it_cannot_read_as_replay_says_it(
    tmp_path: Any, content: bytes
) -> None:
    # load_request said "not JSON (not UTF-8 text)" where replay said "not UTF-8 text", and
    # "not JSON (line 2, column 7: …)" where replay said "not JSON (line 2: …)": one file, two
    # wordings.
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    loaded, replayed = _refusals(path)
    assert loaded == replayed
