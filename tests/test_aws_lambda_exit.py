"""AWS Lambda: a skill answered by the Lambda handler has its stores (and verifier) closed at the
process's exit, each failure named by its skill, within one bound, however many skills (the rest:
tests/test_aws_lambda.py). Each test runs a Python of its own."""

from __future__ import annotations

import subprocess

import pytest

from alexaskill.testing import DEFAULT_SKILL_ID

from .conftest import OTHER_SKILL_ID
from .fresh_python import run_python

#: Two skills of ``{skill}``, each with a ``{store}`` named first and second, answer a launch
#: through the Lambda handler and are kept alive to the exit.
_TWO_SKILLS_ANSWER = """
skills = []
for name in ("first", "second"):
    store = {store}()
    store.name = name
    skill = {skill}(sys.argv[1], store=store)
    skills.append(skill)

    @skill.launch
    def launch(attributes: Attributes):
        return speak("Hi.")

    envelope = RequestFactory(skill_id=sys.argv[1]).envelope("LaunchRequest")
    print(handler(skill)(envelope)["response"]["outputSpeech"]["text"], flush=True)
"""


def _at_exit(program: str, *options: str) -> subprocess.CompletedProcess[str]:
    """``program`` run by a Python of its own with the skill id as its argument."""
    return run_python(program, DEFAULT_SKILL_ID, options=options, timeout=120)


_CLOSED_AT_EXIT = """
import atexit, sys
from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.store import Attributes, MemoryStore, attributes_service
from alexaskill.testing import RequestFactory

class Store(MemoryStore):
    async def aclose(self):
        print("closed", type(self).__name__)

class Added(Store):
    pass

skill = Skill(sys.argv[1], store=Store())
skill.add_service(Attributes, *attributes_service(Added()))

@skill.launch
def launch(attributes: Attributes):
    return speak(f"Visit {attributes.increment('visits')}.")

lambda_handler = handler(skill)
envelope = RequestFactory(skill_id=sys.argv[1]).envelope("LaunchRequest")
atexit.register(lambda: print(lambda_handler(envelope)["response"]["outputSpeech"]["text"]))
print(lambda_handler(envelope)["response"]["outputSpeech"]["text"])
"""


def test_the_stores_of_a_skill_answered_by_the_lambda_handler_are_closed_at_exit() -> None:
    # No lifespan, no shutdown: a Redis store's connections were left to the garbage collector
    # when the process exited (a ResourceWarning each). An invocation after that, from an
    # atexit function registered before the first (so run after), gets a loop of its own.
    result = _at_exit(_CLOSED_AT_EXIT, "-W", "error::ResourceWarning")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n") == [
        "Visit 1.",
        "closed Store",
        "closed Added",
        "Visit 2.",
        "",
    ], result.stderr


_VERIFIER_FAILS_AT_EXIT = """
import sys
from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.store import MemoryStore
from alexaskill.testing import RequestFactory
from alexaskill.verify import Verifier

class Store(MemoryStore):
    async def aclose(self):
        print("closed", type(self).__name__)

class FailingVerifier(Verifier):
    async def aclose(self):
        raise RuntimeError("the client would not close")

skill = Skill(sys.argv[1], store=Store(), verifier=FailingVerifier())

@skill.launch
async def launch():  # (on the handler's event loop: its skill is closed at exit)
    return speak("Hi.")

lambda_handler = handler(skill)
envelope = RequestFactory(skill_id=sys.argv[1]).envelope("LaunchRequest")
print(lambda_handler(envelope)["response"]["outputSpeech"]["text"])
"""


