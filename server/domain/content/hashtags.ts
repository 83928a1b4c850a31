// What a hashtag is, in one place: the name rule (letters and digits of any
// script and "_", at most 100 of them), the pattern that finds one in a
// resident's text, and the normal form tags are stored under. Posts, remote
// notes, search, timelines, streaming and followed tags all use these, so a tag
// one of them accepts is a tag the others find.

const TAG_CHAR = "[\\p{L}\\p{N}_]";
export const MAX_TAG_LENGTH = 100;

/** A hashtag name without its "#". */
export const TAG_NAME = new RegExp(`^${TAG_CHAR}{1,${MAX_TAG_LENGTH}}$`, "u");

/**
 * A hashtag inside text, as a regular-expression source with two groups: what
 * precedes the "#" (start of text or a character that cannot be part of a word,
 * a URL path, an HTML entity or another tag) and the name. A longer name is not
 * matched at all rather than cut into a shorter, different tag.
 */
export const HASHTAG_IN_TEXT = `(^|[^\\p{L}\\p{N}_/&#])#(${TAG_CHAR}{1,${MAX_TAG_LENGTH}})(?!${TAG_CHAR})`;

/** "#Fête" → "Fête": a tag as a user or a remote server may write it, without the "#". */
export function withoutHash(name: string): string {
  return name.replace(/^#/, "");
}

/** Is this (without "#") a well-formed hashtag name? */
export function isTagName(name: string): boolean {
  return TAG_NAME.test(name);
}

/**
 * The stored form of a tag a resident names (to follow or feature it): "#"
 * and surrounding spaces dropped, lower-cased; null unless it is a tag name
 * with at least one letter or "_" (a bare number is an issue number, not a tag).
 */
export function normalizeTagName(name: string): string | null {
  const n = withoutHash(name.trim());
  return isTagName(n) && /[\p{L}_]/u.test(n) ? n.toLowerCase() : null;
}
