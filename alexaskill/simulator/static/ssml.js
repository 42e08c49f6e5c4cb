// alexaskill simulator: an answer's speech read into what the browser's voice can say of it
// (no DOM of the page: tests/test_simulator_browser_ssml.py reads SSML with it, through
// window.alexaskillSimulator, against alexaskill/hearing.py's reading).

// --- SSML: what the browser's voice can do of it --------------------------------------------
// Amazon's "Speech Synthesis Markup Language (SSML) Reference": <break> pauses (strength or
// time, at most 10 s), <audio> plays a clip, <sub alias> is said as its alias, <say-as>,
// <prosody>, <emphasis>, <amazon:effect>, <lang>, <voice>, <p> and <s> shape the voice.

const COMMA_MS = 300, SENTENCE_MS = 600, PARAGRAPH_MS = 900, MAX_BREAK_MS = 10000;
const STRENGTH_MS = {
  none: 0, "x-weak": 0, weak: COMMA_MS, medium: COMMA_MS,
  strong: SENTENCE_MS, "x-strong": PARAGRAPH_MS,
};
const RATE = { "x-slow": 0.6, slow: 0.8, medium: 1, fast: 1.25, "x-fast": 1.5 };
const PITCH = { "x-low": 0.6, low: 0.8, medium: 1, high: 1.25, "x-high": 1.5 };
const VOLUME = { silent: 0, "x-soft": 0.3, soft: 0.6, medium: 1, loud: 1, "x-loud": 1 };

// White space as alexaskill/hearing.py reads it (ssml_check._WHITE_SPACE): JavaScript's \s but
// U+FEFF, which XML 1.0 counts as none (a zero-width no-break space of the text; first, the
// byte order mark, no text at all). U+0085 (NEL) is none either, here as in XML 1.0.
const WHITE_SPACE =
  "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPACES = new RegExp(`[${WHITE_SPACE}]+`, "g");
const EDGES = new RegExp(`^[${WHITE_SPACE}]+|[${WHITE_SPACE}]+$`, "g");
// XML 1.0's white space (space, tab, CR, LF), as alexaskill/xml_text.py's _XML_SPACE: what may
// stand before and after a <speak> root, and round an attribute's value (a <break time>, a
// <prosody> percentage), as alexaskill reads them; not U+00A0, U+3000 or U+FEFF (\s, trim()).
const XML_EDGES = /^[ \t\r\n]+|[ \t\r\n]+$/g;

// The text with each run of white space one space, and none at either end.
function squeezed(text) {
  return text.replace(SPACES, " ").replace(EDGES, "");
}

function breakMs(node) {
  const time = node.getAttribute("time");
  if (time) {
    // As alexaskill.ssml reads it: "2s", "1.5s", ".5s", "700ms"; "2 s" is no duration.
    const match = /^[ \t\r\n]*(\d+(?:\.\d+)?|\.\d+)(ms|s)[ \t\r\n]*$/i.exec(time);
    if (match) {
      const ms = parseFloat(match[1]) * (match[2].toLowerCase() === "s" ? 1000 : 1);
      return Math.min(Math.max(ms, 0), MAX_BREAK_MS);
    }
  }
  const strength = node.getAttribute("strength") || "medium";
  return STRENGTH_MS[strength] ?? COMMA_MS;
}

function scaled(written, table, base) {
  const value = (written || "").replace(XML_EDGES, "");
  if (!value) return base;
  if (Object.hasOwn(table, value)) return base * table[value];
  const percent = /^([+-]?[\d.]+)%$/.exec(value);
  if (percent) {
    const number = parseFloat(percent[1]);
    // rate="150%" is a share; pitch="+10%" a change.
    return /^[+-]/.test(value) ? base * (1 + number / 100) : base * (number / 100);
  }
  return base;
}

function clamp(value, low, high) {
  return Math.min(Math.max(value, low), high);
}

// Unicode's grapheme clusters (UAX #29), or code points in a browser without Intl.Segmenter.
const GRAPHEMES = typeof Intl.Segmenter === "function"
  ? new Intl.Segmenter("en", { granularity: "grapheme" }) : null;

function characters(text) {
  return GRAPHEMES ? Array.from(GRAPHEMES.segment(text), (part) => part.segment)
    : Array.from(text);
}

