// A status's place: the point (WGS 84 degrees) and the optional name that its
// author chose to publish with it. Only ever what the author gave (the API's
// `parvis_place`, or another server's `location`), never read from a photo's
// metadata. This file imports nothing of the other concepts: statuses/ reads it.
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { Invalid } from "../../errors";
import { BIDI_CONTROLS, isBlank } from "../../unicode";

export interface Place {
  /** degrees, −90..90 */
  latitude: number;
  /** degrees, −180..180 */
  longitude: number;
  /** plain text, at most MAX_PLACE_NAME characters; null when none */
  name: string | null;
}

/** Characters a place's name may have at most (code points). */
export const MAX_PLACE_NAME = 200;

/** The place columns of the statuses table. */
export interface PlaceColumns {
  placeLatitude: number | null;
  placeLongitude: number | null;
  placeName: string | null;
}

/** A decimal number as a form field or a query string writes it (no hex, no "Infinity", no blanks). */
const DECIMAL = /^[+-]?(\d{1,20}(\.\d{0,20})?|\.\d{1,20})([eE][+-]?\d{1,3})?$/;

/** Control characters (C0, DEL, C1) and markup: a name is plain text. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const BIDI = new RegExp(BIDI_CONTROLS.source);

function coordinate(value: unknown, field: "latitude" | "longitude"): number {
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" && DECIMAL.test(value.trim())) n = Number(value.trim());
  else throw new Invalid(`Validation failed: parvis_place.${field} must be a number`);
  const bound = field === "latitude" ? 90 : 180;
  if (!Number.isFinite(n)) throw new Invalid(`Validation failed: parvis_place.${field} must be a finite number`);
  if (n < -bound || n > bound) throw new Invalid(`Validation failed: parvis_place.${field} must be between -${bound} and ${bound}`);
  // −0 is 0
  return n === 0 ? 0 : n;
}

function placeName(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new Invalid("Validation failed: parvis_place.name must be a string");
  if (CONTROL.test(value) || BIDI.test(value) || /[<>]/.test(value)) throw new Invalid("Validation failed: parvis_place.name must be plain text");
  const name = value.trim();
  if ([...name].length > MAX_PLACE_NAME) throw new Invalid(`Validation failed: parvis_place.name is too long (maximum is ${MAX_PLACE_NAME} characters)`);
  return isBlank(name) ? null : name;
}

/**
 * A place as a resident sends it (`parvis_place`): a JSON object, or the same
 * as form fields (`parvis_place[latitude]`…, strings). Returns undefined when
 * absent (an edit keeps the place), null for an explicit removal (null or ""),
 * the place otherwise; anything else is Invalid (422), naming the field.
 */
export function parsePlace(input: unknown): Place | null | undefined {
  if (input === undefined) return undefined;
  if (input === null || input === "") return null;
  if (typeof input !== "object" || Array.isArray(input)) throw new Invalid("Validation failed: parvis_place must be an object");
  const o = input as Record<string, unknown>;
  if (o.latitude === undefined || o.longitude === undefined) {
    throw new Invalid("Validation failed: parvis_place needs a latitude and a longitude");
  }
  return { latitude: coordinate(o.latitude, "latitude"), longitude: coordinate(o.longitude, "longitude"), name: placeName(o.name) };
}

/** Checks a typed place (from parsePlace, or a scheduled status's params) again: the domain's own guard. */
export function validatePlace(place: Place | null | undefined): Place | null | undefined {
  if (place === undefined || place === null) return place;
  return parsePlace(place);
}

/** A place read from another server: anything unusable (junk, out of range) is no place, silently. */
export function remotePlace(candidate: { latitude?: unknown; longitude?: unknown; name?: unknown } | null | undefined): Place | null {
  if (!candidate) return null;
  const { latitude, longitude } = candidate;
  if (typeof latitude !== "number" || typeof longitude !== "number") return null;
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  let name: string | null = null;
  if (typeof candidate.name === "string") {
    const cleaned = candidate.name
      .replace(/<[^>]*>/g, " ")
      .replace(new RegExp(CONTROL.source, "g"), " ")
      .replace(BIDI_CONTROLS, "")
      .replace(/[<>]/g, "")
      .replace(/\s+/g, " ")
      .trim();
    name = isBlank(cleaned) ? null : [...cleaned].slice(0, MAX_PLACE_NAME).join("");
  }
  return { latitude: latitude === 0 ? 0 : latitude, longitude: longitude === 0 ? 0 : longitude, name };
}

/** The place stored on a status row, or null. */
export function placeOf(row: PlaceColumns): Place | null {
  if (row.placeLatitude === null || row.placeLongitude === null) return null;
  return { latitude: row.placeLatitude, longitude: row.placeLongitude, name: row.placeName };
}

/** The columns that store a place (all null for none). */
export function placeColumns(place: Place | null): PlaceColumns {
  return place
    ? { placeLatitude: place.latitude, placeLongitude: place.longitude, placeName: place.name }
    : { placeLatitude: null, placeLongitude: null, placeName: null };
}

/** Two places are the same point with the same name. */
export function samePlace(a: Place | null, b: Place | null): boolean {
  if (a === null || b === null) return a === b;
  return a.latitude === b.latitude && a.longitude === b.longitude && a.name === b.name;
}

/** A bounding box in WGS 84 degrees, west, south, east, north; minLon > maxLon crosses the antimeridian (RFC 7946 §5.2). */
export interface BoundingBox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

/** SQL: the point (lat, lon columns) lies in the box, across the antimeridian when the box does. */
export function inBoundingBox(lat: AnyPgColumn | SQL, lon: AnyPgColumn | SQL, box: BoundingBox): SQL {
  const lonCondition =
    box.minLon <= box.maxLon ? sql`${lon} between ${box.minLon} and ${box.maxLon}` : sql`(${lon} >= ${box.minLon} or ${lon} <= ${box.maxLon})`;
  return sql`${lat} between ${box.minLat} and ${box.maxLat} and ${lonCondition}`;
}
