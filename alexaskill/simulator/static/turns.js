// alexaskill simulator: one turn in the history: what was understood, each request and
// response, what is said, shown and played of the answer.

import { $, el, jsonBlock, state } from "./page.js";
import { audioDirective, playHeld } from "./player.js";
import { cardView, showOnScreen } from "./screen.js";
import { speechSegments } from "./ssml.js";
import { speechView, voice } from "./voice.js";

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
export function turnView(turn, userLine, interrupt = true, skill = state.skill) {
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

export function addToHistory(item) {
  const welcome = $("welcome");
  if (welcome) welcome.remove();
  $("history").append(item);
  item.scrollIntoView({ block: "end" });
}

export function noteItem(text, kind = "") {
  return el("li", { class: `turn system ${kind}` }, el("p", { class: "note" }, text));
}

export function userLine(text) {
  return el("div", { class: "msg user" }, el("span", { class: "who" }, "You"),
    el("p", {}, text));
}

export function actionLine(text) {
  return el("div", { class: "msg user action" }, el("span", { class: "who" }, "You"),
    el("p", {}, el("em", {}, text)));
}
