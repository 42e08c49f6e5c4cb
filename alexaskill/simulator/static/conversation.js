// alexaskill simulator: the conversation with the server: each turn, choice and event of the
// device sent in order to its JSON API (api/turn), and what it answers shown.

import { $, api, el, notStarted, setStatus, state, syncDeviceRadios } from "./page.js";
import { playHeld, playerSkill, playerState } from "./player.js";
import { addToHistory, noteItem, turnView, userLine } from "./turns.js";
import { voice } from "./voice.js";

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

export function call(action, text, userLine) {
  return enqueue((asked) => send(action, text, userLine, asked));
}

async function send(action, text, userLine, asked) {
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
    delete document.body.dataset.busy;
  }
}

// A media button of the device (or its remote): PlaybackController.<button>CommandIssued,
// with where the player is when it goes out. It does nothing here by itself: the skill's
// answer decides. They go to the skill whose stream the player holds (or last played), as
// on a device, in order with the turns asked for (`enqueue`).
export function pressButton(button) {
  return enqueue((asked) => {
    const body = { action: "button", command: button, skill: playerSkill(), ...playerState() };
    const name = `PlaybackController.${button}CommandIssued`;
    return deviceEvent(body, name, " (button)", asked);
  });
}

// Sent after the events before it (the promise of its sending, for `pressButton`), with the
// page's choices ``asked`` (a button's when pressed) or as they are now.
export function deviceEvent(fields, name, detail, asked = null) {
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

export function say(text) {
  text = text.trim();
  if (!text) {
    setStatus("Type something to say first.", "error");
    return Promise.resolve();
  }
  voice.stop();
  return call("say", text, userLine(text));
}

// What to try saying, for the skill and locale the page talks to (each turn names them: the
// page's first ones are the first skill's, in the first locale).
export function showExamples(examples) {
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
