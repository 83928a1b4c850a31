// The Parvis extension of an incoming Note (to-activitypub/observation.ts):
// an observation's fields, read from the object's JSON as received, in either
// of its forms — the compact term `observation` (or `parvis:observation`), or
// its full IRI `<origin>/ns/parvis#observation` with a JSON literal
// (`{"type": "@json", "@value": {...}}`, as Fedify writes it on the wire) —
// and its point from the Note's `location` (a Place). Pure translation: the
// domain checks the values (recordRemoteObservation).
import type { RemoteObservationData } from "../../server/domain/observations";

const NS_TERM = /\/ns\/parvis#observation$/;

function record(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A JSON literal, plain or wrapped as `{"@type": "@json", "@value": …}` (possibly in a one-item array). */
function literal(value: unknown): Record<string, unknown> | null {
  const v = Array.isArray(value) ? value[0] : value;
  const r = record(v);
  if (!r) return null;
  if ("@value" in r) return record(r["@value"]);
  return r;
}

function number(value: unknown): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  const r = record(v);
  const n = r && "@value" in r ? r["@value"] : v;
  if (typeof n === "number") return n;
  if (typeof n === "string" && /^-?\d+(\.\d+)?$/.test(n.trim())) return Number(n);
  return null;
}

function date(value: unknown): Date | null {
  if (typeof value !== "string" || value.length > 40) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The point of a Note's `location` (the first Place with both coordinates). */
export function locationPoint(raw: Record<string, unknown>): { latitude: number; longitude: number } | null {
  const location = raw.location ?? raw["https://www.w3.org/ns/activitystreams#location"];
  for (const item of Array.isArray(location) ? location : [location]) {
    const place = record(item);
    if (!place) continue;
    const latitude = number(place.latitude ?? place["https://www.w3.org/ns/activitystreams#latitude"]);
    const longitude = number(place.longitude ?? place["https://www.w3.org/ns/activitystreams#longitude"]);
    if (latitude !== null && longitude !== null) return { latitude, longitude };
  }
  return null;
}

/** The observation a Note carries, or null when it carries none (or no point). */
export function observationOf(raw: Record<string, unknown> | null): RemoteObservationData | null {
  if (!raw) return null;
  const key = Object.keys(raw).find((k) => k === "observation" || k === "parvis:observation" || NS_TERM.test(k));
  if (!key) return null;
  const value = literal(raw[key]);
  const point = locationPoint(raw);
  if (!value || !point || typeof value.kind !== "string") return null;
  const tags = record(value.tags) ?? {};
  return {
    kind: value.kind,
    tags,
    state: typeof value.state === "string" ? value.state : "present",
    lastSeenAt: date(value.lastSeenAt),
    confirmationsCount: typeof value.confirmationsCount === "number" ? value.confirmationsCount : 0,
    updatedAt: date(value.updatedAt),
    latitude: point.latitude,
    longitude: point.longitude,
  };
}
