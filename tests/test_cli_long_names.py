"""A file name the system refuses (a part of it over 255 bytes, or the whole past 4096), given
where a command takes an APP, a model or a file: said in one line, exit status 2, as a name
that is not there is, never an OSError's traceback (ENAMETOOLONG) from a look for the file."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

# The fixture of tests/cli_inputs_shared.py these tests take, imported for pytest to see.
from .cli_inputs_shared import workdir as workdir
from .cli_run import run

PART = "a" * 300  # one name in a path longer than any file system takes (255 bytes)
WHOLE = "a" * 5000  # a path longer than the system looks up (4096 bytes)
TOO_LONG = "File name too long"
NOT_APP = "expected module:attribute"

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        # APP: a file to import, or (no ":") a module or a path
        (["serve", WHOLE], NOT_APP),
        (["serve", f"{PART}.py:skill"], f"aaa.py (303 characters): {TOO_LONG}"),
        (["serve", f"{PART}/app.py:skill"], f"a/app.py (307 characters): {TOO_LONG}"),
        (["serve", f"{PART}/app.py"], f"a/app.py (307 characters): {TOO_LONG}"),
        (["serve", f"{PART}.json"], NOT_APP),
        (["serve", f"x.{PART}"], NOT_APP),
        (["chat", WHOLE], NOT_APP),
        (["chat", f"{PART}.py:skill"], f"aaa.py (303 characters): {TOO_LONG}"),
        (["replay", WHOLE, "hello.json"], NOT_APP),
        (["replay", f"{PART}.py:skill", "hello.json"], f"aaa.py (303 characters): {TOO_LONG}"),
        (["model", f"{PART}.py:skill"], f"aaa.py (303 characters): {TOO_LONG}"),
        (["model", WHOLE, "--check"], NOT_APP),
        # MODEL: a model file or directory, else an APP
        (["chat", "inputsapp:skill", "--model", WHOLE], NOT_APP),
        (["understand", "--model", WHOLE, "hi"], NOT_APP),
        (["understand", "--model", f"{PART}/", "hi"], f"aaa/ (301 characters): {TOO_LONG}"),
        (["request", "IntentRequest", "--intent", "Hello", "--model", WHOLE], NOT_APP),
        # request FILEs, and the files of options
        (["replay", "inputsapp:skill", f"{PART}.json"], f"a.json (305 characters): {TOO_LONG}"),
        (["replay", "inputsapp:skill", f"{PART}:x"], f"aaa:x (302 characters): {TOO_LONG}"),
        (
            ["replay", "--url", "http://127.0.0.1:9/", f"{PART}.json"],
            f"a.json (305 characters): {TOO_LONG}",
        ),
        (
            ["certify", "https://127.0.0.1:9/", "--replay", f"{PART}.json"],
            f"--replay {'a' * 70}…{'a' * 25}.json (305 characters): {TOO_LONG}",
        ),
        (
            ["serve", "inputsapp:skill", "--ssl-certfile", f"{PART}.pem", "--ssl-keyfile", "k"],
            f"--ssl-certfile {'a' * 70}…{'a' * 26}.pem (304 characters): {TOO_LONG}",
        ),
    ],
    ids=lambda value: (
        " ".join(value).replace(WHOLE, "WHOLE").replace(PART, "PART")
        if isinstance(value, list)
        else None
    ),
)
def test_a_name_too_long_for_a_file_is_said_in_one_line(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], said: str
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # (chat's, should it get to read it)
    code, out, err = run(*argv)
    assert (code, out) == (2, ""), err
    assert err.startswith(f"alexaskill {argv[0]}: error: ") and err.count("\n") == 1, err
    assert said in err, err
    assert "Errno" not in err  # OSError's own wording ("[Errno 36] …: 'aaa…'"), not the CLI's
    # The name echoed is cut to its head and tail, with its length: it was echoed whole, a line
    # of 5,000 characters for a WHOLE (what the user typed, and no line a terminal shows). Twice
    # at most: "APP 'aaa…aaa.json' (305 characters): expected …; did you mean aaa…aaa.json:skill?"
    assert len(err) < 400, err


#: A directory four names deep (each of 50 characters): the files in it are there, and their
#: paths, over `shown_names.MAX_SHOWN`, are cut wherever a message echoes them.
DEEP = "/".join(["d" * 50] * 4)


@pytest.mark.parametrize(
    ("argv", "content", "said"),
    [
        # --alexa-api: every refusal of the file, not its first ones only
        (["replay", "inputsapp:skill", "hello.json", "--alexa-api"], "hello", "a request envelope"),
        (["replay", "inputsapp:skill", "hello.json", "--alexa-api"], '{"now": "x"}', "now 'x'"),
        (["replay", "inputsapp:skill", "hello.json", "--alexa-api"], '{"nme": 1}', "'nme' is not"),
        (
            ["replay", "--url", "http://192.0.2.1/", "hello.json", "--alexa-api"],
            "{}",
            "served only",
        ),
        # a request FILE holding two requests (said with the command that reads them)
        (["replay", "inputsapp:skill"], "twice", "more than one JSON document"),
        # serve --ssl-certfile naming a directory
        (["serve", "inputsapp:skill", "--ssl-keyfile", "k", "--ssl-certfile"], None, "not a file"),
        # serve --capture naming a directory under a file, or one that cannot be made
        (["serve", "inputsapp:skill", "--capture"], "/in/the/way", "not a directory"),
        (["serve", "inputsapp:skill", "--capture"], "too long", "cannot make it"),
    ],
    ids=[
        "envelope",
        "now",
        "field",
        "url",
        "two requests",
        "certfile directory",
        "capture under a file",
        "capture not made",
    ],
)
def test_a_long_path_that_is_there_is_echoed_cut(
    workdir: Path, argv: list[str], content: str | None, said: str
) -> None:
    # Those refusals echoed the path whole (each said it cut but these): under a deep
    # directory, a line as long as the path, or twice as long (`alexaskill replay … < PATH`).
    (workdir / DEEP).mkdir(parents=True)
    path = f"{DEEP}/named.json"
    hello = (workdir / "hello.json").read_text(encoding="utf-8")
    texts = {"hello": hello, "twice": hello + hello}
    if content is None:
        path = DEEP
    elif content == "too long":  # (a name in it over 255 bytes)
        path = f"{DEEP}/{PART}"
    elif content.startswith("/"):  # (a path under a file)
        (workdir / path).write_text("", encoding="utf-8")
        path += content
    else:
        (workdir / path).write_text(texts.get(content, content), encoding="utf-8")
    code, out, err = run(*argv, path)
    assert (code, out) == (2, ""), err
    assert said in err, err
    cut = f"{path[:70]}…{path[-30:]} ({len(path)} characters)"
    assert err.startswith(f"alexaskill {argv[0]}: error: ") and cut in err, err
    # (whole only in the command a request file's refusal gives to copy: `replay … - < PATH`)
    assert err.count(path) == (content == "twice"), err


#: What `serve` refuses to serve, each a name in `longapp.py` under `DEEP`.
LONG_APP = """
from alexaskill import Skill as Skill


