"""Cold start on AWS Lambda: alexaskill against the official ask-sdk-core, in the same run.

Each side is one small skill (a LaunchRequest handler and a HelloIntent with a ``name`` slot),
written the way its framework's documentation writes it, run in fresh ``python -c`` processes,
alternating sides. Each process reports two times, measured inside it:

- import: importing the framework and defining the skill and its Lambda handler;
- first call: answering one IntentRequest event, as Lambda's first invocation does.

Two more sides count a visit in DynamoDB on that first call, the way each framework keeps
persistent attributes on Lambda: alexaskill's `DynamoDBStore` (``alexaskill[dynamodb]``) and the
SDK's ``DynamoDbAdapter`` (``ask-sdk-dynamodb-persistence-adapter``). Both talk to a stand-in for
DynamoDB that this script serves on 127.0.0.1 (one read, one write, answered at once), named by
``AWS_ENDPOINT_URL_DYNAMODB`` as botocore reads it: what is measured is loading the AWS library,
making its client and a request's own work, not a network.

The parent also times each whole process (interpreter start-up included, the same for both). The
medians of ``--runs`` processes are printed (of an even number the higher middle time, a
process's own), with the ratios, each the median of the rounds' own (each round runs every side
once, every other round in reverse order, so that no side always runs first; of an even number
the lower middle ratio), and what the DynamoDB store adds, round by round too (the higher
middle). Bytecode caches are warm (one unmeasured run per side first): ship ``.pyc`` files in a
Lambda package, whose file system is read-only, or pay compilation on every cold start.

ask-sdk-core is not a dependency of alexaskill: the script makes a virtual environment for it
under the temporary directory (reused on later runs) with the running interpreter and
``pip install ask-sdk-core ask-sdk-dynamodb-persistence-adapter``, or uses ``--ask-sdk-python
PATH``, an interpreter that has them. If neither works, it says so and reports alexaskill alone;
without botocore here (``pip install -e '.[dynamodb]'``) the DynamoDB sides are left out.

Run from a checkout: ``python benchmarks/bench_cold_import.py [--runs 21]``.
"""

from __future__ import annotations

import argparse
import http.server
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKILL_ID = "amzn1.ask.skill.12345678-90ab-cdef-1234-567890abcdef"
ASK_SDK_VENV = Path(tempfile.gettempdir()) / "alexaskill-bench-ask-sdk-core"

# Both programs read the event from stdin and import json, sys and time before the clock starts.
PRELUDE = """
import json, sys, time
EVENT = json.loads(sys.stdin.read())
SKILL_ID = EVENT["context"]["System"]["application"]["applicationId"]
started = time.perf_counter()
"""
EPILOGUE = """
defined = time.perf_counter()
answer = handler(EVENT, None)
answered = time.perf_counter()
speech = answer["response"]["outputSpeech"]
assert "Hello, Ada!" in (speech.get("text") or speech.get("ssml")), answer
print(json.dumps({"import": defined - started, "first_call": answered - defined}))
"""

ALEXASKILL = (
    PRELUDE
    + """
from alexaskill import Skill, ask, speak
from alexaskill.aws_lambda import handler as lambda_handler

skill = Skill(SKILL_ID)


@skill.launch
def launch():
    return ask("Welcome. Who are you?", reprompt="Who are you?")


@skill.intent("HelloIntent")
def hello(name: str = "world"):
    return speak(f"Hello, {name}!")


handler = lambda_handler(skill)
"""
    + EPILOGUE
)

ASK_SDK = (
    PRELUDE
    + """
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import get_slot_value, is_intent_name, is_request_type

sb = SkillBuilder()
sb.skill_id = SKILL_ID


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        speech = "Welcome. Who are you?"
        return handler_input.response_builder.speak(speech).ask("Who are you?").response


class HelloHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("HelloIntent")(handler_input)

    def handle(self, handler_input):
        name = get_slot_value(handler_input, "name") or "world"
        return handler_input.response_builder.speak(f"Hello, {name}!").response


sb.add_request_handler(LaunchHandler())
sb.add_request_handler(HelloHandler())
handler = sb.lambda_handler()
"""
    + EPILOGUE
)


# The stand-in for DynamoDB holds 41 visits: the answer proves the read, its calls the write.
EPILOGUE_DYNAMODB = EPILOGUE.replace('"Hello, Ada!"', '"Hello, Ada! Visit 42."')

ALEXASKILL_DYNAMODB = (
    PRELUDE
    + """
from alexaskill import Attributes, Skill, ask, speak
from alexaskill.aws_lambda import handler as lambda_handler

skill = Skill(SKILL_ID, store="dynamodb://bench-attributes")


@skill.launch
def launch():
    return ask("Welcome. Who are you?", reprompt="Who are you?")


@skill.intent("HelloIntent")
def hello(attributes: Attributes, name: str = "world"):
    attributes["visits"] = attributes.get("visits", 0) + 1
    return speak(f"Hello, {name}! Visit {attributes['visits']}.")


handler = lambda_handler(skill)
"""
    + EPILOGUE_DYNAMODB
)

