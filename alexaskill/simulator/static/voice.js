// alexaskill simulator: the voice that says an answer (speech synthesis, pauses, clips), and
// what the page shows of the speech.

import { $, el, state } from "./page.js";

// What the page shows of the speech: the words, each pause and each clip.
export function speechView(segments) {
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

export const voice = {
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
