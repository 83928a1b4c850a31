// The OpenStreetMap vocabulary an observation's tags may use, per kind. Keys
// and values follow OSM's tagging of surveillance cameras
// (https://wiki.openstreetmap.org/wiki/Tag:man_made=surveillance); the civic
// issue kind has a small vocabulary of its own. An unknown key, or a value
// outside a key's list, is refused (422): the map and the open data read these
// tags, and anyone may read them back as OSM data.
import type { ObservationKind } from "../../db/schema";
import { Invalid } from "../../errors";

export const OBSERVATION_KINDS: readonly ObservationKind[] = ["camera", "issue"];

/** A tag's rule: a list of values, or free text (up to OSM's 255 characters), or a pattern. */
type TagRule =
  | { values: readonly string[] }
  | { text: true }
  | { check: (value: string) => boolean; describe: string };

const FREE: TagRule = { text: true };

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
function isDay(value: string): boolean {
  const m = ISO_DAY.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const COMPASS = ["N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"];
/** camera:direction: degrees 0–360 (decimals allowed), or a compass point as OSM allows. */
function isDirection(value: string): boolean {
  if (COMPASS.includes(value)) return true;
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(value)) return false;
  const n = Number(value);
  return n >= 0 && n <= 360;
}

/** Keys both kinds accept. */
const COMMON: Record<string, TagRule> = {
  description: FREE,
  note: FREE,
  name: FREE,
  check_date: { check: isDay, describe: "a date (YYYY-MM-DD)" },
};

export const OBSERVATION_TAGS: Record<ObservationKind, Record<string, TagRule>> = {
  camera: {
    ...COMMON,
    man_made: { values: ["surveillance"] },
    surveillance: { values: ["public", "outdoor", "indoor"] },
    "surveillance:type": { values: ["camera", "guard", "ALPR"] },
    "surveillance:zone": { values: ["public", "traffic", "town", "parking", "shop"] },
    "camera:type": { values: ["fixed", "dome", "panning"] },
    "camera:direction": { check: isDirection, describe: "degrees from 0 to 360" },
    "camera:mount": { values: ["wall", "pole", "ceiling", "street_lamp", "building", "traffic_signals", "bridge", "roof"] },
    operator: FREE,
    "operator:type": { values: ["commune", "state", "private"] },
    "surveillance:signage": { values: ["yes", "no"] },
    "surveillance:signage:controller": FREE,
  },
  issue: {
    ...COMMON,
    issue: { values: ["lighting", "road", "crossing", "dumping", "other"] },
  },
};

export const MAX_TAGS = 30;
export const MAX_TAG_VALUE = 255;

export function isObservationKind(value: unknown): value is ObservationKind {
  return typeof value === "string" && (OBSERVATION_KINDS as readonly string[]).includes(value);
}

/** One tag's value, checked against its kind's rule and trimmed. Throws Invalid. */
function checkTag(kind: ObservationKind, key: string, raw: unknown): string {
  const rules = OBSERVATION_TAGS[kind];
  const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
  if (!rule) throw new Invalid(`Validation failed: unknown tag ${JSON.stringify(key.slice(0, 60))} for ${kind}`, { [key.slice(0, 60)]: "ERR_UNKNOWN" });
  if (typeof raw !== "string") throw new Invalid(`Validation failed: tag ${key} must be a string`, { [key]: "ERR_INVALID" });
  const value = raw.trim();
  // eslint-disable-next-line no-control-regex
  if (!value || [...value].length > MAX_TAG_VALUE || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new Invalid(`Validation failed: tag ${key} must be 1 to ${MAX_TAG_VALUE} characters of text`, { [key]: "ERR_INVALID" });
  }
  if ("values" in rule && !rule.values.includes(value)) {
    throw new Invalid(`Validation failed: tag ${key} must be one of ${rule.values.join(", ")}`, { [key]: "ERR_INCLUSION" });
  }
  if ("check" in rule && !rule.check(value)) throw new Invalid(`Validation failed: tag ${key} must be ${rule.describe}`, { [key]: "ERR_INVALID" });
  return value;
}

/** A camera without surveillance:type is a camera; an issue names its kind of issue. */
function completeTags(kind: ObservationKind, tags: Record<string, string>): Record<string, string> {
  if (kind === "camera" && !tags["surveillance:type"]) tags["surveillance:type"] = "camera";
  if (kind === "issue" && !tags.issue) throw new Invalid("Validation failed: tag issue is required (lighting, road, crossing, dumping, other)", { issue: "ERR_BLANK" });
  return tags;
}

/**
 * Checks an observation's tags for its kind and returns them cleaned (values
 * trimmed; a camera without surveillance:type is a camera). Throws Invalid.
 */
export function validateTags(kind: ObservationKind, tags: unknown): Record<string, string> {
  if (tags === undefined || tags === null) tags = {};
  if (typeof tags !== "object" || Array.isArray(tags)) throw new Invalid("Validation failed: tags must be an object of OpenStreetMap keys and values");
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > MAX_TAGS) throw new Invalid(`Validation failed: at most ${MAX_TAGS} tags`);
  const clean: Record<string, string> = {};
  for (const [key, raw] of entries) clean[key] = checkTag(kind, key, raw);
  return completeTags(kind, clean);
}

/**
 * The tags of an imported element that this vocabulary knows, with values it
 * accepts; the others are left out (an OSM extract carries many keys an
 * observation does not keep). Throws Invalid only when what is left is not an
 * observation of that kind (an issue without its `issue` tag).
 */
export function knownTags(kind: ObservationKind, tags: Record<string, unknown>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, raw] of Object.entries(tags)) {
    if (Object.keys(kept).length >= MAX_TAGS) break;
    try {
      kept[key] = checkTag(kind, key, raw);
    } catch {
      // not kept
    }
  }
  return completeTags(kind, kept);
}

/** What changed between two tag sets: { key: [before, after] }, null for absent. */
export function tagChanges(before: Record<string, string>, after: Record<string, string>): Record<string, [string | null, string | null]> {
  const changes: Record<string, [string | null, string | null]> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key] ?? null;
    const b = after[key] ?? null;
    if (a !== b) changes[key] = [a, b];
  }
  return changes;
}
