// A post's `location` → the place stored with it. Read from the object's JSON
// as received, because the servers that send one do not agree on its
// vocabulary: Parvis and Mastodon forks send an ActivityStreams Place
// (`latitude`, `longitude`, `name`), Mobilizon maps `location` to schema.org's
// (so ActivityStreams parsing does not see it) and adds a PostalAddress, some
// send an array of places, or a bare link. The first place with coordinates
// wins; anything else is no place, silently. The domain checks the range
// again and cleans the name (server/domain/places remotePlace).
import type { Place } from "../../server/domain/places";

/** How many entries of a `location` array are looked at. */
const MAX_LOCATIONS = 5;

const AS = "https://www.w3.org/ns/activitystreams#";

function field(o: Record<string, unknown>, key: string): unknown {
  return o[key] ?? o[`as:${key}`] ?? o[`${AS}${key}`];
}

/** A number, or a decimal number written as a string (some servers quote them). */
function numberOf(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && /^[+-]?\d{1,3}(\.\d{1,20})?$/.test(value.trim())) return Number(value.trim());
  return null;
}

function textOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && !Array.isArray(value)) {
    // a nameMap-like object: its first string
    const first = Object.values(value as Record<string, unknown>).find((v) => typeof v === "string");
    return typeof first === "string" ? first : null;
  }
  return null;
}

/** Mobilizon's (schema.org) PostalAddress as one line: "street, postcode locality, country". */
function addressLine(address: unknown): string | null {
  if (typeof address === "string") return address;
  if (!address || typeof address !== "object" || Array.isArray(address)) return null;
  const a = address as Record<string, unknown>;
  const part = (k: string) => (typeof a[k] === "string" && (a[k] as string).trim() ? (a[k] as string).trim() : null);
  const locality = [part("postalCode"), part("addressLocality")].filter(Boolean).join(" ");
  const line = [part("streetAddress"), locality || null, part("addressCountry")].filter(Boolean).join(", ");
  return line || null;
}

function candidateOf(item: unknown): Place | null {
  if (!item || typeof item !== "object" || Array.isArray(item)) return null;
  const o = item as Record<string, unknown>;
  const type = o.type ?? o["@type"];
  const types = Array.isArray(type) ? type : [type];
  // an untyped object is taken as a place; a typed one must say Place
  if (type !== undefined && !types.some((t) => typeof t === "string" && /(^|[:#/])Place$/.test(t))) return null;
  const latitude = numberOf(field(o, "latitude"));
  const longitude = numberOf(field(o, "longitude"));
  // out of WGS 84's range is no place: the next entry of an array may be one
  if (latitude === null || longitude === null || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  const name = textOf(field(o, "name")) ?? textOf(o.nameMap) ?? addressLine(o.address);
  return { latitude, longitude, name };
}

/** The place of a post's JSON (its `location`), or null. */
export function locationOf(raw: Record<string, unknown> | null | undefined): Place | null {
  if (!raw) return null;
  const value = field(raw, "location");
  const items = Array.isArray(value) ? value.slice(0, MAX_LOCATIONS) : [value];
  for (const item of items) {
    const found = candidateOf(item);
    if (found) return found;
  }
  return null;
}