// Segments: {kind: "text", text, rate, pitch, volume, lang} | {kind: "break", ms} |
// {kind: "audio", src}.
export function ssmlSegments(ssml) {
  // A document only from a <speak> root after XML's white space alone (U+3000 before it is
  // text, a document within it: as alexaskill/hearing.py reads it); around any other, text.
  let source = String(ssml || "").replace(/^\ufeff/, "").replace(XML_EDGES, "");
  if (!/^<speak[ \t\r\n/>]/.test(source)) source = `<speak>${source}</speak>`;
  // Alexa's own tags use the amazon: prefix without declaring it.
  source = source.replace(/^<speak\b/, '<speak xmlns:amazon="urn:alexaskill:amazon"');
  const doc = new DOMParser().parseFromString(source, "application/xml");
  if (doc.getElementsByTagName("parsererror").length) {
    const text = squeezed(source.replace(/<[^>]*>/g, " "));
    return text ? [{ kind: "text", text, rate: 1, pitch: 1, volume: 1, lang: null }] : [];
  }
  const segments = [];
  // Words apart, without a pause: "a<break strength="none"/>b" and "one<s>two</s>" are two
  // words each (as alexaskill/hearing.py reads them), not "ab", one word to the voice.
  const apart = () => {
    const last = segments[segments.length - 1];
    if (last && last.kind === "text" && !last.text.endsWith(" ")) last.text += " ";
  };
  const pause = (ms) => {
    if (ms <= 0) {
      apart();
      return;
    }
    const last = segments[segments.length - 1];
    if (last && last.kind === "break") last.ms = Math.min(last.ms + ms, MAX_BREAK_MS);
    else segments.push({ kind: "break", ms });
  };
  const text = (value, style) => {
    const words = value.replace(SPACES, " ");
    const last = segments[segments.length - 1];
    const same = last && last.kind === "text" && last.rate === style.rate &&
      last.pitch === style.pitch && last.volume === style.volume && last.lang === style.lang;
    if (!squeezed(words)) {
      if (same && !last.text.endsWith(" ")) last.text += " ";
      return;
    }
    if (same) last.text += words;
    else segments.push({ kind: "text", text: words, ...style });
  };
  const walk = (node, style) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE || child.nodeType === Node.CDATA_SECTION_NODE) {
        text(child.nodeValue, style);
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        element(child, style);
      }
    }
  };
  // An element that shapes the voice is said apart from the words around it, whatever its
  // values: the voice changes there (a part of its own), or the reading would hang on them.
  const shaped = (node, style) => {
    apart();
    walk(node, style);
    apart();
  };
  const element = (node, style) => {
    switch (node.localName) {
      case "break":
        pause(breakMs(node));
        return;
      case "audio": {
        // Without a source no clip plays (Alexa refuses it): the words apart all the same, as
        // around a clip, and as alexaskill/hearing.py reads it. White space around a source
        // is none of its URL: the player fetches the URL within, shown so on both sides (the
        // white space above, as alexaskill/hearing.py strips it; not trim()'s).
        const src = (node.getAttribute("src") || "").replace(EDGES, "");
        if (src) segments.push({ kind: "audio", src });
        else apart();
        return;
      }
      case "sub":
        text(node.getAttribute("alias") ?? node.textContent, style);
        return;
      case "say-as": {
        const how = node.getAttribute("interpret-as") || "";
        let said = node.textContent;
        // A character as a user sees it (👍🏽, 🇫🇷, an "e" and its accent: one each), as
        // alexaskill/hearing.py finds them: not by code point, nor by UTF-16 unit.
        if (how === "spell-out" || how === "characters") said = characters(said).join(" ");
        else if (how === "digits") said = said.replace(/\d/g, (d) => ` ${d} `);
        text(` ${said} `, style);
        return;
      }
      case "p":
        pause(PARAGRAPH_MS);
        walk(node, style);
        pause(PARAGRAPH_MS);
        return;
      case "s":
        apart();
        walk(node, style);
        pause(SENTENCE_MS);
        return;
      case "prosody":
        shaped(node, {
          ...style,
          rate: clamp(scaled(node.getAttribute("rate"), RATE, style.rate), 0.1, 4),
          pitch: clamp(scaled(node.getAttribute("pitch"), PITCH, style.pitch), 0, 2),
          volume: clamp(scaled(node.getAttribute("volume"), VOLUME, style.volume), 0, 1),
        });
        return;
      case "emphasis": {
        const level = node.getAttribute("level") || "moderate";
        const rate = level === "reduced" ? 1.1 : level === "strong" ? 0.85 : 0.92;
        shaped(node, { ...style, rate: style.rate * rate });
        return;
      }
      case "effect": // <amazon:effect name="whispered">
        shaped(node, node.getAttribute("name") === "whispered"
          ? { ...style, volume: style.volume * 0.4, rate: style.rate * 0.9 } : style);
        return;
      case "lang": {
        const lang = node.getAttributeNS("http://www.w3.org/XML/1998/namespace", "lang") ||
          node.getAttribute("xml:lang");
        shaped(node, { ...style, lang: lang || style.lang });
        return;
      }
      default: // speak, voice, phoneme (its text), w, amazon:domain, amazon:emotion, ...
        walk(node, style);
    }
  };
  walk(doc.documentElement, { rate: 1, pitch: 1, volume: 1, lang: null });
  for (const segment of segments) {
    if (segment.kind === "text") segment.text = squeezed(segment.text);
  }
  return segments.filter((segment) => segment.kind !== "text" || segment.text);
}

export function speechSegments(outputSpeech) {
  if (!outputSpeech || typeof outputSpeech !== "object") return [];
  if (outputSpeech.type === "SSML") return ssmlSegments(outputSpeech.ssml);
  // Trimmed of the white space above alone, as alexaskill/hearing.py knows it (not trim()'s).
  const text = String(outputSpeech.text ?? "").replace(EDGES, "");
  return text ? [{ kind: "text", text, rate: 1, pitch: 1, volume: 1, lang: null }] : [];
}
