// alexaskill simulator: the page. Plain JavaScript, no build step, nothing from a CDN.
// It calls the dev server's JSON API (api/info, api/turn); the server understands what was
// said, signs each request with the development key and sends it to the skill. This page holds
// no key.
// An ES module (index.html loads it with type="module"; modules are strict and deferred, as
// the one script was), importing the page's other scripts, one concern each: page.js (the
// shared state and DOM helpers), ssml.js, voice.js, screen.js, player.js, turns.js and
// conversation.js.

import {
  call, deviceEvent, pressButton, say, showExamples,
} from "./conversation.js";
import {
  $, api, cannotStart, el, notStarted, setStatus, started, state, syncDeviceRadios,
} from "./page.js";
import { dropPlayer, sendEventsWith, watchPlayer } from "./player.js";
import { speechSegments, ssmlSegments } from "./ssml.js";
import { actionLine } from "./turns.js";
import { voice } from "./voice.js";

// How long the page waits for api/info before it says the server did not answer (a fetch
// has no timeout of its own: the page said nothing, forever); tests may shorten it.
const START_SECONDS = Number(window.alexaskillStartSeconds) || 30;

// --- controls -----------------------------------------------------------------------------

function chosenInterfaces() {
  return Array.from(document.querySelectorAll("#interfaces input:checked"), (box) => box.value);
}

function configure() {
  voice.stop();
  if (!state.interfaces.includes("AudioPlayer")) dropPlayer();
  return call("configure", "", null);
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
  watchPlayer();
  for (const button of document.querySelectorAll("button[data-button]")) {
    button.addEventListener("click", () => pressButton(button.dataset.button));
  }
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

// For tests and curious developers: the reading of SSML and of speech, without the page.
window.alexaskillSimulator = { speechSegments, ssmlSegments };
sendEventsWith(deviceEvent);
start();
