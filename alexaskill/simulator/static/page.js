// alexaskill simulator: what every script of the page shares: its state (what it plays, waits
// for and was told), whether it could start, the device's choices shown, small DOM helpers.

export const $ = (id) => document.getElementById(id);
export const api = (name) => new URL(`api/${name}`, document.baseURI).toString();

export const state = {
  simulation: randomId(),
  info: null,
  locale: "en-US",
  interfaces: ["AudioPlayer"],
  skill: 0,
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
export let started;
state.ready = new Promise((resolve) => { started = resolve; });
// Why the page could not start, once it could not: the status a turn asked for keeps.
export let notStarted = null;

export function cannotStart(reason, retry = false) {
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

function randomId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// --- small DOM helpers ---------------------------------------------------------------------

export function el(tag, props = {}, ...children) {
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

// The first `max` characters of `text`, by code point, as Python's text[:max] (the server's
// limits count so): slice(0, max) could end on the first half of a UTF-16 pair (an emoji).
export function cut(text, max) {
  return Array.from(String(text).slice(0, 2 * max)).slice(0, max).join("");
}

export function jsonBlock(value, label) {
  return el("pre", { class: "json", tabindex: "0", "aria-label": label },
    JSON.stringify(value, null, 2));
}

export function setStatus(text, kind = "") {
  const status = $("status");
  status.textContent = text;
  status.className = `status ${kind}`;
}

export function syncDeviceRadios() {
  const chosen = new Set(state.interfaces);
  for (const radio of document.querySelectorAll('input[name="device"]')) {
    const preset = state.info.devices[radio.value] || [];
    radio.checked = preset.length === chosen.size && preset.every((name) => chosen.has(name));
  }
}
