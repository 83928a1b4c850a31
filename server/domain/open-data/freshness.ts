// Validators of an open-data page, computed from what the page holds (no
// second query): the ETag is a digest of every row's id and last change, the
// next page's cursor, the licence terms and the format, so it changes
// whenever the answer would; Last-Modified is the latest change among the rows.
import { createHash } from "node:crypto";
import type { OpenDataPage } from "./public";
import type { OpenDataTerms } from "./terms";

export interface PageValidators {
  /** a strong ETag, quoted */
  etag: string;
  /** whole seconds (HTTP dates have no more); null for an empty page */
  lastModified: Date | null;
}

export function pageValidators(page: OpenDataPage, terms: OpenDataTerms, format: string): PageValidators {
  const hash = createHash("sha256");
  hash.update(`${format}\n${terms.license}\n${terms.attribution}\n${page.next ?? ""}\n`);
  let latest = 0;
  for (const o of page.items) {
    const changed = o.updatedAt.getTime();
    hash.update(`${o.id}:${changed}:${o.url}\n`);
    if (changed > latest) latest = changed;
  }
  return {
    etag: `"${hash.digest("base64url").slice(0, 32)}"`,
    lastModified: page.items.length ? new Date(Math.floor(latest / 1000) * 1000) : null,
  };
}

/**
 * Whether a conditional GET may be answered 304 (RFC 9110 §13.2.2): If-None-Match
 * decides when present (weak comparison), If-Modified-Since only without it.
 */
export function notModified(validators: PageValidators, ifNoneMatch: string | undefined, ifModifiedSince: string | undefined): boolean {
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === "*") return true;
    const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
    return ifNoneMatch.split(",").some((tag) => opaque(tag) === validators.etag);
  }
  if (ifModifiedSince !== undefined && validators.lastModified) {
    const since = Date.parse(ifModifiedSince);
    return Number.isFinite(since) && validators.lastModified.getTime() <= since;
  }
  return false;
}
