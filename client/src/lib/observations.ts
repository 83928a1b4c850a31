// The structured fields of observations, as OpenStreetMap tags them: which
// keys a camera or an issue has, their choices, and how the form edits them.
// Labels are in the i18n dictionaries (observations.tags.<key>, observations.values.<key>.<value>).
// And the map's view as its URL gives it (?lat=&lon=&zoom=).
import type { ObservationKind } from "../api";

export interface TagField {
  key: string;
  type: "select" | "text" | "direction" | "date";
  options?: string[];
  /** the server refuses the observation without it */
  required?: boolean;
}

export const CAMERA_FIELDS: TagField[] = [
  { key: "surveillance:type", type: "select", options: ["camera", "guard", "ALPR"] },
  { key: "surveillance", type: "select", options: ["public", "outdoor", "indoor"] },
  { key: "surveillance:zone", type: "select", options: ["public", "traffic", "town", "parking", "shop"] },
  { key: "camera:type", type: "select", options: ["fixed", "dome", "panning"] },
  { key: "camera:direction", type: "direction" },
  { key: "camera:mount", type: "select", options: ["wall", "pole", "ceiling", "street_lamp", "building", "traffic_signals", "bridge", "roof"] },
  { key: "operator", type: "text" },
  { key: "operator:type", type: "select", options: ["commune", "state", "private"] },
  { key: "surveillance:signage", type: "select", options: ["yes", "no"] },
  { key: "surveillance:signage:controller", type: "text" },
  { key: "check_date", type: "date" },
];

export const ISSUE_FIELDS: TagField[] = [
  { key: "issue", type: "select", options: ["lighting", "road", "crossing", "dumping", "other"], required: true },
  { key: "check_date", type: "date" },
];

export const fieldsOf = (kind: ObservationKind) => (kind === "camera" ? CAMERA_FIELDS : ISSUE_FIELDS);

/** Only the kind's keys, with empty values left out. */
export function cleanTags(kind: ObservationKind, tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fieldsOf(kind)) {
    const value = (tags[field.key] ?? "").trim();
    if (value) out[field.key] = value;
  }
  return out;
}

/** The kind's required fields are filled in. */
export const requiredFilled = (kind: ObservationKind, tags: Record<string, string>) => fieldsOf(kind).every((f) => !f.required || Boolean((tags[f.key] ?? "").trim()));

/** A direction in degrees, 0 to 360, whole. */
export const validDirection = (s: string) => s === "" || (/^\d{1,3}$/.test(s) && Number(s) <= 360);

export const today = () => new Date().toISOString().slice(0, 10);

/** The view the URL asks for (?lat=&lon=&zoom=), if it is a valid one. */
export function viewFromSearch(search: URLSearchParams): { center: [number, number]; zoom: number } | null {
  const lat = Number(search.get("lat"));
  const lon = Number(search.get("lon"));
  const zoomText = search.get("zoom");
  const zoom = zoomText === null ? 16 : Number(zoomText);
  if (!search.get("lat")?.trim() || !search.get("lon")?.trim()) return null;
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180) return null;
  if (!Number.isInteger(zoom) || zoom < 0 || zoom > 19) return null;
  return { center: [lat, lon], zoom };
}
