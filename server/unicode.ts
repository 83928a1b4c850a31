// Text from outside that is not well-formed, or that hides what it says:
// lone UTF-16 surrogates (PostgreSQL's jsonb refuses their escapes), bidi
// controls (they reorder what a reader sees) and invisible characters (a post
// of only those looks empty). Shared by the HTTP edge, the federation queue
// and the domain, so that each rule is written once.

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The string with every lone surrogate replaced by U+FFFD (what a UTF-8
 * decoder does), and every NUL too (PostgreSQL stores neither). Requests with a
 * NUL are refused before this (server/api/edge.ts); text from other servers is not.
 */
export function wellFormed(text: string): string {
  return text.replace(UNSTORABLE, "\uFFFD");
}

/**
 * JSON for a jsonb column: JSON.stringify writes a lone surrogate or a NUL as an
 * escape (`\ud800`, `\u0000`), which PostgreSQL refuses; those become `\ufffd`.
 * A pair is never escaped by JSON.stringify, so every such escape is a lone one;
 * an escaped backslash before `u` (`\\ud800`, the text "\ud800") is left alone.
 */
export function jsonForJsonb(value: unknown): string {
  return JSON.stringify(value ?? null).replace(/(?<!\\)((?:\\\\)*)\\u(?:d[89a-f][0-9a-f]{2}|0000)/g, "$1\\ufffd");
}

/**
 * A parsed JSON value (request body, remote document) with lone surrogates
 * replaced in every string and key, in place where possible. Walks at most
 * `maxDepth` levels; `tooDeep` tells that the value is nested deeper.
 */
export function normaliseStrings(value: unknown, maxDepth = 64): { value: unknown; tooDeep: boolean } {
  let tooDeep = false;
  const visit = (v: unknown, depth: number): unknown => {
    if (typeof v === "string") return wellFormed(v);
    if (v === null || typeof v !== "object") return v;
    if (depth >= maxDepth) {
      tooDeep = true;
      return v;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = visit(v[i], depth + 1);
      return v;
    }
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const cleanKey = wellFormed(key);
      const cleanValue = visit(record[key], depth + 1);
      if (cleanKey !== key) {
        delete record[key];
        record[cleanKey] = cleanValue;
      } else if (cleanValue !== record[key]) {
        record[key] = cleanValue;
      }
    }
    return record;
  };
  const result = visit(value, 0);
  return { value: result, tooDeep };
}

/**
 * Bidirectional controls: embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) and the marks (U+200E, U+200F, U+061C). In a link's text
 * they make "moc.elpmaxe" read as "example.com".
 */
export const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}

/**
 * Characters that show nothing: zero-width space/joiners, word joiner,
 * invisible operators, BOM, Mongolian vowel separator, Hangul fillers, braille
 * blank, bidi controls, variation selectors, tag characters, and whitespace.
 */
const INVISIBLE =
  /[\s\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u2800\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/gu;

/** True when the text shows nothing at all. */
export function isBlank(text: string): boolean {
  return text.replace(INVISIBLE, "").length === 0;
}
