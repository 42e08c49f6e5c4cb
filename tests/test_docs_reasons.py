"""README's table of the reasons of every HTTP 400 ("The reasons, check by check") is the code's,
both ways: each reason the verifier, the app's own checks or the endpoint give (read from the
source by tests/refusal_reasons.py) is in the table, and each reason of the table is one they give.

A reason and a row of the table match when one, its ``…`` standing for any text, reads as the
other (a reason the code works out whole at run time, ``malformed request: …``, only as itself).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Final

import pytest

from tests.refusal_reasons import VARIES, Source, reasons

README: Final = Path(__file__).resolve().parent.parent / "README.md"
HEADER: Final = "| check | reasons begin | then (`…`: details that vary) |"
_SPAN: Final = re.compile(r"`([^`]+)`")


def table_reasons(text: str) -> list[str]:
    """The reasons of the table in ``text``: each backticked one of a row's last column, after
    the row's beginning (its second column's backticked text, if any)."""
    lines = text.splitlines()
    start = lines.index(HEADER) + 2  # (past the line under the header)
    found: list[str] = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        assert len(cells) == 3, f"a row of three cells: {line[:80]}"
        begins = _SPAN.findall(cells[1])
        prefix = begins[0] if begins else ""
        found.extend(prefix + reason for reason in _SPAN.findall(cells[2]))
    return found


# (Each template's pattern made once: every reason of the code is matched to every row of the
# table, both ways, in each of six tests.)
@cache
def _pattern(template: str) -> re.Pattern[str]:
    return re.compile(".*".join(map(re.escape, template.split(VARIES))), re.DOTALL)


def _open(template: str) -> bool:
    """Whether all ``template`` says after its check's name is worked out at run time."""
    return not template.rpartition(": ")[2].strip(VARIES + " ")


def matches(code: str, documented: str) -> bool:
    """Whether the table's ``documented`` reads as the code's ``code``, or the other way."""
    if _pattern(documented).fullmatch(code):
        return True
    if _open(code):
        return code == documented
    return _pattern(code).fullmatch(documented) is not None


@cache
def _source() -> Source:
    return Source()


@cache
def _code() -> dict[str, list[str]]:
    return reasons(_source())


def _missing(code: dict[str, list[str]], documented: list[str]) -> list[str]:
    return [
        f"{reason!r} (made at {', '.join(places)})"
        for reason, places in sorted(code.items())
        if not any(matches(reason, row) for row in documented)
    ]


def _unknown(code: dict[str, list[str]], documented: list[str]) -> list[str]:
    return [row for row in documented if not any(matches(reason, row) for reason in code)]


def test_every_reason_the_code_gives_is_in_the_readmes_table() -> None:
    missing = _missing(_code(), table_reasons(README.read_text(encoding="utf-8")))
    assert not missing, "reasons README's table lacks:\n" + "\n".join(missing)


def test_every_reason_of_the_readmes_table_is_one_the_code_gives() -> None:
    unknown = _unknown(_code(), table_reasons(README.read_text(encoding="utf-8")))
    assert not unknown, "reasons of README's table no code gives:\n" + "\n".join(unknown)


def test_the_reasons_are_found_where_they_are_made() -> None:
    # The reader of the source finds each kind of place a reason is made: a literal, a module's
    # constant, an f-string, a function's return, a local variable added to, the endpoint's own.
    code = _code()
    for expected in (
        "certificate URL: userinfo",
        "certificate chain: download failed",
        "certificate chain: signing key is RSA-…, under … bits",
        "certificate URL: SignatureCertChainUrl header missing, Signature-256 too (not sent by "
        "Alexa, or dropped by a proxy in front)",
        "certificate chain: download timed out (after waiting for a download slot)",
        "certificate chain: no usable trusted roots (the server's log says why)",
        "signature: Signature-256 header is not base64",
        "malformed request: empty body",
        "request is for another skill",
        "conflicting … headers",
        "invalid content-length",
    ):
        assert expected in code
    # Nothing that is not a 400 of the endpoint: its 413 and 415, the server's own refusals,
    # the Lambda handler's (no HTTP), the test tools' errors.
    for other in ("request body too large", "expected application/json", "invalid HTTP request"):
        assert other not in code
    assert not any("Lambda event" in reason for reason in code)
    assert not any(reason.startswith("give ") for reason in code)


def _drop_row(text: str, reason: str) -> str:
    assert f"`{reason}`, " in text
    return text.replace(f"`{reason}`, ", "", 1)