def sync_app(scope, receive, send):
    pass


def handler(request):
    pass


class Two:
    def __init__(self, scope, other):
        pass


class SyncCall:
    def __call__(self, scope, receive, send):
        pass


sync_call = SyncCall()


def failing():
    raise RuntimeError("no")


def one():
    return 1


async def no_skill(scope, receive, send):
    pass
"""


@pytest.mark.parametrize(
    ("attribute", "options", "said"),
    [
        ("sync_app", [], "is not async"),
        ("handler", [], "is a function, not an ASGI app"),
        ("Skill", [], "is the Skill class, not a skill"),
        ("Two", [], "is a class, not an ASGI app"),
        ("sync_call", [], "is not async"),
        ("failing", [], "calling the app factory"),
        ("one", [], "returned an int"),
        ("no_skill", ["--dev"], "is no Skill and mounts none"),
    ],
)
def test_a_long_app_that_serve_refuses_is_echoed_cut(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, attribute: str, options: list[str], said: str
) -> None:
    # serve's own refusals of what an APP names echoed it whole (and again in the example they
    # give, `name the Skill object, as in MODULE:skill`): a line as long as two paths.
    (workdir / DEEP).mkdir(parents=True)
    (workdir / DEEP / "longapp.py").write_text(LONG_APP, encoding="utf-8")
    monkeypatch.delitem(sys.modules, "longapp", raising=False)  # (the file's, undone after)
    spec = f"{DEEP}/longapp.py:{attribute}"
    code, out, err = run("serve", spec, *options)
    assert (code, out) == (2, ""), err
    assert err.startswith("alexaskill serve: error: ") and said in err, err
    assert f"{spec[:70]}…" in err and f" ({len(spec)} characters)" in err, err
    # (a failing factory's traceback line names its file as Python has it, absolute)
    assert DEEP not in err.partition(" (/")[0], err


def test_a_long_model_that_is_no_file_is_echoed_cut(workdir: Path) -> None:
    # serve --dev --model naming a device or a pipe (os.path.exists, neither file nor directory)
    model = f"{'/' * 200}dev/null"
    code, out, err = run("serve", "inputsapp:skill", "--dev", "--model", model)
    assert (code, out) == (2, ""), err
    assert f"--model {model[:70]}…{model[-30:]} ({len(model)} characters): not a file" in err, err
    assert model not in err, err


def test_a_long_session_from_path_is_echoed_cut(workdir: Path) -> None:
    # request --session-from said the file whole in each refusal of it (here a request, not
    # the skill's answer to one)
    (workdir / DEEP).mkdir(parents=True)
    path = f"{DEEP}/named.json"
    (workdir / path).write_text(
        (workdir / "hello.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    argv = ("request", "IntentRequest", "--intent", "Hello", "--session-from", path)
    code, out, err = run(*argv)
    assert (code, out) == (2, ""), err
    cut = f"--session-from {path[:70]}…{path[-30:]} ({len(path)} characters): a request"
    assert cut in err and path not in err, err


def test_model_echoes_a_long_output_path_cut(workdir: Path) -> None:
    # The line saying whose invocation name is kept, the line saying the file was written, and
    # the refusal of a file named for another locale said the --output path whole.
    (workdir / DEEP).mkdir(parents=True)
    english, german = f"{DEEP}/en-US.json", f"{DEEP}/de-DE.json"
    code, _, err = run("model", "inputsapp:skill", "--invocation", "hello there", "-o", english)
    assert code == 0, err
    code, _, err = run("model", "inputsapp:skill", "-o", english)
    assert code == 0, err
    named = f"{english[:70]}…{english[-30:]} ({len(english)} characters)"
    said = f"invocation name 'hello there' from {named} (--invocation to change it)"
    # (the file written is named whole, as a report of it to open, not a message)
    assert said in err and f"wrote {english}\n" in err, err
    code, _, err = run("model", "inputsapp:skill", "--invocation", "hello there", "-o", german)
    assert code == 2, err
    said = f"--output {german[:70]}…{german[-30:]} ({len(german)} characters) is named for de-DE"
    assert said in err and german not in err, err


def test_an_unusable_long_dev_pki_directory_is_echoed_cut(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file where the development PKI's directory goes: the directory said whole, then again
    # (and longer) in the OSError's own words.
    from alexaskill.cli.common import UsageError
    from alexaskill.cli.dev import DEV_PKI_ENV, dev_pki

    (workdir / DEEP).mkdir(parents=True)
    (workdir / DEEP / "file").write_text("", encoding="utf-8")
    directory = str(workdir / DEEP / "file" / "pki")
    monkeypatch.setenv(DEV_PKI_ENV, directory)
    with pytest.raises(UsageError) as info:
        dev_pki()
    said = f"development PKI in {directory[:70]}…{directory[-30:]} ({len(directory):,} characters)"
    assert str(info.value).startswith(f"{said}: Not a directory (set {DEV_PKI_ENV} "), info.value
    assert DEEP not in str(info.value), info.value


@pytest.mark.parametrize(
    ("output", "said"),
    [
        (DEEP, "it is a directory (--output-dir"),  # (the option to copy keeps it whole)
        (f"{DEEP}/file/en-US.json", "is a file, not a directory"),
        (f"{DEEP}/file/", "a directory's name (it ends in a slash), but"),
    ],
    ids=["directory", "under a file", "slash"],
)
def test_model_refuses_a_long_output_echoing_it_cut(workdir: Path, output: str, said: str) -> None:
    # model's refusals of an --output it cannot write said it whole (and the file in the way)
    (workdir / DEEP).mkdir(parents=True)
    (workdir / DEEP / "file").write_text("", encoding="utf-8")
    code, out, err = run("model", "inputsapp:skill", "--invocation", "hello there", "-o", output)
    assert (code, out) == (2, ""), err
    assert said in err and f"{output[:70]}…{output[-30:]} ({len(output)} characters)" in err, err
    # whole only in the --output-dir to copy
    assert err.count(DEEP) == (output == DEEP), err


def _cut(name: str, quoted: bool = False) -> str:
    head_tail = f"{name[:70]}…{name[-30:]}"
    return f"{head_tail!r}" if quoted else head_tail


@pytest.mark.parametrize(
    "name",
    ["Custom." + "x" * 5000, "Custom." + "x" * 5000 + ".", "Custom x" + "y" * 5000, "y" * 5000],
    ids=["unknown", "empty part", "space", "no namespace"],
)
def test_a_long_request_type_refused_or_warned_is_echoed_cut(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Registration said the request type's repr whole: a 5,000-character name, a line as long
    # (twice for one with no namespace, in its `@skill.intent(...)` hint).
    from alexaskill import Skill
    from alexaskill.exceptions import ConfigurationError

    said = f"{_cut(name, quoted=True)} ({len(name):,} characters)"
    try:
        Skill("*").add_handler(name, lambda: None)
    except ConfigurationError as exc:
        message = str(exc)
    else:
        message = caplog.text
    assert said in message and name not in message and len(message) < 600, message


def test_an_import_failure_names_the_long_file_and_line_cut(workdir: Path) -> None:
    # `(FILE:LINE)` of an APP's import failure named the file's absolute path whole.
    (workdir / DEEP).mkdir(parents=True)
    (workdir / DEEP / "broken.py").write_text("x = 1\nraise RuntimeError('no')\n", encoding="utf-8")
    (workdir / DEEP / "syntax.py").write_text("x = (\n", encoding="utf-8")
    for name, line in [("broken.py", 2), ("syntax.py", 1)]:
        path = str(workdir / DEEP / name)
        code, out, err = run("serve", f"{DEEP}/{name}:skill")
        assert (code, out) == (2, ""), err
        assert f" ({_cut(path)} ({len(path):,} characters):{line})" in err, err
        assert DEEP not in err, err


def test_a_tls_pair_that_does_not_load_is_echoed_cut(workdir: Path) -> None:
    # Both --ssl-certfile and --ssl-keyfile were echoed whole in the refusal of the pair.
    (workdir / DEEP).mkdir(parents=True)
    cert, key = f"{DEEP}/cert.pem", f"{DEEP}/key.pem"
    (workdir / cert).write_text("not a certificate\n", encoding="utf-8")
    (workdir / key).write_text("not a key\n", encoding="utf-8")
    code, out, err = run("serve", "inputsapp:skill", "--ssl-certfile", cert, "--ssl-keyfile", key)
    assert (code, out) == (2, ""), err
    for path in (cert, key):
        assert f"{_cut(path)} ({len(path)} characters)" in err, err
    assert DEEP not in err and "not a PEM certificate and key that match" in err, err


def test_a_group_writable_long_dev_pki_directory_is_echoed_cut(workdir: Path) -> None:
    # The directory was named whole twice: as the target and in the chmod to copy (kept whole).
    from alexaskill.testing.pki_files import private_directory

    directory = workdir / DEEP
    directory.mkdir(parents=True)
    directory.chmod(0o770)
    with pytest.raises(PermissionError) as info:
        private_directory(directory)
    whole = str(directory)
    assert str(info.value).startswith(f"{_cut(whole)} ({len(whole):,} characters) is writable")
    assert str(info.value).count(whole) == 1 and str(info.value).endswith(f"chmod go-w {whole}")


LONG = "x" * 5000


@pytest.mark.parametrize(
    ("argv", "cut"),
    [
        (["--slot", LONG], _cut(LONG, quoted=True)),  # (no "=": expected NAME=VALUE)
        (["--slot", f"{LONG}-=v"], _cut(f"{LONG}-", quoted=True)),  # no slot name
        (["--slot", f"city=\x07{LONG}"], _cut(f"\x07{LONG}", quoted=True)),  # control character
        (["--slot", f"{LONG}=\x07"], _cut(LONG)),
        (["--field", f"{LONG}-=1"], _cut(f"{LONG}-", quoted=True)),  # no field name
        (["--field", f"{LONG}=1"], _cut(LONG)),  # a field the type does not carry
    ],
    ids=["no equals", "slot name", "slot value", "slot name, bad value", "field", "not carried"],
)
def test_request_echoes_a_long_slot_or_field_cut(argv: list[str], cut: str) -> None:
    # --slot and --field names and values were echoed whole (twice for a field not carried).
    code, out, err = run("request", "IntentRequest", "--intent", "Plan", *argv)
    assert (code, out) == (2, ""), err
    assert cut in err and LONG not in err and len(err) < 1000, err


@pytest.mark.parametrize(
    ("argv", "cut"),
    [
        (["--slot", "city=Paris", "--confirm-slot", f"{LONG}=MAYBE"], _cut(f"{LONG}=MAYBE")),
        (
            ["--slot", "city=Paris", "--confirm-slot", f"{LONG}=DENIED"],
            f"{_cut(LONG)} (5,000 characters): no --slot NAME=VALUE",  # (no --slot of the name)
        ),
        (["--confirm-slot", "city=DENIED"] * 2 + ["--slot", "city=x"], None),  # (twice: short)
        (["--interface", f"Display{LONG}"], _cut(f"Display{LONG}", quoted=True)),
        (["--interface", f"{LONG}-"], _cut(f"{LONG}-", quoted=True)),  # no interface name
        (["--interface", f"DISPLAY{LONG}"], _cut(f"DISPLAY{LONG}", quoted=True)),
    ],
    ids=["bad status", "no such slot", "twice", "unknown interface", "no name", "case"],
)
def test_request_echoes_a_long_confirm_slot_or_interface_cut(
    argv: list[str], cut: str | None
) -> None:
    # --confirm-slot's NAME (twice where no --slot gave it) and --interface's repr were whole.
    code, out, err = run("request", "IntentRequest", "--intent", "Plan", *argv)
    assert (code, out) == (2, ""), err
    assert (cut is None or cut in err) and LONG not in err and len(err) < 1000, err


def test_request_echoes_a_long_field_value_too_large_cut() -> None:
    # A --field value holding a number too large for JSON was echoed whole in its refusal.
    value = "[1e999" + ",0" * 3000 + "]"
    code, out, err = run(
        "request", "IntentRequest", "--intent", "Plan", "--field", f"requestId={value}"
    )
    assert (code, out) == (2, ""), err
    assert f"{_cut(value)} (6,007 characters) holds a number too large" in err, err
    assert value not in err and len(err) < 1000, err


@pytest.mark.parametrize(
    "name", [f"Get{LONG}9", f"get {LONG}", f"{LONG}-", f"AMAZON.{LONG}Intent", ""]
)
def test_a_long_intent_name_refused_is_echoed_cut(name: str) -> None:
    # check_intent_name said the name's repr whole, and its CamelCase hint as long (and
    # check_builtin_intent an AMAZON. name's).
    from alexaskill import Skill
    from alexaskill.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError) as info:
        Skill("*").intent(name)(lambda: None)
    message = str(info.value)
    if name:
        assert _cut(name, quoted=True) in message, message
    assert LONG not in message and len(message) < 1000, message  # (AMAZON.: the list of them)


@pytest.mark.parametrize("register", ["intent", "on"])
@pytest.mark.parametrize("name", [[LONG], ["a" + "\x00" * 300]], ids=["long", "escapes"])
def test_a_long_name_that_is_no_string_is_echoed_cut(register: str, name: list[str]) -> None:
    # A name that is no str (a list holding the name) was said by its repr whole; then by its
    # repr cut at a fixed count, which left half an escape ("['a\x00…\x0…") and said the
    # repr's length, not the value's: it is quoted as any value an error quotes (shown_value).
    from alexaskill import Skill
    from alexaskill.exceptions import ConfigurationError
    from alexaskill.shown_names import shown_value

    with pytest.raises(ConfigurationError) as info:
        getattr(Skill("*"), register)(name)(lambda: None)
    message = str(info.value)
    assert f" {shown_value(name)} " in f"{message} ", message
    assert name[0] not in message and "characters)" not in message, message
    assert len(message) < 1000, message


@pytest.mark.parametrize(
    "argv",
    [[f"{LONG}=[1e999]"], [f"{LONG}=1", "--attribute", f"{LONG}=2"], [f'{LONG}={{"a":1,"a":2}}']],
    ids=["too large", "twice", "a key twice in its object"],
)
def test_request_echoes_a_long_attribute_key_cut(argv: list[str]) -> None:
    # --attribute KEY was echoed whole where its value or a second one was refused, and in the
    # path of its object, session.attributes.KEY, where a key in it was given twice.
    code, out, err = run("request", "IntentRequest", "--intent", "Plan", "--attribute", *argv)
    assert (code, out) == (2, ""), err
    assert f"--attribute {_cut(LONG)} (5,000 characters): " in err, err
    assert LONG not in err and len(err) < 1000, err
