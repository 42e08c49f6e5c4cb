// alexaskill simulator: the device's audio player: what AudioPlayer directives do to it, its
// state as each request's context carries it, and the events it sends the skill.

import { $, cut, el, setStatus, state } from "./page.js";

// AudioPlayer.PlaybackNearlyFinished goes out this many seconds before a stream's end (a
// device sends it once the stream is buffered, for the skill to queue the next one).
const NEARLY_SECONDS = 10;

// How an event of the player goes out (conversation.js's deviceEvent, given by the page's
// script: `sendEventsWith`), so that this module imports nothing that shows an answer.
let deviceEvent = null;

export function sendEventsWith(send) {
  deviceEvent = send;
}

// Amazon's "AudioPlayer Interface Reference": Play (playBehavior REPLACE_ALL, ENQUEUE,
// REPLACE_ENQUEUED), Stop, ClearQueue (CLEAR_ENQUEUED, CLEAR_ALL).
// A stream starts once the speech of the answer that plays it is over (Alexa speaks first).
// One started by an answer that keeps the session open is sent, then paused at once while
// Alexa listens ("Stream Long-Form Audio with AudioPlayer"): it plays when the session ends.
// Returns a note on what the device ignored, else "".
export function audioDirective(directive, speechOver = Promise.resolve(), sessionOpen = false,
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
export function playHeld(speechOver = Promise.resolve()) {
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

// A device without the AudioPlayer interface plays no stream, and reports none: what the
// page's player held is gone (it played on, its events dropped unsaid).
export function dropPlayer() {
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

// An event of the audio player, sent to the skill in order with the others (not blocked by a
// turn of the user's in flight: the server takes one request at a time anyway).
function audioEvent(event, stream, extra = {}) {
  if (!stream || !stream.token || !state.interfaces.includes("AudioPlayer")) return;
  const offset = playedMs();
  const skill = Number.isInteger(stream.skill) ? stream.skill : state.skill;
  deviceEvent({ action: "audio", event, token: stream.token, offset, skill, ...extra },
    `AudioPlayer.${event}`, ` ${stream.token}, ${offset} ms`);
}

// The skill whose stream the player holds, or last played (else the one talked to).
export function playerSkill() {
  const entry = state.held || state.stream;
  const skill = entry ? entry.skill : state.lastToken ? state.lastSkill : state.skill;
  return Number.isInteger(skill) ? skill : state.skill;
}

// Where the player is, as each request's context.AudioPlayer carries it: to another skill
// than the one whose stream it holds, an idle player (the stream and its token are not its).
export function playerState(skill = playerSkill()) {
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

// The audio element watched from the page's start: the offset a Play asks for, applied once
// the stream's length is known, and the AudioPlayer events below.
export function watchPlayer() {
  const player = $("player");
  player.addEventListener("loadedmetadata", () => {
    const offset = Number(player.dataset.offset || 0);
    if (offset > 0 && offset < player.duration) player.currentTime = offset;
  });
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
      const error = cut(player.error.message || "media error", 2000);
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
}