def test_a_verifier_that_fails_to_close_at_exit_is_named_not_the_stores() -> None:
    # The line said "closing the stores of Skill at exit failed", though the stores were
    # closed and the verifier's aclose had raised.
    result = _at_exit(_VERIFIER_FAILS_AT_EXIT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n") == ["Hi.", "closed Store", ""], result.stderr
    # Named by its ids, as the handler's other lines name it (`lambda_log_name`): the path
    # ("the skill at / (…)") means nothing on Lambda.
    said = (
        f"closing the verifier (FailingVerifier) of the skill ({DEFAULT_SKILL_ID}) at exit failed "
        "(the rest was closed)"
    )
    assert said in result.stderr, result.stderr
    assert "the skill at /" not in result.stderr, result.stderr
    assert "closing the stores" not in result.stderr
    assert "the client would not close" in result.stderr  # (its traceback)


_ONE_OF_TWO_FAILS_AT_EXIT = f"""
import sys
from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.exceptions import StoreError
from alexaskill.store import MemoryStore
from alexaskill.testing import RequestFactory

class Failing(MemoryStore):
    async def aclose(self):
        raise StoreError("the store's server is gone")

kept = []
for skill_id, store in ((sys.argv[1], MemoryStore()), ({OTHER_SKILL_ID!r}, Failing())):
    skill = Skill(skill_id, store=store)
    kept.append(skill)

    @skill.launch
    async def launch():  # (on the handler's event loop: its skill is closed at exit)
        return speak("Hi.")

    print(handler(skill)(RequestFactory(skill_id=skill_id).envelope("LaunchRequest"))
          ["response"]["outputSpeech"]["text"])
"""


def test_a_store_failing_to_close_at_exit_names_its_skill_among_several() -> None:
    # The line said "closing the store Failing failed", and the others named every skill by
    # its class, "Skill": a process answering several skills did not tell which had failed.
    result = _at_exit(_ONE_OF_TWO_FAILS_AT_EXIT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n") == ["Hi.", "Hi.", ""], result.stderr
    [line] = [line for line in result.stderr.splitlines() if "closing the store" in line]
    assert "Failing" in line and OTHER_SKILL_ID in line and DEFAULT_SKILL_ID not in line, line
    assert f"of the skill ({OTHER_SKILL_ID}) failed" in line, line  # `lambda_log_name`
    assert "the store's server is gone" in result.stderr  # (its traceback)


#: A skill whose launch never ends, its handler made (`_STILL_RUNNING_AT_EXIT`'s start).
_ANSWERING_FOR_EVER = """
import asyncio, sys, threading
from alexaskill import Skill, speak
from alexaskill import lambda_exit
from alexaskill.aws_lambda import handler
from alexaskill.testing import RequestFactory

lambda_exit.CLOSE_TIMEOUT = 0.5  # (the bound on the wait: the invocation never ends)
skill = Skill(sys.argv[1], store="memory://", deadline=None)  # no deadline ends it
started = threading.Event()

@skill.launch
async def launch():
    started.set()
    await asyncio.Event().wait()  # for ever
    return speak("Never.")

lambda_handler = handler(skill)
"""

#: Three requests for another skill, each refused (`lambda_handler` made).
_THREE_REFUSED = """
other = RequestFactory(skill_id="amzn1.ask.skill.other").envelope("LaunchRequest")
for _ in range(3):
    try:
        lambda_handler(other)
    except Exception as exc:
        print("refused:", type(exc).__name__)
"""

#: A launch left running in a daemon thread as the program exits.
_LEFT_RUNNING = """
envelope = RequestFactory(skill_id=sys.argv[1]).envelope("LaunchRequest")
threading.Thread(target=lambda_handler, args=(envelope,), daemon=True).start()
assert started.wait(30)
print("exiting")
"""

_STILL_RUNNING_AT_EXIT = _ANSWERING_FOR_EVER + _LEFT_RUNNING


def test_an_invocation_still_running_at_exit_does_not_hold_up_the_exit() -> None:
    # A daemon thread (a local server's) in an invocation holds the loop: the exit waited for
    # it to close the stores, for ever.
    result = _at_exit(_STILL_RUNNING_AT_EXIT)
    assert result.stdout == "exiting\n", result.stderr
    assert "stores were not closed at exit: an invocation still runs" in result.stderr


_TWO_HANGING_AT_EXIT = """
import asyncio, sys
from alexaskill import Skill, speak
from alexaskill import lambda_exit
from alexaskill.aws_lambda import handler
from alexaskill.store import Attributes, MemoryStore
from alexaskill.testing import RequestFactory

lambda_exit.CLOSE_TIMEOUT = 0.5  # (the bound on the exit: these closes never end)

class Hanging(MemoryStore):
    async def aclose(self):
        print("closing", self.name, flush=True)
        await asyncio.Event().wait()  # for ever: a server that never answers

""" + _TWO_SKILLS_ANSWER.format(store="Hanging", skill="Skill")


def test_the_stores_closed_at_exit_share_one_bound_however_many_skills() -> None:
    # Each skill had CLOSE_TIMEOUT of its own (after as long a wait for an invocation still
    # running): a process that answered several skills whose stores' servers did not answer
    # took that many times 10 s to exit. Once the bound is spent, the others are said left.
    result = _at_exit(_TWO_HANGING_AT_EXIT)
    assert result.returncode == 0, result.stderr
    said = result.stdout.split("\n")
    assert said[:2] == ["Hi.", "Hi."] and said[-1] == "", result.stderr
    # One close started at most (none if a stalled CI ran out the 0.5 s before the first).
    assert set(said[2:-1]) <= {"closing first", "closing second"}, result.stderr
    assert len(said) <= 4, result.stderr
    said_left = (
        f"the stores of the skill ({DEFAULT_SKILL_ID}) were not closed at exit: "
        "closing took over 0.5 s"
    )
    assert result.stderr.count(said_left) == 2, result.stderr  # the one cut short, the other
    assert "Traceback" not in result.stderr


_EQUAL_SKILLS_AT_EXIT = """
import sys
from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.store import Attributes, MemoryStore
from alexaskill.testing import RequestFactory

class Store(MemoryStore):
    async def aclose(self):
        print("closed", self.name)

class SameSkill(Skill):
    # Equal by skill id (one per locale, say): two such skills are one set member.
    def __eq__(self, other):
        return isinstance(other, Skill) and other.skill_ids == self.skill_ids

    def __hash__(self):
        return hash(repr(self.skill_ids))

""" + _TWO_SKILLS_ANSWER.format(store="Store", skill="SameSkill")


def test_skills_that_compare_equal_each_have_their_stores_closed_at_exit() -> None:
    # The skills were kept in a WeakSet, by their __eq__ and __hash__: of two equal skills only
    # one had its stores closed (the handler keys its plans by identity for this reason).
    result = _at_exit(_EQUAL_SKILLS_AT_EXIT)
    assert result.returncode == 0, result.stderr
    said = result.stdout.split("\n")
    assert said[:2] == ["Hi.", "Hi."] and sorted(said[2:]) == ["", "closed first", "closed second"]


_REFUSED_BEFORE_EXIT = (
    """
import sys
from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.testing import RequestFactory

skill = Skill(sys.argv[1])

@skill.launch
{kind}def launch():
    return speak("Hi.")

lambda_handler = handler(skill)
"""
    + _THREE_REFUSED
)


@pytest.mark.parametrize("kind", ["", "async "])
def test_the_counts_a_skill_had_yet_to_say_are_said_at_exit_with_or_without_a_loop(
    kind: str,
) -> None:
    # Three requests for another skill: the first said, the other two counted, the count said
    # when its window ends. A skill answered on the handler's event loop said it at exit (its
    # closing says it); one answered without a loop (synchronous handlers, no service) was
    # never closed, and its count was lost at a local run's or a test's exit.
    result = _at_exit(_REFUSED_BEFORE_EXIT.format(kind=kind))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "refused: SkillIdError\n" * 3, result.stderr
    assert result.stderr.count("refused request") == 2, result.stderr
    assert "2 more refused:skill_id since the last such line" in result.stderr, result.stderr


_REFUSED_THEN_STILL_RUNNING = _ANSWERING_FOR_EVER + _THREE_REFUSED + _LEFT_RUNNING


def test_the_counts_are_said_at_exit_though_an_invocation_still_runs() -> None:
    # An invocation still running in a daemon thread holds the loop past CLOSE_TIMEOUT: the
    # exit said the stores were left open, and the counts of repeated warnings were lost with
    # them (said under the loop's lock only).
    result = _at_exit(_REFUSED_THEN_STILL_RUNNING)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "refused: SkillIdError\n" * 3 + "exiting\n", result.stderr
    assert "stores were not closed at exit: an invocation still runs" in result.stderr
    assert "2 more refused:skill_id since the last such line" in result.stderr, result.stderr
