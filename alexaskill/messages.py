"""What alexaskill itself says (the apology, asking again, …), in the languages Alexa speaks.

The framework answers some requests with sentences of its own: the apology when a handler
fails, asking again for a slot missing or whose value does not fit (when the slot has no prompt
of its own), the permission prompt, the answer to an intent without a handler, the deadline's
reply. Below is a translation for every language Alexa speaks
(`alexaskill.locales.ALEXA_LOCALES`); a skill's own catalogs come first (a msgid equal to the
English sentence translates it, see `alexaskill.i18n`).

Which language: the one the skill itself speaks to that user, so that a session never switches
language when alexaskill speaks.

- A skill without catalogs (``translations``) speaks the request's language, alexaskill too.
- A skill with catalogs speaks the request's language where it has a catalog of that language
  (`Translations.speaks`); elsewhere its handlers' ``_()`` falls back to its default locale's
  catalogs or its source text, so alexaskill speaks the default locale's language as well: an
  English skill with German catalogs answers a French user in English, apology included.

Alexa addresses users as "du" in German, "vous" in French, "tú" in Spanish, "je" in Dutch and "आप"
in Hindi, and speaks of herself in the feminine (Hindi "सकती"); the Arabic is Modern Standard
Arabic, written without vowel marks (the voice then reads "you" in one gender). Mexico and the US
get Latin American Spanish ("salió mal", not "ha salido mal").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .i18n import Translations

__all__ = ["SENTENCES", "TRANSLATIONS", "spoken"]

APOLOGY: Final = "Sorry, something went wrong. Please try again later."
SLOT_PROMPT: Final = "Sorry, I didn't catch that. Could you say it again?"
#: Asking again for a slot whose value was heard but does not fit ("this weekend" for one day).
SLOT_UNFIT_PROMPT: Final = "Sorry, I can't use that. Could you say it another way?"
#: Said before the slot's own elicitation prompt when asking again for such a value: why.
SLOT_UNFIT: Final = "Sorry, I can't use that."
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
    SLOT_UNFIT_PROMPT,
    SLOT_UNFIT,
    PERMISSION_PROMPT,
    UNHANDLED,
    UNHANDLED_REPROMPT,
    DEADLINE_REPLY,
    PROGRESSIVE_SPEECH,
)

_SPANISH: Final = {
    APOLOGY: "Lo siento, algo ha salido mal. Por favor, inténtalo de nuevo más tarde.",
    SLOT_PROMPT: "Lo siento, no te he entendido. ¿Puedes repetirlo?",
    SLOT_UNFIT_PROMPT: "Lo siento, no puedo usar eso. ¿Puedes decirlo de otra forma?",
    SLOT_UNFIT: "Lo siento, no puedo usar eso.",
    PERMISSION_PROMPT: "Para hacerlo, necesito tu permiso. Te he enviado una tarjeta a la app de "
    "Alexa: concédelo allí y vuelve a preguntarme.",
    UNHANDLED: "Lo siento, no puedo ayudarte con eso.",
    UNHANDLED_REPROMPT: "¿Qué te gustaría hacer?",
    DEADLINE_REPLY: "Lo siento, está tardando más de lo esperado. Por favor, inténtalo de nuevo.",
    PROGRESSIVE_SPEECH: "Un momento, por favor.",
}
#: Mexico and the US: the preterite for what just happened, "ahí".
_LATIN_AMERICAN_SPANISH: Final = {
    **_SPANISH,
    APOLOGY: "Lo siento, algo salió mal. Por favor, inténtalo de nuevo más tarde.",
    SLOT_PROMPT: "Lo siento, no te entendí. ¿Puedes repetirlo?",
    PERMISSION_PROMPT: "Para hacerlo, necesito tu permiso. Te envié una tarjeta a la app de "
    "Alexa: concédelo ahí y vuelve a preguntarme.",
}

#: Language (or a locale whose wording differs from its language's) → English sentence → its
#: translation. Each has every sentence of `SENTENCES`.
TRANSLATIONS: Final[Mapping[str, Mapping[str, str]]] = {
    "de": {
        APOLOGY: "Entschuldigung, da ist etwas schiefgelaufen. Bitte versuche es später noch "
        "einmal.",
        SLOT_PROMPT: "Entschuldigung, das habe ich nicht verstanden. Kannst du das noch einmal "
        "sagen?",
        SLOT_UNFIT_PROMPT: "Entschuldigung, damit kann ich nichts anfangen. Kannst du es anders "
        "sagen?",
        SLOT_UNFIT: "Entschuldigung, damit kann ich nichts anfangen.",
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
        SLOT_UNFIT_PROMPT: "Désolé, je ne peux pas utiliser cela. Pouvez-vous le dire autrement ?",
        SLOT_UNFIT: "Désolé, je ne peux pas utiliser cela.",
        PERMISSION_PROMPT: "Pour cela, j'ai besoin de votre autorisation. Je vous ai envoyé une "
        "carte dans l'application Alexa : accordez-la, puis redemandez-moi.",
        UNHANDLED: "Désolé, je ne peux pas vous aider avec ça.",
        UNHANDLED_REPROMPT: "Que voulez-vous faire ?",
        DEADLINE_REPLY: "Désolé, cela prend plus de temps que prévu. Merci de réessayer.",
        PROGRESSIVE_SPEECH: "Un instant, s'il vous plaît.",
    },
    "es": _SPANISH,
    "es-MX": _LATIN_AMERICAN_SPANISH,
    "es-US": _LATIN_AMERICAN_SPANISH,
    "it": {
        APOLOGY: "Mi dispiace, qualcosa è andato storto. Riprova più tardi.",
        SLOT_PROMPT: "Scusa, non ho capito. Puoi ripetere?",
        SLOT_UNFIT_PROMPT: "Scusa, non posso usarlo. Puoi dirlo in un altro modo?",
        SLOT_UNFIT: "Scusa, non posso usarlo.",
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
        SLOT_UNFIT_PROMPT: "Desculpe, não consigo usar isso. Você pode dizer de outro jeito?",
        SLOT_UNFIT: "Desculpe, não consigo usar isso.",
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
        SLOT_PROMPT: (
            "すみません、聞き取れませんでした。もう一度言っていただけますか？"  # noqa: RUF001
        ),
        SLOT_UNFIT_PROMPT: (
            "すみません、それは使えません。別の言い方で言っていただけますか？"  # noqa: RUF001
        ),
        SLOT_UNFIT: "すみません、それは使えません。",
        PERMISSION_PROMPT: "そのためには許可が必要です。Alexaアプリにカードを送信しました。"
        "そこで許可してから、もう一度お試しください。",
        UNHANDLED: "すみません、それにはお応えできません。",
        UNHANDLED_REPROMPT: "何をしますか？",  # noqa: RUF001
        DEADLINE_REPLY: "すみません、思ったより時間がかかっています。もう一度お試しください。",
        PROGRESSIVE_SPEECH: "少々お待ちください。",
    },
    "nl": {
        APOLOGY: "Sorry, er is iets misgegaan. Probeer het later opnieuw.",
        SLOT_PROMPT: "Sorry, dat heb ik niet verstaan. Kun je het herhalen?",
        SLOT_UNFIT_PROMPT: "Sorry, daar kan ik niets mee. Kun je het anders zeggen?",
        SLOT_UNFIT: "Sorry, daar kan ik niets mee.",
        PERMISSION_PROMPT: "Daarvoor heb ik je toestemming nodig. Ik heb een kaart naar je "
        "Alexa-app gestuurd: geef daar toestemming en vraag het me dan opnieuw.",
        UNHANDLED: "Sorry, daar kan ik je niet mee helpen.",
        UNHANDLED_REPROMPT: "Wat wil je doen?",
        DEADLINE_REPLY: "Sorry, dit duurt langer dan verwacht. Probeer het opnieuw.",
        PROGRESSIVE_SPEECH: "Een moment, alsjeblieft.",
    },
    "hi": {
        APOLOGY: "माफ़ कीजिए, कुछ गड़बड़ हो गई। कृपया थोड़ी देर बाद फिर से कोशिश करें।",
        SLOT_PROMPT: "माफ़ कीजिए, मैं समझ नहीं पाई। क्या आप इसे फिर से कह सकते हैं?",
        SLOT_UNFIT_PROMPT: "माफ़ कीजिए, मैं इसका इस्तेमाल नहीं कर सकती। क्या आप इसे किसी और तरह से "
        "कह सकते हैं?",
        SLOT_UNFIT: "माफ़ कीजिए, मैं इसका इस्तेमाल नहीं कर सकती।",
        PERMISSION_PROMPT: "इसके लिए मुझे आपकी अनुमति चाहिए। मैंने आपके Alexa ऐप में एक कार्ड "
        "भेजा है: कृपया वहाँ अनुमति दें, फिर मुझसे दोबारा पूछें।",
        UNHANDLED: "माफ़ कीजिए, मैं इसमें आपकी मदद नहीं कर सकती।",
        UNHANDLED_REPROMPT: "आप क्या करना चाहेंगे?",
        DEADLINE_REPLY: "माफ़ कीजिए, इसमें उम्मीद से ज़्यादा समय लग रहा है। कृपया फिर से कोशिश करें।",
        PROGRESSIVE_SPEECH: "कृपया एक पल रुकिए।",
    },
    "ar": {
        APOLOGY: "عذرًا، حدث خطأ ما. يُرجى المحاولة مرة أخرى لاحقًا.",
        SLOT_PROMPT: "عذرًا، لم أفهم ذلك. هل يمكنك تكراره؟",
        SLOT_UNFIT_PROMPT: "عذرًا، لا يمكنني استخدام ذلك. هل يمكنك قوله بطريقة أخرى؟",
        SLOT_UNFIT: "عذرًا، لا يمكنني استخدام ذلك.",
        PERMISSION_PROMPT: "للقيام بذلك أحتاج إلى إذنك. أرسلتُ بطاقة إلى تطبيق Alexa: يُرجى منح "
        "الإذن هناك ثم إعادة الطلب.",
        UNHANDLED: "عذرًا، لا يمكنني المساعدة في ذلك.",
        UNHANDLED_REPROMPT: "بماذا يمكنني مساعدتك؟",
        DEADLINE_REPLY: "عذرًا، يستغرق هذا وقتًا أطول من المتوقع. يُرجى المحاولة مرة أخرى.",
        PROGRESSIVE_SPEECH: "لحظة من فضلك.",
    },
}


def spoken(message: str, locale: str | None, translations: Translations | None = None) -> str:
    """``message``, one of alexaskill's own sentences, in the language the skill speaks to a
    user of ``locale`` (see the module's docstring).

    With ``translations``: in a catalog of ``locale``'s own language, if it has one, else
    alexaskill's translation into that language; where the skill has no catalog of that
    language, the same for its default locale. Without: alexaskill's translation into
    ``locale``'s language. The English sentence where none has one.
    """
    if translations is not None:
        found = translations.lookup(message, locale)
        if found is not None:
            return found
        if not locale or not translations.speaks(locale):
            # The skill's own sentences come from its default locale's catalogs or its source
            # text here: alexaskill's follow them, in that language.
            locale = translations.default_locale
            found = translations.lookup(message, locale)
            if found is not None:
                return found
    return _translated(message, locale) or message


def _translated(message: str, locale: str | None) -> str | None:
    """alexaskill's translation of ``message`` for ``locale`` (or its language), or None."""
    if not locale:
        return None
    found = TRANSLATIONS.get(locale) or TRANSLATIONS.get(locale.partition("-")[0])
    return None if found is None else found.get(message)
