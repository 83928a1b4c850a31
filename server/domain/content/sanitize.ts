// The one HTML allowlist, for local posts and for everything that comes from
// other servers (content, summaries, names, bios, fields, alt text…).
import sanitizeHtml from "sanitize-html";
import { stripBidiControls } from "../../unicode";

const ALLOWED_CLASSES = ["mention", "hashtag", "u-url", "h-card", "invisible", "ellipsis", "quote-inline"];

const postOptions: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "span", "a", "del", "s", "pre", "code", "em", "strong", "b", "i", "u", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"],
  allowedAttributes: {
    a: ["href", "rel", "class", "translate"],
    span: ["class", "translate"],
    ol: ["start", "reversed"],
    li: ["value"],
  },
  allowedClasses: { a: ALLOWED_CLASSES, span: ALLOWED_CLASSES },
  allowedSchemes: ["http", "https", "mailto", "xmpp", "gemini", "matrix", "magnet"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  // a bidi control in a link's text can make it read as another address
  textFilter: (text, tagName) => (tagName === "a" || tagName === "span" ? stripBidiControls(text) : text),
  disallowedTagsMode: "discard",
  nonTextTags: ["style", "script", "textarea", "option", "noscript", "template", "iframe", "object", "svg", "math"],
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: "nofollow noopener noreferrer", target: "_blank" },
    }),
    // headings become bold paragraphs, as Mastodon renders them
    h1: "strong",
    h2: "strong",
    h3: "strong",
    h4: "strong",
    h5: "strong",
    h6: "strong",
  },
};
// "target" is added by the transform; allow it on links only.
(postOptions.allowedAttributes as Record<string, string[]>).a.push("target");

/**
 * Deepest nesting of elements sanitize-html may be given. Its work grows much
 * faster than the depth (40,000 nested elements: seconds of a blocked process);
 * real posts nest a handful deep.
 */
export const MAX_HTML_NESTING = 64;

const VOID_ELEMENTS = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]);
// no "<" inside a match: each attempt ends at the next "<", so a scan stays linear whatever the input
const TAG = /<(\/?)([a-zA-Z][^\s/<>]*)[^<>]*>/g;

/** True when elements nest deeper than `limit` (unclosed ones count as open); one linear scan. */
export function nestsDeeperThan(html: string, limit: number): boolean {
  let depth = 0;
  for (const m of html.matchAll(TAG)) {
    if (m[1]) depth = Math.max(0, depth - 1);
    else if (!VOID_ELEMENTS.has(m[2].toLowerCase()) && !m[0].endsWith("/>") && ++depth > limit) return true;
  }
  return false;
}

/** Text without any tag, by a linear scan (for HTML too deep to be parsed). */
function tagsRemoved(html: string): string {
  return html.replace(/<[^<>]*>?/g, " ").replace(/\s+/g, " ").trim();
}

/** Sanitize HTML of a post, bio or profile field; HTML nested too deep keeps only its text. */
export function sanitizePostHtml(html: string): string {
  if (nestsDeeperThan(html, MAX_HTML_NESTING)) {
    // no "<" is left: the text (with its entities) is safe inside a paragraph
    const text = tagsRemoved(html).replace(/>/g, "&gt;");
    return text ? `<p>${text}</p>` : "";
  }
  return sanitizeHtml(html, postOptions).trim();
}

/** Strip every tag: display names, alt text, poll options, plain-text fields. */
export function stripHtml(html: string): string {
  const stripped = nestsDeeperThan(html, MAX_HTML_NESTING)
    ? tagsRemoved(html)
    : sanitizeHtml(html, { allowedTags: [], allowedAttributes: {}, disallowedTagsMode: "discard" });
  return stripped
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .trim();
}

/** HTML to plain text, keeping paragraph and line breaks. */
export function htmlToText(html: string): string {
  return stripHtml(html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/p>\s*<p[^>]*>/gi, "\n\n"));
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * A URL from outside (a remote post's or account's url, an image, an app's
 * website) kept only when it is http(s): a `javascript:` or `data:` URL would
 * run or show in whatever app renders it as a link.
 */
export function httpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return (u.protocol === "https:" || u.protocol === "http:") && u.host !== "" ? u.toString() : null;
  } catch {
    return null;
  }
}

/** True when `url` is an absolute http(s) URL with a host (kept as written). */
export function isHttpUrl(url: string | null | undefined): url is string {
  return httpUrl(url) !== null;
}
