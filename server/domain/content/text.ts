// Turns what a resident typed into the HTML of a post: paragraphs, line breaks,
// links, @mentions and #hashtags. Everything else is escaped.
import { stripBidiControls } from "../../unicode";
import { HASHTAG_IN_TEXT } from "./hashtags";
import { escapeHtml } from "./sanitize";

export interface MentionRef {
  username: string;
  /** null for a local mention (@alice) */
  domain: string | null;
}

export interface ResolvedMention {
  username: string;
  domain: string | null;
  /** HTML profile URL */
  url: string;
}

// Names and tags longer than their limit are not matched at all (rather than cut
// short, which would mention someone else or file the post under another tag).
// A URL ends at a bidi control: inside a link's text one would reorder what the reader sees.
// Hashtags follow content/hashtags.ts (groups 5 and 6).
const TOKEN = new RegExp(
  String.raw`(https?:\/\/[^\s<>"'\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]+)|(^|[^\p{L}\p{N}_/@.])@([a-z0-9_]{1,30})(?![a-z0-9_])(?:@([a-z0-9][a-z0-9.-]*[a-z0-9](?::\d{1,5})?))?|` +
    HASHTAG_IN_TEXT,
  "giu",
);

const MAX_MENTIONS = 50;
const MAX_TAGS = 50;

export function mentionKey(username: string, domain: string | null): string {
  return `${username.toLowerCase()}@${domain?.toLowerCase() ?? ""}`;
}

/** Mentions in a text, unique, in order (bounded: we act on at most 50). */
export function extractMentions(text: string): MentionRef[] {
  const seen = new Map<string, MentionRef>();
  for (const m of text.matchAll(TOKEN)) {
    if (m[3] && seen.size < MAX_MENTIONS) {
      const ref = { username: m[3], domain: m[4]?.toLowerCase() ?? null };
      seen.set(mentionKey(ref.username, ref.domain), ref);
    }
  }
  return [...seen.values()];
}

/** Hashtag names in a text, lower-cased, unique (at most 50). */
export function extractHashtags(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(TOKEN)) {
    if (m[6] && !/^\d+$/.test(m[6]) && seen.size < MAX_TAGS) seen.add(m[6].toLowerCase());
  }
  return [...seen];
}

function trimUrl(url: string): { url: string; rest: string } {
  let end = url.length;
  while (end > 0 && /[.,;:!?]/.test(url[end - 1])) end--;
  let candidate = url.slice(0, end);
  // a closing parenthesis belongs to the URL only when it opened inside it
  while (candidate.endsWith(")") && (candidate.match(/\(/g)?.length ?? 0) < (candidate.match(/\)/g)?.length ?? 0)) {
    candidate = candidate.slice(0, -1);
  }
  return { url: candidate, rest: url.slice(candidate.length) };
}

function renderLink(url: string): string {
  const href = escapeHtml(url);
  const withoutScheme = url.replace(/^https?:\/\//, "");
  const display = withoutScheme.length > 30 ? withoutScheme.slice(0, 30) : withoutScheme;
  const ellipsis = withoutScheme.length > 30 ? "ellipsis" : "";
  const scheme = url.slice(0, url.length - withoutScheme.length);
  return (
    `<a href="${href}" rel="nofollow noopener noreferrer" target="_blank">` +
    `<span class="invisible">${escapeHtml(scheme)}</span>` +
    `<span class="${ellipsis}">${escapeHtml(display)}</span>` +
    (ellipsis ? `<span class="invisible">${escapeHtml(withoutScheme.slice(30))}</span>` : "") +
    `</a>`
  );
}

function renderLine(rawLine: string, mentions: Map<string, ResolvedMention>, tagUrl: (name: string) => string): string {
  // A bidi control anywhere on a line with a link can reverse how the link reads
  // (U+202E makes "moc.elpmaxe//:sptth" show as a trusted address): dropped there.
  const line = /https?:\/\//.test(rawLine) ? stripBidiControls(rawLine) : rawLine;
  let out = "";
  let last = 0;
  for (const m of line.matchAll(TOKEN)) {
    const index = m.index ?? 0;
    if (m[1]) {
      const { url, rest } = trimUrl(m[1]);
      out += escapeHtml(line.slice(last, index)) + renderLink(url) + escapeHtml(rest);
    } else if (m[3]) {
      const prefix = m[2] ?? "";
      const resolved = mentions.get(mentionKey(m[3], m[4] ?? null));
      out += escapeHtml(line.slice(last, index) + prefix);
      if (resolved) {
        out += `<span class="h-card" translate="no"><a href="${escapeHtml(resolved.url)}" class="u-url mention">@<span>${escapeHtml(resolved.username)}</span></a></span>`;
      } else {
        out += escapeHtml(m[0].slice(prefix.length));
      }
    } else if (m[6]) {
      const prefix = m[5] ?? "";
      out += escapeHtml(line.slice(last, index) + prefix);
      if (/^\d+$/.test(m[6])) out += escapeHtml("#" + m[6]);
      else
        out += `<a href="${escapeHtml(tagUrl(m[6].toLowerCase()))}" class="mention hashtag" rel="tag">#<span>${escapeHtml(m[6])}</span></a>`;
    }
    last = index + m[0].length;
  }
  return out + escapeHtml(line.slice(last));
}

/** Plain text → post HTML. Unresolved mentions stay as text. */
export function renderStatusText(
  text: string,
  mentions: Map<string, ResolvedMention>,
  tagUrl: (name: string) => string,
): string {
  const paragraphs = text
    .replace(/\r\n?/g, "\n")
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  return paragraphs
    .map((p) => `<p>${p.split("\n").map((line) => renderLine(line, mentions, tagUrl)).join("<br>")}</p>`)
    .join("");
}

/** Plain text with line breaks, for a bio. */
export function renderPlainText(text: string, tagUrl: (name: string) => string): string {
  return renderStatusText(text, new Map(), tagUrl);
}