ASK_SDK_DYNAMODB = (
    PRELUDE
    + """
import boto3
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import get_slot_value, is_intent_name, is_request_type
from ask_sdk_dynamodb.adapter import DynamoDbAdapter

adapter = DynamoDbAdapter("bench-attributes", dynamodb_resource=boto3.resource("dynamodb"))
sb = CustomSkillBuilder(persistence_adapter=adapter)
sb.skill_id = SKILL_ID


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        speech = "Welcome. Who are you?"
        return handler_input.response_builder.speak(speech).ask("Who are you?").response


class HelloHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("HelloIntent")(handler_input)

    def handle(self, handler_input):
        name = get_slot_value(handler_input, "name") or "world"
        manager = handler_input.attributes_manager
        attributes = manager.persistent_attributes
        attributes["visits"] = attributes.get("visits", 0) + 1
        manager.save_persistent_attributes()
        speech = f"Hello, {name}! Visit {attributes['visits']}."
        return handler_input.response_builder.speak(speech).response


sb.add_request_handler(LaunchHandler())
sb.add_request_handler(HelloHandler())
handler = sb.lambda_handler()
"""
    + EPILOGUE_DYNAMODB
)


@contextmanager
def fake_dynamodb(calls: list[str] | None = None) -> Iterator[str]:
    """A stand-in for DynamoDB on 127.0.0.1: GetItem finds a returning user, writes succeed.

    Yields its URL; every call is answered at once, so the sides compare their own work. The
    operations called are appended to ``calls``, if given.
    """
    item = {"id": {"S": "user"}, "attributes": {"M": {"visits": {"N": "41"}}}}
    made = calls if calls is not None else []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            target = self.headers.get("X-Amz-Target", "")
            made.append(target.rpartition(".")[2])
            body = json.dumps({"Item": item} if target.endswith(".GetItem") else {}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def aws_env(env: dict[str, str], endpoint: str) -> dict[str, str]:
    """``env`` as Lambda would set it for AWS (region, credentials), DynamoDB at ``endpoint``."""
    clean = {k: v for k, v in env.items() if not k.startswith("AWS_")}
    return clean | {
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


def event() -> dict[str, object]:
    """A HelloIntent request with ``name`` = Ada, as Lambda hands it to the function."""
    user = {"userId": "amzn1.ask.account." + "A" * 200}
    application = {"applicationId": SKILL_ID}
    return {
        "version": "1.0",
        "session": {
            "new": True,
            "sessionId": "amzn1.echo-api.session.0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
            "application": application,
            "attributes": {},
            "user": user,
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {
                    "deviceId": "amzn1.ask.device." + "B" * 200,
                    "supportedInterfaces": {},
                },
                "apiEndpoint": "https://api.amazonalexa.com",
                "apiAccessToken": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + "C" * 480,
            },
        },
        "request": {
            "type": "IntentRequest",
            "requestId": "amzn1.echo-api.request.7a8b9c0d-1e2f-3a4b-5c6d-7e8f9a0b1c2d",
            "timestamp": "2026-11-27T10:00:00Z",
            "locale": "en-US",
            "intent": {
                "name": "HelloIntent",
                "confirmationStatus": "NONE",
                "slots": {"name": {"name": "name", "value": "Ada", "confirmationStatus": "NONE"}},
            },
        },
    }


ASK_PACKAGES = ["ask-sdk-core", "ask-sdk-dynamodb-persistence-adapter"]


def ask_sdk_python(given: str | None) -> tuple[str | None, str]:
    """An interpreter with ask-sdk-core, and what it is (or None and why there is none)."""
    if given:
        return given, f"{given} (given)"
    python = ASK_SDK_VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        print(f"creating {ASK_SDK_VENV} and installing ask-sdk-core …", file=sys.stderr)
        try:
            venv.create(ASK_SDK_VENV, with_pip=True, clear=True)
        except (OSError, subprocess.SubprocessError) as exc:
            return None, f"ask-sdk-core unavailable: cannot make {ASK_SDK_VENV} ({exc})"
    versions = "import importlib.metadata as m; print(*(m.version(p) for p in {!r}))"
    found = subprocess.run(
        [str(python), "-c", versions.format(ASK_PACKAGES)],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:  # a new environment, or one made before the DynamoDB sides
        try:
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", *ASK_PACKAGES],
                check=True,
                timeout=600,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return None, f"ask-sdk-core unavailable: cannot install it ({exc})"
        found = subprocess.run(
            [str(python), "-c", versions.format(ASK_PACKAGES)],
            capture_output=True,
            text=True,
            check=False,
        )
    if found.returncode != 0:
        return None, f"ask-sdk-core unavailable in {ASK_SDK_VENV}: {found.stderr.strip()[-200:]}"
    core, adapter = found.stdout.split()
    return str(python), f"ask-sdk-core {core} and its DynamoDB adapter {adapter} in {ASK_SDK_VENV}"


def run_once(python: str, program: str, body: str, env: dict[str, str]) -> dict[str, float]:
    """One fresh process: its own import and first-call times, and its wall time."""
    started = time.perf_counter()
    result = subprocess.run(
        [python, "-c", program],
        input=body,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{python} failed:\n{result.stderr}")
    times: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    times["process"] = wall
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="processes per side (default 21)")
    parser.add_argument("--ask-sdk-python", help="an interpreter with ask-sdk-core installed")
    args = parser.parse_args()
    with fake_dynamodb() as endpoint:
        measure(args.runs, args.ask_sdk_python, endpoint)


def measure(runs: int, ask_sdk: str | None, endpoint: str) -> None:
    """Run every side ``runs`` times, interleaved (every other round in reverse), and print the
    medians and the ratios."""
    body = json.dumps(event())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    ours_env = {**env, "PYTHONPATH": str(ROOT)}
    theirs, what = ask_sdk_python(ask_sdk)
    sides = [("alexaskill", sys.executable, ALEXASKILL, ours_env)]
    with_store = importlib.util.find_spec("botocore") is not None
    if with_store:
        sides.append(
            ("alexaskill+ddb", sys.executable, ALEXASKILL_DYNAMODB, aws_env(ours_env, endpoint))
        )
    if theirs is not None:
        sides.append(("ask-sdk-core", theirs, ASK_SDK, env))
        sides.append(("ask-sdk+ddb", theirs, ASK_SDK_DYNAMODB, aws_env(env, endpoint)))

    baseline = [sys.executable, "-c", "pass"]
    for _name, python, program, side_env in sides:  # warm the bytecode caches, unmeasured
        run_once(python, program, body, side_env)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name, *_ in sides}
    bare: list[float] = []
    for round_ in range(runs):
        # Every other round in reverse: a side run first (or just after another) would carry
        # whatever that place costs (caches the previous process left warm or cold) in every
        # round, and into each paired ratio.
        for name, python, program, side_env in sides if round_ % 2 == 0 else sides[::-1]:
            samples[name].append(run_once(python, program, body, side_env))
        started = time.perf_counter()
        subprocess.run(baseline, check=True, env=env)
        bare.append(time.perf_counter() - started)

    def rounds_ms(name: str, field: str) -> list[float]:
        """``name``'s ``field`` in each round, in ms (``both``: import and first call)."""
        if field == "both":
            return [(s["import"] + s["first_call"]) * 1000 for s in samples[name]]
        return [s[field] * 1000 for s in samples[name]]

    # A time is a cost: of an even number of runs the higher middle, a process's own figure
    # and the unfavourable one; a ratio of two sides is paired by round (each round runs every
    # side once), the lower middle of the SDK's over alexaskill's (above 1 alexaskill is the
    # faster), never one median over another (benchmarks/README.md, Method); what the store
    # adds is paired so too.
    def median_ms(name: str, field: str) -> float:
        return statistics.median_high(rounds_ms(name, field))

    def paired(their: str, ours: str, field: str) -> float:
        pairs = zip(rounds_ms(their, field), rounds_ms(ours, field), strict=True)
        return statistics.median_low(t / o for t, o in pairs)

    print(
        f"Python {sys.version.split()[0]}, {runs} fresh processes per side, every other round "
        f"in reverse order; the medians of the rounds; {what}"
    )
    bare_ms = statistics.median_high(bare) * 1000
    print(f"bare interpreter start-up (python -c pass): {bare_ms:.1f} ms")
    print("(+ddb: the first call reads and writes a visit count in DynamoDB, served locally)")
    print(f"{'':14} {'import':>10} {'first call':>11} {'import+call':>12} {'process':>10}")
    for name, *_ in sides:
        imp, call = median_ms(name, "import"), median_ms(name, "first_call")
        both, process = median_ms(name, "both"), median_ms(name, "process")
        print(f"{name:14} {imp:8.1f}ms {call:9.1f}ms {both:10.1f}ms {process:8.1f}ms")
    if not with_store:
        print("DynamoDB sides left out: botocore is not installed (pip install -e '.[dynamodb]')")
    if with_store:
        rounds = zip(
            rounds_ms("alexaskill+ddb", "both"), rounds_ms("alexaskill", "both"), strict=True
        )
        added = statistics.median_high(store - plain for store, plain in rounds)
        print(f"DynamoDB store adds to alexaskill's import + first call: {added:.1f} ms")
    if theirs is None:
        print(what)
        return
    pairs = [("ask-sdk-core", "alexaskill")]
    if with_store:
        pairs.append(("ask-sdk+ddb", "alexaskill+ddb"))
    for their, ours in pairs:
        for field, label in (
            ("import", "import"),
            ("both", "import + first call"),
            ("process", "whole process"),
        ):
            print(f"{label}: {their} / {ours} = {paired(their, ours, field):.2f}")


if __name__ == "__main__":
    main()
