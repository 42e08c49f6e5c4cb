// alexaskill simulator: the screen and card panel: cards, Display templates, APL directives.

import { $, cut, el, jsonBlock, state } from "./page.js";

// Amazon's "Include a Card in Your Skill's Response": Simple (title, content), Standard
// (title, text, image with smallImageUrl and largeImageUrl), LinkAccount,
// AskForPermissionsConsent.
export function cardView(card) {
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
        cut(JSON.stringify(scopes === undefined ? null : scopes), 200)
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

export function showOnScreen(card, directives) {
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
