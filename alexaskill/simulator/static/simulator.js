// alexaskill simulator: the page. Plain JavaScript, no build step, nothing from a CDN.
// It calls the dev server's JSON API (api/info, api/turn); the server understands what was
// said, signs each request with the development key and sends it to the skill. This page holds
// no key.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const api = (name) => new URL(`api/${name}`, document.baseURI).toString();

  const state = {
    simulation: randomId(),
    info: null,
    locale: "en-US",
    interfaces: ["AudioPlayer"],
    skill: 0,
    busy: false,
    queue: [], // AudioPlayer streams enqueued after the one playing
    stream: null, // the stream in the player: {token, started, nearly}
    held: null, // a stream Alexa paused at once to listen (a Play keeping the session open)
    lastToken: null, // the token of the last stream that played (the context's AudioPlayer)
    lastSkill: 0, // the skill that played it: its events and the media buttons go to it
    events: Promise.resolve(), // the audio player's events, sent one after another
    examples: null, // the examples shown, as JSON
    continuing: false, // whether the server has answered this page (and should know it)
    kept: null, // the locale, device and skill the server last answered with: {locale, ...}
    // Whether the page knows the server's locale, device and skill (api/info): true once it
    // does, false if it never will. A turn asked for before waits for it, else it went out in
    // the page's placeholder locale and device (en-US) whatever the skill's.
    ready: null,
  };
  let started;
  state.ready = new Promise((resolve) => { started = resolve; });
  // Why the page could not start, once it could not: the status a turn asked for keeps.
  let notStarted = null;

  function cannotStart(reason, retry = false) {
    notStarted = reason;
    setStatus(reason, "error");
    if (retry) {
      // Loading the page again starts it over (nothing was sent: there is no conversation).
      $("status").append(" ", el("button", {
        type: "button", class: "retry", onclick: () => location.reload(),
      }, "Retry"));
    }
    started(false);
  }

  // How long the page waits for api/info before it says the server did not answer (a fetch
  // has no timeout of its own: the page said nothing, forever); tests may shorten it.
  const START_SECONDS = Number(window.alexaskillStartSeconds) || 30;

  // AudioPlayer.PlaybackNearlyFinished goes out this many seconds before a stream's end (a
  // device sends it once the stream is buffered, for the skill to queue the next one).
  const NEARLY_SECONDS = 10;

  function randomId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // --- small DOM helpers ---------------------------------------------------------------------

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function jsonBlock(value, label) {
    return el("pre", { class: "json", tabindex: "0", "aria-label": label },
      JSON.stringify(value, null, 2));
  }

  function setStatus(text, kind = "") {
    const status = $("status");
    status.textContent = text;
    status.className = `status ${kind}`;
  }

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

  function breakMs(node) {
    const time = node.getAttribute("time");
    if (time) {
      // As alexaskill.ssml reads it: "2s", "1.5s", ".5s", "700ms"; "2 s" is no duration.
      const match = /^\s*(\d+(?:\.\d+)?|\.\d+)(ms|s)\s*$/i.exec(time);
      if (match) {
        const ms = parseFloat(match[1]) * (match[2].toLowerCase() === "s" ? 1000 : 1);
        return Math.min(Math.max(ms, 0), MAX_BREAK_MS);
      }
    }
    const strength = node.getAttribute("strength") || "medium";
    return STRENGTH_MS[strength] ?? COMMA_MS;
  }

  function scaled(value, table, base) {
    if (!value) return base;
    if (value in table) return base * table[value];
    const percent = /^([+-]?[\d.]+)%$/.exec(value.trim());
    if (percent) {
      const number = parseFloat(percent[1]);
      // rate="150%" is a share; pitch="+10%" a change.
      return /^[+-]/.test(value.trim()) ? base * (1 + number / 100) : base * (number / 100);
    }
    return base;
  }

  function clamp(value, low, high) {
    return Math.min(Math.max(value, low), high);
  }

  // Segments: {kind: "text", text, rate, pitch, volume, lang} | {kind: "break", ms} |
  // {kind: "audio", src}.
  function ssmlSegments(ssml) {
    let source = String(ssml || "").trim();
    if (!/^<speak[\s>]/.test(source)) source = `<speak>${source}</speak>`;
    // Alexa's own tags use the amazon: prefix without declaring it.
    source = source.replace(/^<speak\b/, '<speak xmlns:amazon="urn:alexaskill:amazon"');
    const doc = new DOMParser().parseFromString(source, "application/xml");
    if (doc.getElementsByTagName("parsererror").length) {
      const text = source.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
      return text ? [{ kind: "text", text, rate: 1, pitch: 1, volume: 1, lang: null }] : [];
    }
    const segments = [];
    const pause = (ms) => {
      if (ms <= 0) return;
      const last = segments[segments.length - 1];
      if (last && last.kind === "break") last.ms = Math.min(last.ms + ms, MAX_BREAK_MS);
      else segments.push({ kind: "break", ms });
    };
    const text = (value, style) => {
      const words = value.replace(/\s+/g, " ");
      const last = segments[segments.length - 1];
      const same = last && last.kind === "text" && last.rate === style.rate &&
        last.pitch === style.pitch && last.volume === style.volume && last.lang === style.lang;
      if (!words.trim()) {
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
    const element = (node, style) => {
      switch (node.localName) {
        case "break":
          pause(breakMs(node));
          return;
        case "audio": {
          const src = node.getAttribute("src");
          if (src) segments.push({ kind: "audio", src });
          return;
        }
        case "sub":
          text(node.getAttribute("alias") ?? node.textContent, style);
          return;
        case "say-as": {
          const how = node.getAttribute("interpret-as") || "";
          let said = node.textContent;
          if (how === "spell-out" || how === "characters") said = said.split("").join(" ");
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
          walk(node, style);
          pause(SENTENCE_MS);
          return;
        case "prosody":
          walk(node, {
            ...style,
            rate: clamp(scaled(node.getAttribute("rate"), RATE, style.rate), 0.1, 4),
            pitch: clamp(scaled(node.getAttribute("pitch"), PITCH, style.pitch), 0, 2),
            volume: clamp(scaled(node.getAttribute("volume"), VOLUME, style.volume), 0, 1),
          });
          return;
        case "emphasis": {
          const level = node.getAttribute("level") || "moderate";
          const rate = level === "reduced" ? 1.1 : level === "strong" ? 0.85 : 0.92;
          walk(node, { ...style, rate: style.rate * rate });
          return;
        }
        case "effect": // <amazon:effect name="whispered">
          walk(node, node.getAttribute("name") === "whispered"
            ? { ...style, volume: style.volume * 0.4, rate: style.rate * 0.9 } : style);
          return;
        case "lang": {
          const lang = node.getAttributeNS("http://www.w3.org/XML/1998/namespace", "lang") ||
            node.getAttribute("xml:lang");
          walk(node, { ...style, lang: lang || style.lang });
          return;
        }
        default: // speak, voice, phoneme (its text), w, amazon:domain, amazon:emotion, ...
          walk(node, style);
      }
    };
    walk(doc.documentElement, { rate: 1, pitch: 1, volume: 1, lang: null });
    for (const segment of segments) {
      if (segment.kind === "text") segment.text = segment.text.replace(/\s+/g, " ").trim();
    }
    return segments.filter((segment) => segment.kind !== "text" || segment.text);
  }

  function speechSegments(outputSpeech) {
    if (!outputSpeech || typeof outputSpeech !== "object") return [];
    if (outputSpeech.type === "SSML") return ssmlSegments(outputSpeech.ssml);
    const text = String(outputSpeech.text ?? "").trim();
    return text ? [{ kind: "text", text, rate: 1, pitch: 1, volume: 1, lang: null }] : [];
  }

  // What the page shows of the speech: the words, each pause and each clip.
  function speechView(segments) {
    const view = el("p", { class: "speech" });
    for (const segment of segments) {
      if (segment.kind === "text") {
        view.append(el("span", { class: "words" }, segment.text), " ");
      } else if (segment.kind === "break") {
        const seconds = (segment.ms / 1000).toFixed(segment.ms % 1000 ? 1 : 0);
        view.append(el("span", { class: "pause" }, `pause ${seconds} s`), " ");
      } else if (segment.kind === "audio") {
        view.append(el("button", {
          type: "button", class: "clip", title: segment.src,
          onclick: () => voice.play([segment]),
        }, "▶ sound clip"), " ");
      }
    }
    return view;
  }

  // --- the voice: speech synthesis, pauses and clips, one after the other ------------------

  const voice = {
    token: 0,
    clip: null,
    // Settles when what the voice says now is over, said to its end or cut short.
    finished: Promise.resolve(),
    ended: () => {},
    play(segments) {
      this.stop();
      const token = ++this.token;
      if (!segments.length) return;
      document.body.dataset.speaking = "true";
      this.finished = new Promise((resolve) => { this.ended = resolve; });
      const ended = this.ended;
      (async () => {
        for (const segment of segments) {
          if (token !== this.token) return;
          if (segment.kind === "text") await this.say(segment);
          else if (segment.kind === "break") await sleep(segment.ms);
          else if (segment.kind === "audio") await this.playClip(segment.src);
        }
        if (token === this.token) delete document.body.dataset.speaking;
        ended();
      })();
    },
    stop() {
      this.ended();
      this.token++;
      if ("speechSynthesis" in window) window.speechSynthesis.cancel();
      if (this.clip) {
        this.clip.pause();
        this.clip = null;
      }
      delete document.body.dataset.speaking;
    },
    say(segment) {
      return new Promise((resolve) => {
        if (!$("voice").checked || !("speechSynthesis" in window)) {
          resolve();
          return;
        }
        const utterance = new SpeechSynthesisUtterance(segment.text);
        utterance.lang = segment.lang || state.locale;
        utterance.rate = segment.rate;
        utterance.pitch = segment.pitch;
        utterance.volume = segment.volume;
        // A browser without voices may never end an utterance: do not wait for it forever.
        const timer = setTimeout(done, 2000 + segment.text.length * 120 / segment.rate);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        utterance.addEventListener("end", done);
        utterance.addEventListener("error", done);
        window.speechSynthesis.speak(utterance);
      });
    },
    playClip(src) {
      return new Promise((resolve) => {
        if (!$("voice").checked) {
          resolve();
          return;
        }
        const clip = new Audio(src);
        this.clip = clip;
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        // Alexa's clips last at most 240 s (all clips of one answer together).
        const timer = setTimeout(done, 240000);
        clip.addEventListener("ended", done);
        clip.addEventListener("error", done);
        clip.play().catch(done);
      });
    },
  };

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  // --- cards, directives, the audio player --------------------------------------------------

  // Amazon's "Include a Card in Your Skill's Response": Simple (title, content), Standard
  // (title, text, image with smallImageUrl and largeImageUrl), LinkAccount,
  // AskForPermissionsConsent.
  function cardView(card) {
    const view = el("figure", { class: `card card-${String(card.type || "").toLowerCase()}` });
    const caption = el("figcaption", {},
      el("span", { class: "card-type" }, `${card.type || "?"} card`),
      card.title ? el("strong", { class: "card-title" }, card.title) : null);
    view.append(caption);
    if (card.type === "Standard") {
      const image = card.image || {};
      const wide = state.interfaces.includes("Display") ||
        state.interfaces.includes("Alexa.Presentation.APL");
      const src = (wide ? image.largeImageUrl || image.smallImageUrl
        : image.smallImageUrl || image.largeImageUrl);
      if (src && isHttps(src)) {
        view.append(el("img", {
          class: "card-image", src, alt: card.title ? `Image of the card ${card.title}` : "Card image",
          loading: "lazy",
        }));
      } else if (src) {
        // Amazon's card reference: images come from HTTPS URLs only; the page shows no other.
        view.append(el("p", { class: "card-image-refused muted small" },
          "Image not shown: Alexa shows card images from HTTPS URLs only, not ", String(src)));
      }
      if (card.text) view.append(el("p", { class: "card-text" }, card.text));
    } else if (card.type === "Simple") {
      if (card.content) view.append(el("p", { class: "card-text" }, card.content));
    } else if (card.type === "LinkAccount") {
      view.append(el("p", { class: "card-text" },
        "The Alexa app asks the user to link their account with the skill."));
    } else if (card.type === "AskForPermissionsConsent") {
      // Amazon's card takes a list of scope names; anything else is the skill's to fix, shown
      // as such (it failed the page: "could not show the answer").
      const scopes = card.permissions;
      const listed = Array.isArray(scopes) && scopes.length &&
        scopes.every((scope) => typeof scope === "string");
      const example = '["alexa::profile:given_name:read"]';
      let said;
      if (listed) {
        said = `The Alexa app asks the user to grant: ${scopes.join(", ")}`;
      } else if (Array.isArray(scopes) && !scopes.length) {
        // A list, but of nothing: not "no list" (what the app does with it is not documented).
        said = `The card's permissions list names no scope ([]): name at least one, e.g. ${
          example}.`;
      } else {
        said = `The card's permissions are not a list of scopes (${
          String(JSON.stringify(scopes === undefined ? null : scopes)).slice(0, 200)
        }): the Alexa app takes a list of scope names, e.g. ${example}.`;
      }
      view.append(el("p", { class: "card-text" }, said));
    } else {
      view.append(jsonBlock(card, "Card JSON"));
    }
    return view;
  }

  function isHttps(url) {
    try {
      return new URL(String(url)).protocol === "https:";
    } catch (error) {
      return false; // no URL at all
    }
  }

  // Amazon's Display interface (Display.RenderTemplate): the template's title and texts, and
  // each list item's, shown as text (a RichText's markup left out, never read as HTML).
  const ENTITIES = { lt: "<", gt: ">", quot: "\"", apos: "'", amp: "&" };

  // An XML reference read, in one pass ("&amp;#38;" is "&#38;"): the five named entities and
  // character references (&#38;, &#x2013;); one naming no character is left as written.
  function entity(whole, name) {
    if (name[0] !== "#") return ENTITIES[name];
    const code = name[1] === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return valid ? String.fromCodePoint(code) : whole;
  }

  // A template's image ({contentDescription, sources: [{url, …}]}), shown from an HTTPS URL
  // only, as the page shows a card's; another URL is named, not loaded.
  function templateImage(image, what) {
    if (!image || typeof image !== "object" || !Array.isArray(image.sources)) return null;
    const source = image.sources.find((item) => item && typeof item.url === "string");
    if (!source) return null;
    const described = typeof image.contentDescription === "string" && image.contentDescription;
    if (isHttps(source.url)) {
      return el("img", {
        class: "card-image template-image", src: source.url, alt: described || what,
        loading: "lazy",
      });
    }
    return el("p", { class: "card-image-refused muted small" },
      `${what} not shown: the page shows images from HTTPS URLs only, as for cards, not `,
      source.url);
  }

  function templateText(content) {
    if (!content || typeof content !== "object") return [];
    return ["primaryText", "secondaryText", "tertiaryText"].map((name) => {
      const part = content[name];
      if (!part || typeof part.text !== "string") return "";
      // RichText is XML: its line breaks kept, its other tags left out, its entities read.
      const text = part.type === "RichText"
        ? part.text.replace(/<br\s*\/?>/gi, "\n").replace(/<[^>]*>/g, "")
          .replace(/&(lt|gt|quot|apos|amp|#[0-9]+|#x[0-9a-fA-F]+);/g, entity)
        : part.text;
      return text.trim();
    }).filter(Boolean);
  }

  function templateView(directive) {
    const template = directive.template && typeof directive.template === "object"
      ? directive.template : {};
    const view = el("figure", { class: "card template" });
    view.append(el("figcaption", {},
      el("span", { class: "card-type" }, `Display.RenderTemplate ${template.type || "?"}`),
      typeof template.title === "string" && template.title
        ? el("strong", { class: "card-title" }, template.title) : null));
    for (const [name, what] of [["image", "Image"], ["backgroundImage", "Background image"]]) {
      const shown = templateImage(template[name], what);
      if (shown) view.append(shown);
    }
    for (const text of templateText(template.textContent)) {
      view.append(el("p", { class: "card-text" }, text));
    }
    const items = Array.isArray(template.listItems) ? template.listItems : [];
    if (items.length) {
      view.append(el("ol", { class: "template-items" }, ...items.map((item) =>
        el("li", {}, templateText(item && item.textContent).join(" — ") ||
          String((item && item.token) || "")))));
    }
    return view;
  }

  function showOnScreen(card, directives) {
    const screen = $("screen");
    const apl = directives.filter((d) => String(d.type || "").startsWith("Alexa.Presentation"));
    const templates = directives.filter((d) => d.type === "Display.RenderTemplate");
    if (!card && !apl.length && !templates.length) return;
    screen.replaceChildren();
    const hasScreen = state.interfaces.includes("Display") ||
      state.interfaces.includes("Alexa.Presentation.APL");
    screen.append(el("p", { class: "muted small" }, hasScreen
      ? "On the device's screen, and in the Alexa app:"
      : "In the Alexa app (this device has no screen):"));
    for (const directive of templates) screen.append(templateView(directive));
    if (card) screen.append(cardView(card));
    for (const directive of apl) {
      screen.append(el("details", { class: "directive" },
        el("summary", {}, `${directive.type} (not rendered here: its JSON)`),
        jsonBlock(directive, `${directive.type} JSON`)));
    }
  }

  // Amazon's "AudioPlayer Interface Reference": Play (playBehavior REPLACE_ALL, ENQUEUE,
  // REPLACE_ENQUEUED), Stop, ClearQueue (CLEAR_ENQUEUED, CLEAR_ALL).
  // A stream starts once the speech of the answer that plays it is over (Alexa speaks first).
  // One started by an answer that keeps the session open is sent, then paused at once while
  // Alexa listens ("Stream Long-Form Audio with AudioPlayer"): it plays when the session ends.
  // Returns a note on what the device ignored, else "".
  function audioDirective(directive, speechOver = Promise.resolve(), sessionOpen = false,
    skill = state.skill) {
    const player = $("player");
    let ignored = "";
    if (directive.type === "AudioPlayer.Play") {
      const item = directive.audioItem || {};
      const stream = item.stream || {};
      const entry = {
        url: stream.url,
        token: stream.token,
        offset: Number(stream.offsetInMilliseconds || 0),
        title: (item.metadata && item.metadata.title) || stream.token || stream.url,
        subtitle: item.metadata && item.metadata.subtitle,
        skill, // the skill whose stream it is: the player's events go to it
      };
      const behavior = directive.playBehavior || "REPLACE_ALL";
      // A stream held paused for the session is the one the queue follows, as one playing;
      // one the skill stopped (paused) or that is over plays no more (STOPPED, FINISHED).
      const current = state.stream;
      const playing = Boolean(state.held ||
        (current && !current.stopped && player.getAttribute("src") && !player.ended));
      // The device ignores an ENQUEUE that does not follow the last stream queued, or, with
      // none queued, the stream it holds (or last played), and one with nothing to follow
      // (expectedPreviousToken; the AVS Device SDK's check, as testing.DevicePlayer does).
      const holds = state.held ? state.held.token
        : state.stream ? state.stream.token : state.lastToken;
      const follows = state.queue.length ? state.queue[state.queue.length - 1].token : holds;
      const queues = behavior === "ENQUEUE" || behavior === "REPLACE_ENQUEUED";
      if (behavior === "ENQUEUE" && (!follows || stream.expectedPreviousToken !== follows)) {
        // Ignored. The app's rule violation says why only where the request shows it (not
        // the queue's part): the page says it in any case.
        ignored = `The device ignores the ENQUEUE of ${stream.token}: it expects ` +
          `${stream.expectedPreviousToken}, but follows ${follows || "no stream"}.`;
      } else if (queues && playing) {
        if (behavior === "ENQUEUE") state.queue.push(entry);
        else state.queue = [entry]; // every queued stream replaced; the one playing goes on
      } else {
        // REPLACE_ALL, or a stream queued while nothing plays: the queue starts at once (the
        // AVS Device SDK's AudioPlayer starts it when IDLE, STOPPED or FINISHED).
        state.queue = behavior === "ENQUEUE" ? [...state.queue, entry] : [entry];
        const first = state.queue.shift();
        if (sessionOpen) {
          // It replaces the one playing (the device reports it stopped: the element's pause
          // event), and is held paused while Alexa listens.
          player.pause();
          state.held = first;
          $("now-playing").replaceChildren(el("strong", {}, first.title || "A stream"),
            " — paused while Alexa listens for the answer: it plays when the session ends");
        } else {
          state.held = null;
          speechOver.then(() => startStream(first));
        }
      }
    } else if (directive.type === "AudioPlayer.Stop") {
      if (state.stream) Object.assign(state.stream, { stopped: true, halted: true });
      player.pause();
      stopHeld();
    } else if (directive.type === "AudioPlayer.ClearQueue") {
      state.queue = [];
      if (directive.clearBehavior === "CLEAR_ALL") {
        stopHeld();
        player.pause();
        player.removeAttribute("src");
        $("now-playing").textContent = "Nothing is playing.";
      }
    }
    $("queue").textContent = state.queue.length
      ? `Next: ${state.queue.map((entry) => entry.title).join(", ")}` : "";
    return ignored;
  }

  // The session is over (a new one, another device or locale): the stream held for it plays.
  function playHeld(speechOver = Promise.resolve()) {
    if (!state.held) return;
    const entry = state.held;
    state.held = null;
    speechOver.then(() => startStream(entry));
  }

  function stopHeld() {
    if (!state.held) return;
    state.lastToken = state.held.token; // stopped where it was held, as the context says
    state.lastSkill = state.held.skill;
    state.held = null;
    $("now-playing").textContent = "Nothing is playing.";
  }

  function startStream(entry) {
    const player = $("player");
    const before = state.stream;
    if (before && before.started && !player.paused && !player.ended) {
      audioEvent("PlaybackStopped", before); // replaced while it played, as a device reports
    }
    state.stream = {
      token: entry.token, started: false, nearly: false, skill: entry.skill, offset: entry.offset,
    };
    $("now-playing").replaceChildren(el("strong", {}, entry.title || "A stream"),
      entry.subtitle ? ` — ${entry.subtitle}` : "");
    $("now-playing").className = "";
    player.src = entry.url;
    player.dataset.offset = String(entry.offset / 1000);
    player.play().catch(() => setStatus("Press play in the audio player to hear the stream."));
  }

  function directiveView(directive) {
    const type = String(directive.type || "?");
    if (type === "AudioPlayer.Play") {
      const item = directive.audioItem || {};
      const stream = item.stream || {};
      const title = (item.metadata && item.metadata.title) || stream.token || "a stream";
      return el("details", { class: "directive audio" },
        el("summary", {}, `▶ AudioPlayer.Play: ${title}`),
        el("p", { class: "small" }, `${directive.playBehavior || ""} ${stream.url || ""}`),
        jsonBlock(directive, "AudioPlayer.Play JSON"));
    }
    return el("details", { class: "directive" },
      el("summary", {}, type),
      jsonBlock(directive, `${type} JSON`));
  }

  // --- one turn in the history --------------------------------------------------------------

  function understoodView(understood) {
    if (!understood) return null;
    const parts = [];
    const request = understood.request || {};
    parts.push(el("span", { class: "tag" }, request.type || understood.kind));
    if (understood.intent) parts.push(el("span", { class: "intent" }, understood.intent));
    for (const slot of understood.slots || []) {
      const value = slot.value ?? (slot.values || []).join(", ");
      const resolved = (slot.resolved || []).map((r) => r.id ? `${r.name} (${r.id})` : r.name);
      parts.push(el("span", { class: "slot" }, `${slot.name} = “${value}”`,
        resolved.length ? ` → ${resolved.join(", ")}` : ""));
    }
    if (understood.sample) parts.push(el("span", { class: "sample" }, `sample “${understood.sample}”`));
    for (const note of understood.notes || []) parts.push(el("span", { class: "small" }, note));
    return el("div", { class: "understood" },
      el("span", { class: "label" }, "Understood"), " ", parts,
      understood.explanation ? el("details", {},
        el("summary", {}, "How"),
        el("pre", { class: "explain", tabindex: "0" }, understood.explanation)) : null);
  }

  function exchangeView(exchange, segmentsOut, audioOut) {
    const body = exchange.response || {};
    const response = (body && typeof body === "object" && body.response) || {};
    const request = exchange.request || {};
    // Refused by Alexa (SSML it cannot parse, a dialog directive out of place): shown, not heard.
    const refused = Boolean(exchange.refusal);
    const view = el("div", { class: refused ? "msg alexa refused" : "msg alexa" });
    const who = el("span", { class: "who" }, refused ? "Skill (not heard)" : "Skill");
    view.append(who);
    // Status 0: no HTTP answer at all (the skill did not answer in time).
    const answered = exchange.status ? `HTTP ${exchange.status}` : "no answer";
    if (exchange.status !== 200) {
      const reason = body && body.error ? String(body.error) : "";
      const shown = !exchange.status ? reason || "No answer"
        : reason ? `${answered}: ${reason}` : answered;
      view.append(el("p", { class: "error" }, shown));
    } else if (refused) {
      view.append(el("p", { class: "error" }, `Alexa refuses this answer: ${exchange.refusal}`));
    }
    const speech = speechSegments(response.outputSpeech);
    if (speech.length) {
      view.append(speechView(speech));
      if (!refused) segmentsOut.push(...speech);
    } else if (exchange.status === 200) {
      view.append(el("p", { class: "muted small" }, "(no speech)"));
    }
    const reprompt = speechSegments(response.reprompt && response.reprompt.outputSpeech);
    if (reprompt.length) {
      view.append(el("div", { class: "reprompt" },
        el("span", { class: "label" }, "Reprompt"), speechView(reprompt)));
    }
    if (response.card) view.append(cardView(response.card));
    const directives = (response.directives || []).filter((d) => d && typeof d === "object");
    for (const directive of directives) view.append(directiveView(directive));
    if ((speech.length || reprompt.length) && !refused) {
      view.append(el("button", {
        type: "button", class: "link", onclick: () => voice.play([...speech]),
      }, "Hear it again"));
    }
    const summary = `Request and response: ${request.type || "?"}` +
      (request.intent ? ` ${request.intent.name}` : "") +
      (request.dialogState ? ` (${request.dialogState})` : "") + ` → ${answered}`;
    view.append(el("details", { class: "raw" },
      el("summary", {}, summary),
      el("h4", {}, "Request sent (signed with the development key)"),
      jsonBlock(exchange.envelope || request, "Request JSON"),
      el("h4", {}, "Headers"),
      jsonBlock(exchange.headers || {}, "Request headers"),
      el("h4", {}, "Response"),
      jsonBlock(body, "Response JSON")));
    showOnScreen(response.card, directives);
    const sessionOpen = response.shouldEndSession === false;
    for (const directive of directives) {
      if (String(directive.type).startsWith("AudioPlayer.")) audioOut.push({ directive, sessionOpen });
    }
    return view;
  }

  // interrupt: whether the turn stops what the voice is saying even when it says nothing itself
  // (a turn of the user's does; an event of the audio player does not).
  // ``skill``: the skill that answered (the streams it plays are its own).
  function turnView(turn, userLine, interrupt = true, skill = state.skill) {
    const item = el("li", { class: "turn" });
    if (userLine) item.append(userLine);
    const understood = understoodView(turn.understood);
    if (understood) item.append(understood); // append(null) would show the text "null"
    const segments = [];
    const audio = [];
    // Progressive responses are spoken while the skill works on its answer: before it. One
    // Alexa refused (sent after the answer: 403) is never heard; the API calls list shows it.
    for (const call of turn.apiCalls || []) {
      if (!call.speech || call.status < 200 || call.status >= 300) continue;
      item.append(el("div", { class: "msg alexa progressive" },
        el("span", { class: "who" }, "Skill (progressive response)"),
        el("p", { class: "speech" }, call.speech)));
      segments.push({ kind: "text", text: call.speech, rate: 1, pitch: 1, volume: 1, lang: null });
    }
    for (const exchange of turn.exchanges || []) {
      item.append(exchangeView(exchange, segments, audio));
      if (exchange.refusal && turn.problem) {
        // What Alexa says instead, before it tells the skill (the SessionEndedRequest next).
        item.append(el("div", { class: "msg alexa problem" },
          el("span", { class: "who" }, "Alexa"),
          el("p", { class: "speech" }, turn.problem)));
        segments.push({ kind: "text", text: turn.problem, rate: 1, pitch: 1, volume: 1, lang: null });
      }
    }
    if (turn.reprompt) {
      // The user said nothing: Alexa plays the reprompt (or asks the dialog's question again).
      item.append(el("div", { class: "msg alexa reprompt" },
        el("span", { class: "who" }, "Alexa (reprompt)"),
        el("p", { class: "speech" }, turn.reprompt)));
      segments.push({ kind: "text", text: turn.reprompt, rate: 1, pitch: 1, volume: 1, lang: null });
    }
    for (const prompt of turn.prompts || []) {
      item.append(el("div", { class: "msg alexa prompt" },
        el("span", { class: "who" }, "Alexa (dialog model)"),
        el("p", { class: "speech" }, prompt)));
      segments.push({ kind: "text", text: prompt, rate: 1, pitch: 1, volume: 1, lang: null });
    }
    for (const call of turn.apiCalls || []) {
      const said = call.speech ? `: “${call.speech}”` : "";
      item.append(el("p", { class: "note api" },
        `Alexa API: ${call.operation || call.path} → ${call.status}${said}`));
    }
    for (const note of turn.notes || []) item.append(el("p", { class: "note" }, note));
    const dialog = turn.dialog;
    const status = [turn.sessionOpen ? "session open" : "session ended"];
    if (dialog) {
      status.push(`dialog ${dialog.intent} ${dialog.state}` +
        (dialog.expecting ? `, waiting for ${dialog.expecting}` : ""));
    }
    item.append(el("p", { class: `turn-state ${turn.sessionOpen ? "open" : "ended"}` },
      status.join(" · ")));
    if (interrupt || segments.length) voice.play(segments);
    const speechOver = segments.length ? voice.finished : Promise.resolve();
    for (const { directive, sessionOpen } of audio) {
      const ignored = audioDirective(directive, speechOver, sessionOpen, skill);
      if (ignored) item.append(el("p", { class: "note" }, ignored));
    }
    // The user's session is over: Alexa plays what it paused.
    if (interrupt && !turn.sessionOpen) playHeld(speechOver);
    return item;
  }

  function addToHistory(item) {
    const welcome = $("welcome");
    if (welcome) welcome.remove();
    $("history").append(item);
    item.scrollIntoView({ block: "end" });
  }

  function noteItem(text, kind = "") {
    return el("li", { class: `turn system ${kind}` }, el("p", { class: "note" }, text));
  }

  // A turn refused (a locale whose model is broken, say): the server's device is as it was,
  // and so is the page's, else the player's events (which carry the page's choices) would be
  // refused as "of a device since changed". What was put back, as a note ("" for nothing).
  function keepServersChoices() {
    const kept = state.kept;
    if (!kept) return "";
    const back = [];
    if (kept.locale !== state.locale && state.info.locales.includes(kept.locale)) {
      state.locale = kept.locale;
      $("locale").value = kept.locale;
      back.push(`the locale ${kept.locale}`);
    }
    const same = kept.interfaces.length === state.interfaces.length &&
      kept.interfaces.every((name) => state.interfaces.includes(name));
    if (!same) {
      state.interfaces = [...kept.interfaces];
      for (const box of document.querySelectorAll("#interfaces input")) {
        box.checked = state.interfaces.includes(box.value);
      }
      syncDeviceRadios();
      back.push("the device");
    }
    if (kept.skill !== state.skill) {
      state.skill = kept.skill;
      $("skill").value = String(kept.skill);
      back.push("the skill");
    }
    return back.length ? `The page keeps ${back.join(", ")} as before.` : "";
  }

  function showState(result) {
    const s = result.state || {};
    if (typeof s.locale === "string" && Array.isArray(s.interfaces)) {
      state.kept = {
        locale: s.locale, interfaces: s.interfaces,
        skill: Number.isInteger(s.skill) ? s.skill : state.skill,
      };
    }
    const session = s.session;
    $("session-state").textContent = session
      ? `open — ${session.sessionId}${session.new ? " (new)" : ""}` : "no session";
    $("attributes").textContent = JSON.stringify(session ? session.attributes : {}, null, 2);
    const turn = result.turn;
    if (turn) {
      const dialog = turn.dialog;
      $("dialog-state").textContent = dialog
        ? `${dialog.intent} ${dialog.state}` + (dialog.expecting ? `, waiting for ${dialog.expecting}` : "")
        : "none";
    } else if (!session) {
      $("dialog-state").textContent = "none";
    }
    document.body.dataset.session = session ? "open" : "ended";
    showExamples(s.examples);
  }

  // --- the API ------------------------------------------------------------------------------

  // What the user asks for (turns, choices of locale, device or skill, media buttons) goes out
  // in the order asked, each once the one before is answered: while the page starts, and while
  // a turn waits for the skill (one asked for then was dropped without a word, and a media
  // button went out at once, before the turns asked for ahead of it).
  let waiting = Promise.resolve();
  let waitingCount = 0;

  function enqueue(job) {
    // The page's choices when asked (before the page knows the server's: those, once it does).
    const asked = state.info ? choices() : null;
    if (!state.info && notStarted === null) {
      setStatus("The simulator is starting: this is sent once it has.");
    } else if (state.info && waitingCount > 0) {
      setStatus(`Waiting for the skill: ${waitingCount} more to send after it.`);
    }
    waitingCount += 1;
    waiting = waiting.then(async () => {
      try {
        if (!(await state.ready)) {
          setStatus(notStarted, "error"); // why the page could not start: nothing is sent
          return;
        }
        await job(asked || choices());
      } finally {
        waitingCount -= 1;
      }
    }).catch((error) => console.error(error)); // (one failing does not stop those after it)
    return waiting;
  }

  function choices() {
    return { locale: state.locale, interfaces: [...state.interfaces], skill: state.skill };
  }

  function call(action, text, userLine) {
    return enqueue((asked) => send(action, text, userLine, asked));
  }

  async function send(action, text, userLine, asked) {
    state.busy = true;
    document.body.dataset.busy = "true";
    setStatus("Waiting for the skill…");
    try {
      let response;
      try {
        response = await fetch(api("turn"), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            simulation: state.simulation, action, text, ...asked,
            player: playerState(asked.skill), continuing: state.continuing,
          }),
        });
      } catch (error) {
        const reason = "The server did not answer: is `alexaskill serve --dev` still running?";
        addToHistory(noteItem(reason, "error"));
        setStatus(reason, "error");
        return;
      }
      let result = null;
      try {
        result = await response.json();
      } catch (error) {
        result = { error: `HTTP ${response.status}` };
      }
      if (!response.ok) {
        const reason = (result && result.error) || `HTTP ${response.status}`;
        addToHistory(noteItem(`The simulator refused: ${reason}`, "error"));
        const back = keepServersChoices();
        if (back) addToHistory(noteItem(back));
        setStatus(reason, "error");
        return;
      }
      state.continuing = true;
      for (const note of result.notes || []) addToHistory(noteItem(note));
      // A new session (asked for, or another device or locale): the old one is over.
      if (action === "new_session" || (result.notes || []).includes("a new session")) playHeld();
      const skill = result.state && Number.isInteger(result.state.skill)
        ? result.state.skill : asked.skill;
      if (result.turn) addToHistory(turnView(result.turn, userLine, true, skill));
      showState(result);
      setStatus("");
    } catch (error) {
      // The server answered; this page failed to show it: its own defect, said as such.
      console.error(error);
      const reason = `The page could not show the answer (${error}): see the browser's console.`;
      addToHistory(noteItem(reason, "error"));
      setStatus(reason, "error");
    } finally {
      state.busy = false;
      delete document.body.dataset.busy;
    }
  }

  // An event of the audio player, sent to the skill in order with the others (not blocked by a
  // turn of the user's in flight: the server takes one request at a time anyway).
  function audioEvent(event, stream, extra = {}) {
    if (!stream || !stream.token || !state.interfaces.includes("AudioPlayer")) return;
    const offset = playedMs();
    const skill = Number.isInteger(stream.skill) ? stream.skill : state.skill;
    deviceEvent({ action: "audio", event, token: stream.token, offset, skill, ...extra },
      `AudioPlayer.${event}`, ` ${stream.token}, ${offset} ms`);
  }

  // A media button of the device (or its remote): PlaybackController.<button>CommandIssued,
  // with where the player is when it goes out. It does nothing here by itself: the skill's
  // answer decides. They go to the skill whose stream the player holds (or last played), as
  // on a device, in order with the turns asked for (`enqueue`).
  function pressButton(button) {
    return enqueue((asked) => {
      const body = { action: "button", command: button, skill: playerSkill(), ...playerState() };
      const name = `PlaybackController.${button}CommandIssued`;
      return deviceEvent(body, name, " (button)", asked);
    });
  }

  // The skill whose stream the player holds, or last played (else the one talked to).
  function playerSkill() {
    const entry = state.held || state.stream;
    const skill = entry ? entry.skill : state.lastToken ? state.lastSkill : state.skill;
    return Number.isInteger(skill) ? skill : state.skill;
  }

  // Where the player is, as each request's context.AudioPlayer carries it: to another skill
  // than the one whose stream it holds, an idle player (the stream and its token are not its).
  function playerState(skill = playerSkill()) {
    if (skill !== playerSkill()) return { activity: "IDLE" };
    const player = $("player");
    const stream = state.stream;
    if (state.held) return { activity: "PAUSED", token: state.held.token, offset: state.held.offset };
    if (stream && !stream.started && !stream.stopped && player.getAttribute("src") &&
        !player.ended) {
      // Played, its data still on the way (no "playing" yet: a slow machine): the device
      // holds it from the Play on, PLAYING, as testing.DevicePlayer does, and as the page
      // queues after it (`audioDirective`). It said IDLE: an ENQUEUE after it looked ignored.
      const offset = Math.max(playedMs(), stream.offset);
      return { activity: "PLAYING", token: stream.token, offset };
    }
    let activity = "IDLE";
    if (stream && stream.started) activity = player.paused ? "STOPPED" : "PLAYING";
    else if (state.lastToken) activity = player.ended ? "FINISHED" : "STOPPED";
    const token = (stream && stream.started && stream.token) || state.lastToken;
    return token ? { activity, token, offset: playedMs() } : { activity };
  }

  function playedMs() {
    return Math.max(0, Math.round(($("player").currentTime || 0) * 1000));
  }

  // Sent after the events before it (the promise of its sending, for `pressButton`), with the
  // page's choices ``asked`` (a button's when pressed) or as they are now.
  function deviceEvent(fields, name, detail, asked = null) {
    if (!state.info) {
      // A media button pressed before the page knows the server's locale and device: sent
      // once it does, in them, as a turn is (not in the placeholders: en-US, a speaker).
      state.ready.then((ready) => {
        if (ready) deviceEvent(fields, name, detail);
        else setStatus(notStarted, "error");
      });
      return;
    }
    const { locale, interfaces } = asked || choices();
    const body = {
      simulation: state.simulation, locale, interfaces,
      skill: state.skill, continuing: state.continuing, ...fields,
    };
    state.events = state.events.then(() => sendDeviceEvent(body, name, detail)).catch((error) => {
      // The server answered (sendDeviceEvent says when it did not); this page failed to show it.
      console.error(error);
      addToHistory(noteItem(`${name}: the page could not show the answer (${error})`, "error"));
    }).catch(() => {}); // the next events are sent whatever happened to this one
    return state.events;
  }

  async function sendDeviceEvent(body, name, detail) {
    const line = el("div", { class: "msg device" }, el("span", { class: "who" }, "Device"),
      el("p", {}, el("code", {}, name), detail));
    let response = null;
    let result = null;
    try {
      response = await fetch(api("turn"), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      result = await response.json();
    } catch (error) {
      result = { error: response ? `HTTP ${response.status}` : "the server did not answer" };
    }
    if (!response || !response.ok) {
      const reason = (result && result.error) || "the server did not answer";
      addToHistory(noteItem(`${name} not sent: ${reason}`, "error"));
      return;
    }
    state.continuing = true;
    for (const note of result.notes || []) addToHistory(noteItem(note));
    if (result.turn) {
      const item = turnView(result.turn, line, false, body.skill);
      item.classList.add("device");
      addToHistory(item);
    }
    showState(result);
  }

  function userLine(text) {
    return el("div", { class: "msg user" }, el("span", { class: "who" }, "You"),
      el("p", {}, text));
  }

  function actionLine(text) {
    return el("div", { class: "msg user action" }, el("span", { class: "who" }, "You"),
      el("p", {}, el("em", {}, text)));
  }

  function say(text) {
    text = text.trim();
    if (!text) {
      setStatus("Type something to say first.", "error");
      return Promise.resolve();
    }
    voice.stop();
    return call("say", text, userLine(text));
  }

  // --- controls -----------------------------------------------------------------------------

  function chosenInterfaces() {
    return Array.from(document.querySelectorAll("#interfaces input:checked"), (box) => box.value);
  }

  function syncDeviceRadios() {
    const chosen = new Set(state.interfaces);
    for (const radio of document.querySelectorAll('input[name="device"]')) {
      const preset = state.info.devices[radio.value] || [];
      radio.checked = preset.length === chosen.size && preset.every((name) => chosen.has(name));
    }
  }

  function configure() {
    voice.stop();
    if (!state.interfaces.includes("AudioPlayer")) dropPlayer();
    return call("configure", "", null);
  }

  // A device without the AudioPlayer interface plays no stream, and reports none: what the
  // page's player held is gone (it played on, its events dropped unsaid).
  function dropPlayer() {
    if (!state.stream && !state.held && !state.lastToken && !state.queue.length) return;
    state.stream = null; // first: the pause below reports nothing
    state.held = null;
    state.lastToken = null;
    state.queue = [];
    const player = $("player");
    player.pause();
    player.removeAttribute("src");
    $("now-playing").textContent = "Nothing is playing: the device has no AudioPlayer interface.";
    $("queue").textContent = "";
  }

  function setUp(info) {
    state.info = info;
    const skill = info.skills[0];
    $("target").textContent = info.skills.length === 1
      ? `Talking to the skill at ${skill.path} (${skill.skillId})`
      : `${info.skills.length} skills in this app`;
    if (info.skills.length > 1) {
      $("skill-field").hidden = false;
      for (const item of info.skills) {
        $("skill").append(el("option", { value: String(item.index) }, `${item.path} (${item.skillId})`));
      }
    }
    for (const locale of info.locales) {
      $("locale").append(el("option", { value: locale, selected: locale === info.locale }, locale));
    }
    state.locale = info.locale;
    state.kept = { locale: info.locale, interfaces: [...info.devices[info.device]], skill: 0 };
    // Locales the skill declares that the dialog emulation cannot understand (a German model
    // without a registered German Language): named, rather than missing without a word.
    const unheard = info.unheard || [];
    if (unheard.length) {
      $("locale-note").textContent = `The skill also declares ${unheard.join(", ")}: ` +
        "the simulator understands only the locales listed (README, \"Locales\", to add a language).";
      $("locale-note").hidden = false;
    }
    const interfaces = $("interfaces");
    for (const name of info.interfaces) {
      interfaces.append(el("label", { class: "choice" },
        el("input", { type: "checkbox", value: name, name: "interface" }), ` ${name}`));
    }
    state.interfaces = [...info.devices[info.device]];
    for (const box of interfaces.querySelectorAll("input")) {
      box.checked = state.interfaces.includes(box.value);
    }
    syncDeviceRadios();
    showExamples(info.examples);
    document.body.dataset.ready = "true";
  }

  // What to try saying, for the skill and locale the page talks to (each turn names them: the
  // page's first ones are the first skill's, in the first locale).
  function showExamples(examples) {
    if (!Array.isArray(examples)) return;
    const shown = JSON.stringify(examples);
    if (state.examples === shown) return;
    state.examples = shown;
    $("examples").replaceChildren(...examples.map((example) => el("option", { value: example })));
    $("try").replaceChildren(el("span", { class: "muted small" }, "Try: "),
      ...examples.map((example) => el("button", {
        type: "button", class: "chip", onclick: () => say(example),
      }, example)));
  }

  function listen() {
    const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    const mic = $("mic");
    if (!Recognition) {
      mic.disabled = true;
      mic.title = "This browser has no speech recognition: type what you would say.";
      mic.setAttribute("aria-description", mic.title);
      return;
    }
    let recognition = null;
    let listening = false; // asked to, while the page starts
    mic.addEventListener("click", async () => {
      if (recognition) {
        recognition.stop();
        return;
      }
      if (!state.info) {
        // Speech is recognised in the skill's locale, which the page does not know yet (its
        // placeholder, en-US, heard a German skill's user as English): listen once it does.
        if (listening) return;
        listening = true;
        if (notStarted === null) setStatus("The simulator is starting: listening once it has.");
        const ready = await state.ready;
        listening = false;
        if (!ready) {
          setStatus(notStarted, "error");
          return;
        }
      }
      voice.stop();
      recognition = new Recognition();
      recognition.lang = state.locale;
      recognition.interimResults = true;
      recognition.maxAlternatives = 1;
      let heard = "";
      mic.setAttribute("aria-pressed", "true");
      mic.textContent = "Listening… (stop)";
      setStatus("Listening: say it now.");
      recognition.addEventListener("result", (event) => {
        heard = Array.from(event.results, (result) => result[0].transcript).join(" ");
        $("utterance").value = heard;
      });
      recognition.addEventListener("error", (event) => {
        const reasons = {
          "not-allowed": "the browser was not allowed to use the microphone",
          "no-speech": "nothing was heard",
          network: "the browser's speech recognition needs its online service",
          "audio-capture": "no microphone was found",
        };
        setStatus(`Speech recognition failed: ${reasons[event.error] || event.error}. ` +
          "Type instead.", "error");
      });
      recognition.addEventListener("end", () => {
        recognition = null;
        mic.setAttribute("aria-pressed", "false");
        mic.textContent = "Speak";
        if (heard.trim()) {
          $("utterance").value = "";
          say(heard);
        }
      });
      recognition.start();
    });
  }

  async function start() {
    $("say-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("utterance");
      const text = input.value;
      if (text.trim()) input.value = "";
      say(text).then(() => input.focus());
    });
    $("launch").addEventListener("click", () => {
      voice.stop();
      call("launch", "", actionLine("(opens the skill)"));
    });
    $("end-session").addEventListener("click", () => {
      voice.stop();
      call("end", "", actionLine("(ends the session)"));
    });
    $("silence").addEventListener("click", () => {
      voice.stop();
      call("silence", "", actionLine("(says nothing)"));
    });
    $("new-session").addEventListener("click", () => {
      voice.stop();
      call("new_session", "", null);
    });
    $("locale").addEventListener("change", (event) => {
      state.locale = event.target.value;
      configure();
    });
    $("skill").addEventListener("change", (event) => {
      state.skill = Number(event.target.value);
      configure();
    });
    for (const radio of document.querySelectorAll('input[name="device"]')) {
      radio.addEventListener("change", () => {
        state.interfaces = [...state.info.devices[radio.value]];
        for (const box of document.querySelectorAll("#interfaces input")) {
          box.checked = state.interfaces.includes(box.value);
        }
        configure();
      });
    }
    $("interfaces").addEventListener("change", (event) => {
      if (event.target.name !== "interface") return;
      state.interfaces = chosenInterfaces();
      syncDeviceRadios();
      configure();
    });
    $("voice").addEventListener("change", (event) => {
      if (!event.target.checked) voice.stop();
    });
    const player = $("player");
    player.addEventListener("loadedmetadata", () => {
      const offset = Number(player.dataset.offset || 0);
      if (offset > 0 && offset < player.duration) player.currentTime = offset;
    });
    for (const button of document.querySelectorAll("button[data-button]")) {
      button.addEventListener("click", () => pressButton(button.dataset.button));
    }
    // Amazon's AudioPlayer events, as a device sends them while it plays a stream.
    player.addEventListener("playing", () => {
      const stream = state.stream;
      if (!stream || stream.halted) {
        // The audio element's own play button: a device plays a stream the skill stopped (or
        // one that is over, or failed) again only on the skill's AudioPlayer.Play.
        player.pause();
        setStatus("The skill stopped this stream (or it ended, or failed): a device plays it " +
          "again only " +
          "when the skill sends AudioPlayer.Play. Say \u201cresume\u201d, or press \u25b6 Play " +
          "(the media button): the skill decides.", "error");
        return;
      }
      if (!stream.started) {
        stream.started = true;
        stream.stopped = false;
        state.lastToken = stream.token;
        state.lastSkill = stream.skill;
        audioEvent("PlaybackStarted", stream);
      }
    });
    player.addEventListener("timeupdate", () => {
      const stream = state.stream;
      const left = player.duration - player.currentTime;
      if (stream && stream.started && !stream.nearly && Number.isFinite(left) &&
          left <= NEARLY_SECONDS) {
        stream.nearly = true;
        audioEvent("PlaybackNearlyFinished", stream);
      }
    });
    player.addEventListener("pause", () => {
      const stream = state.stream;
      if (stream && stream.started && !player.ended) {
        stream.started = false; // playing again is a new PlaybackStarted
        stream.stopped = true; // STOPPED: an ENQUEUE now plays at once
        audioEvent("PlaybackStopped", stream);
      }
    });
    player.addEventListener("error", () => {
      const stream = state.stream;
      if (stream && player.error) {
        // The device holds the stream that failed, STOPPED, and does not try it again alone.
        state.lastToken = stream.token;
        state.lastSkill = stream.skill;
        Object.assign(stream, { started: false, stopped: true, halted: true });
        const error = String(player.error.message || "media error").slice(0, 2000);
        audioEvent("PlaybackFailed", stream, { error });
      }
    });
    player.addEventListener("ended", () => {
      const stream = state.stream;
      if (stream && stream.started) audioEvent("PlaybackFinished", stream);
      state.stream = null;
      const next = state.queue.shift();
      if (next) startStream(next);
      $("queue").textContent = state.queue.length
        ? `Next: ${state.queue.map((entry) => entry.title).join(", ")}` : "";
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") voice.stop();
    });
    listen();
    let response;
    let body;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), START_SECONDS * 1000);
    try {
      response = await fetch(api("info"), { signal: timeout.signal });
      // The body within the same wait: one that stalled after the head held the page
      // "starting" for ever (the abort ends its reading too).
      body = await response.text();
    } catch (error) {
      clearTimeout(timer);
      cannotStart(timeout.signal.aborted
        ? `The simulator's API did not answer within ${START_SECONDS} s: is \`alexaskill ` +
          "serve --dev` still running, and not stopped (in a debugger, say)?"
        : `The simulator's API did not answer (${error.message}).`, true);
      return;
    }
    clearTimeout(timer);
    if (!response.ok) {
      // Its reason says what to do (a host the simulator refuses names the ones to use).
      let refused = null;
      try {
        refused = JSON.parse(body);
      } catch (error) {
        // (not JSON: its status says it)
      }
      const reason = (refused && refused.error) || `HTTP ${response.status}`;
      cannotStart(`The simulator's API refused the page: ${reason}`);
      return;
    }
    try {
      setUp(JSON.parse(body));
      started(true); // a turn asked for meanwhile goes out now, and says so
    } catch (error) {
      console.error(error);
      state.info = null; // half set up: no turn goes out on it
      cannotStart(`The page could not start (${error}): see the browser's console.`);
    }
  }

  // For tests and curious developers: the SSML reading, without the page.
  window.alexaskillSimulator = { ssmlSegments };
  start();
})();
