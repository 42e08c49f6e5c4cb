"""What alexaskill itself says (the apology, asking again, …), in the languages Alexa speaks.

The framework answers some requests with sentences of its own: the apology when a handler
fails, asking again for a slot it could not convert, the permission prompt, the answer to an
intent without a handler. A user hears them in the request's language: the skill's own
catalogs first (a msgid equal to the English sentence translates it, see `alexaskill.i18n`),
then the translations below (German, French, Spanish, Italian, Portuguese, Japanese), else the
English. Alexa addresses users as "du" in German, "vous" in French, "tú" in Spanish.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .i18n import Translations

__all__ = ["SENTENCES", "TRANSLATIONS", "spoken"]

APOLOGY: Final = "Sorry, something went wrong. Please try again later."
SLOT_PROMPT: Final = "Sorry, I didn't catch that. Could you say it again?"
PERMISSION_PROMPT: Final = (
    "To do that, I need your permission. I've sent a card to your Alexa app: "
    "please grant it there, then ask me again."
)
UNHANDLED: Final = "Sorry, I can't help with that."
UNHANDLED_REPROMPT: Final = "What would you like to do?"
DEADLINE_REPLY: Final = "Sorry, that is taking longer than expected. Please try again."
PROGRESSIVE_SPEECH: Final = "One moment, please."

#: The framework's sentences, in English (the source language).
SENTENCES: Final = (
    APOLOGY,
    SLOT_PROMPT,
    PERMISSION_PROMPT,
    UNHANDLED,
    UNHANDLED_REPROMPT,
    DEADLINE_REPLY,
    PROGRESSIVE_SPEECH,
)

#: Language → English sentence → its translation.
TRANSLATIONS: Final[Mapping[str, Mapping[str, str]]] = {
    "de": {
        APOLOGY: "Entschuldigung, da ist etwas schiefgelaufen. Bitte versuche es später noch "
        "einmal.",
        SLOT_PROMPT: "Entschuldigung, das habe ich nicht verstanden. Kannst du das noch einmal "
        "sagen?",
        PERMISSION_PROMPT: "Dafür brauche ich deine Erlaubnis. Ich habe dir eine Karte in die "
        "Alexa App geschickt: Bitte erteile sie dort und frag mich dann noch einmal.",
        UNHANDLED: "Entschuldigung, dabei kann ich nicht helfen.",
        UNHANDLED_REPROMPT: "Was möchtest du tun?",
        DEADLINE_REPLY: "Entschuldigung, das dauert länger als erwartet. Bitte versuche es noch "
        "einmal.",
        PROGRESSIVE_SPEECH: "Einen Moment, bitte.",
    },
    "fr": {
        APOLOGY: "Désolé, une erreur s'est produite. Merci de réessayer plus tard.",
        SLOT_PROMPT: "Désolé, je n'ai pas compris. Pouvez-vous répéter ?",
        PERMISSION_PROMPT: "Pour cela, j'ai besoin de votre autorisation. Je vous ai envoyé une "
        "carte dans l'application Alexa : accordez-la, puis redemandez-moi.",
        UNHANDLED: "Désolé, je ne peux pas vous aider avec ça.",
        UNHANDLED_REPROMPT: "Que voulez-vous faire ?",
        DEADLINE_REPLY: "Désolé, cela prend plus de temps que prévu. Merci de réessayer.",
        PROGRESSIVE_SPEECH: "Un instant, s'il vous plaît.",
    },
    "es": {
        APOLOGY: "Lo siento, algo ha salido mal. Por favor, inténtalo de nuevo más tarde.",
        SLOT_PROMPT: "Lo siento, no te he entendido. ¿Puedes repetirlo?",
        PERMISSION_PROMPT: "Para hacerlo, necesito tu permiso. Te he enviado una tarjeta a la "
        "app de Alexa: concédelo allí y vuelve a preguntarme.",
        UNHANDLED: "Lo siento, no puedo ayudarte con eso.",
        UNHANDLED_REPROMPT: "¿Qué te gustaría hacer?",
        DEADLINE_REPLY: "Lo siento, está tardando más de lo esperado. Por favor, inténtalo de "
        "nuevo.",
        PROGRESSIVE_SPEECH: "Un momento, por favor.",
    },
    "it": {
        APOLOGY: "Mi dispiace, qualcosa è andato storto. Riprova più tardi.",
        SLOT_PROMPT: "Scusa, non ho capito. Puoi ripetere?",
        PERMISSION_PROMPT: "Per farlo mi serve la tua autorizzazione. Ti ho inviato una scheda "
        "nell'app Alexa: concedila lì, poi chiedimelo di nuovo.",
        UNHANDLED: "Mi dispiace, non posso aiutarti con questo.",
        UNHANDLED_REPROMPT: "Cosa vuoi fare?",
        DEADLINE_REPLY: "Mi dispiace, ci vuole più tempo del previsto. Riprova.",
        PROGRESSIVE_SPEECH: "Un momento, per favore.",
    },
    "pt": {
        APOLOGY: "Desculpe, algo deu errado. Tente novamente mais tarde.",
        SLOT_PROMPT: "Desculpe, não entendi. Você pode repetir?",
        PERMISSION_PROMPT: "Para isso, preciso da sua permissão. Enviei um cartão para o seu "
        "aplicativo Alexa: conceda a permissão lá e depois me pergunte de novo.",
        UNHANDLED: "Desculpe, não posso ajudar com isso.",
        UNHANDLED_REPROMPT: "O que você gostaria de fazer?",
        DEADLINE_REPLY: "Desculpe, isso está demorando mais do que o esperado. Tente novamente.",
        PROGRESSIVE_SPEECH: "Um momento, por favor.",
    },
    "ja": {
        APOLOGY: "申し訳ありません、問題が発生しました。しばらくしてからもう一度お試しください。",
        # Japanese writes the full-width question mark.
        SLOT_PROMPT: "すみません、聞き取れませんでした。もう一度言っていただけますか？",  # noqa: RUF001
        PERMISSION_PROMPT: "そのためには許可が必要です。Alexaアプリにカードを送信しました。"
        "そこで許可してから、もう一度お試しください。",
        UNHANDLED: "すみません、それにはお応えできません。",
        UNHANDLED_REPROMPT: "何をしますか？",  # noqa: RUF001
        DEADLINE_REPLY: "すみません、思ったより時間がかかっています。もう一度お試しください。",
        PROGRESSIVE_SPEECH: "少々お待ちください。",
    },
}


def spoken(message: str, locale: str | None, translations: Translations | None = None) -> str:
    """``message``, one of alexaskill's own sentences, in the language of ``locale``.

    The skill's catalogs of that language come first, then alexaskill's translation, then the
    skill's catalogs of its default locale, then the English.
    """
    if translations is not None:
        found = translations.lookup(message, locale)
        if found is not None:
            return found
    if locale:
        found = TRANSLATIONS.get(locale.partition("-")[0], {}).get(message)
        if found is not None:
            return found
    if translations is not None:
        found = translations.lookup(message, translations.default_locale)
        if found is not None:
            return found
    return message