@pytest.mark.parametrize(
    ("change", "fails"),
    [
        # A row gone from the table: the code still gives its reason.
        (lambda text: _drop_row(text, "userinfo"), "missing"),
        # A reason renamed in the table: no code gives it, and the code's is missing.
        (lambda text: text.replace("`backslash`", "`back slash`", 1), "both"),
        # A reason no code gives, added.
        (lambda text: text.replace("`empty body`", "`empty body`, `no body at all`", 1), "unknown"),
    ],
)
def test_a_table_out_of_step_fails(change: object, fails: str) -> None:
    assert callable(change)
    text = README.read_text(encoding="utf-8")
    changed = change(text)
    assert isinstance(changed, str) and changed != text
    documented = table_reasons(changed)
    missing = _missing(_code(), documented)
    unknown = _unknown(_code(), documented)
    assert bool(missing) == (fails in ("missing", "both"))
    assert bool(unknown) == (fails in ("unknown", "both"))


def test_a_reason_renamed_in_the_code_fails() -> None:
    code = dict(_code())
    code["certificate URL: user info"] = code.pop("certificate URL: userinfo")
    documented = table_reasons(README.read_text(encoding="utf-8"))
    assert _missing(code, documented) and _unknown(code, documented) == [
        "certificate URL: userinfo"
    ]


def test_an_open_reason_matches_only_itself() -> None:
    assert matches("malformed request: …", "malformed request: …")
    assert not matches("malformed request: …", "malformed request: anything at all")
    assert matches(
        "timestamp: too old (… before this server's clock; … allowed)",
        "timestamp: too old (… before this server's clock; … allowed)",
    )
    assert matches("signature: … is not base64", "signature: Signature-256 header is not base64")


#: Two modules that make no refusal, and to whose constants and functions no reason leads.
_QUIET: Final = ("alexaskill.slots.values", "alexaskill.understanding.languages.english.dates")


def test_only_the_modules_a_refusal_may_come_from_are_parsed() -> None:
    # Every module was parsed, ~3 s of CPU for this file: now those whose text names a class
    # of the family (or the endpoint), and those a reason's templates lead to.
    assert _code()
    source = _source()
    assert len(source.parsed) < len(source.texts) // 2
    assert not set(_QUIET) & set(source.parsed)
    assert "alexaskill.verify.urls" in source.parsed and "alexaskill.endpoint" in source.parsed


#: A refusal added in one quiet module, its words a constant of the other, each way the package
#: names a thing: its bare name imported, or an attribute of its module (``dates.SCRATCH``, as
#: answering.py reads ``messages.UNHANDLED``), the class too (``exceptions.TimestampError``).
_ADDED: Final = {
    "bare names": (
        "from ..exceptions import TimestampError\n"
        "from ..understanding.languages.english.dates import SCRATCH\n",
        'TimestampError(f"timestamp: {SCRATCH} ({seconds} s)")',
    ),
    "a module's constant": (
        "from ..exceptions import TimestampError\n"
        "from ..understanding.languages.english import dates\n",
        'TimestampError(f"timestamp: {dates.SCRATCH} ({seconds} s)")',
    ),
    "a module's class and constant": (
        "from .. import exceptions\nfrom ..understanding.languages.english import dates as d\n",
        'exceptions.TimestampError(f"timestamp: {d.SCRATCH} ({seconds} s)")',
    ),
}


@pytest.mark.parametrize("form", list(_ADDED))
def test_a_reason_added_in_a_module_not_parsed_before_is_found(form: str) -> None:
    # The both-ways guarantee holds for the modules left unparsed: a refusal added in one, its
    # words a constant of another, is read, and README's table is found to lack it. Named
    # through its module (``dates.SCRATCH``), its words were not read ("…", which a row of
    # ``timestamp: …`` would have matched), and a class so named made no refusal at all.
    imports, refusal = _ADDED[form]
    source = Source()
    quiet, other = (source.texts[name] for name in _QUIET)
    source.texts[_QUIET[1]] = (other[0], other[1] + '\nSCRATCH = "made up in a quiet module"\n')
    source.texts[_QUIET[0]] = (
        quiet[0],
        f"{quiet[1]}\n{imports}\n\ndef scratch(seconds):\n    raise {refusal}\n",
    )
    # (the modules parsed for the table, as they were: only the two changed are parsed anew)
    source.parsed.update((k, v) for k, v in _source().parsed.items() if k not in _QUIET)
    added = "timestamp: made up in a quiet module (… s)"
    line = len(source.texts[_QUIET[0]][1].splitlines())
    missing = _missing(reasons(source), table_reasons(README.read_text(encoding="utf-8")))
    assert missing == [f"{added!r} (made at alexaskill/slots/values.py:{line})"]
