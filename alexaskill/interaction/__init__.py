"""What a skill declares for its interaction model, and the model built from it.

`Skill` records sample utterances, slot types and custom slot types as handlers are registered;
`build_interaction_model` turns them into the JSON of the ASK CLI's
``skill-package/interactionModels/custom/<locale>.json`` (``alexaskill model`` prints it).

How the model is made:

- **Intents** are those with a handler (IntentRequest or CanFulfillIntentRequest), with the
  utterances declared on ``@skill.intent(name, utterances=[...])``. A custom intent needs at least
  one. The built-in intents every skill must have (`REQUIRED_INTENTS`) are added with no samples
  when no handler names them.
- **Slots** are the handler's slot parameters (every parameter that is not injected by type) and
  the slots declared with ``slots={"name": "TYPE"}``. A declared type wins. Otherwise the type
  comes from the annotation only where that is unambiguous: ``datetime.date``/`AlexaDate` is
  AMAZON.DATE, ``datetime.time``/`AlexaTime` AMAZON.TIME, ``timedelta``/`AlexaDuration`
  AMAZON.DURATION, ``int``/``float`` AMAZON.NUMBER, and an ``Enum`` a custom type of the same
  name whose values are its members (id: the member's name). ``str`` could be a city, a name or
  anything else, so it must be declared. ``list[X]`` makes a multiple-value slot.
- **Custom slot types** are those of ``skill.add_slot_type`` (all of them, used or not) and those
  generated from Enums. A slot naming any other non-``AMAZON.`` type is an error. A built-in list
  type (``AMAZON.City``) given values with ``add_slot_type`` is extended with them, as Amazon
  allows; the number, date, time and duration types and AMAZON.SearchQuery cannot be.

Every problem found is reported at once, in an `InteractionModelError`. The checks are those
Amazon's build would fail on (names, characters, a sample naming a slot the intent does not
have); `invocation_name_warnings` lists what only certification would object to.

Its modules: `alexaskill.interaction.declarations` (what `Skill` records),
`alexaskill.interaction.start_warnings` (the start-up warnings), `alexaskill.interaction.builder`
(the model and its checks, with `alexaskill.interaction.samples`: what Amazon's build refuses in
a sample or a slot type's name),
`alexaskill.interaction.invocation` (the invocation name's rules, Japanese ones included),
`alexaskill.interaction.slot_values` (a custom slot type's values) and
`alexaskill.interaction.slot_warnings` (slots the model is written with that may not work).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..builtin_intents import REQUIRED_INTENTS
from .declarations import (
    IntentDeclaration,
    ModelSource,
    SlotTypeDeclaration,
    SlotTypeValue,
    declaration_problems,
    declared_locales,
    default_locale,
    locale_warnings,
)
from .start_warnings import model_warnings

if TYPE_CHECKING:
    from .builder import (
        InteractionModelError,
        build_interaction_model,
        invocation_name_warnings,
    )

__all__ = [
    "REQUIRED_INTENTS",
    "IntentDeclaration",
    "InteractionModelError",
    "ModelSource",
    "SlotTypeDeclaration",
    "SlotTypeValue",
    "build_interaction_model",
    "declaration_problems",
    "declared_locales",
    "default_locale",
    "invocation_name_warnings",
    "locale_warnings",
    "model_warnings",
]

# The builder is imported when one of its names is first used: `alexaskill model` and the
# checks need it, a skill answering requests (on AWS Lambda, a cold start) does not.
_BUILDER = frozenset(
    ("InteractionModelError", "build_interaction_model", "invocation_name_warnings")
)


# Not for type checkers, which read the imports under TYPE_CHECKING: a module `__getattr__`
# would make any name, misspelt ones too, an `Any` for them.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import the model builder on first use of one of its names."""
        if name not in _BUILDER:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from . import builder

        value = getattr(builder, name)
        globals()[name] = value
        return value
