// Public observations as open data: a GeoJSON FeatureCollection (RFC 7946)
// and a CSV table (RFC 4180). Pure: the rows come from server/domain/open-data.
import type { ImportReport, OpenDataTerms, PublicObservation } from "../domain/open-data";

export interface GeoJsonFeature {
  type: "Feature";
  id: string;
  geometry: { type: "Point"; coordinates: [number, number] };
  properties: {
    kind: string;
    tags: Record<string, string>;
    state: string;
    last_seen_at: string;
    confirmations_count: number;
    url: string;
    origin: string | null;
    created_at: string;
    status_id: string;
    osm_id: string | null;
  };
}

export interface GeoJsonFeatureCollection {
  type: "FeatureCollection";
  /** foreign members (RFC 7946 §6.1): the terms of re-use, in both spellings */
  license: string;
  licence: string;
  attribution: string;
  features: GeoJsonFeature[];
}

/** RFC 7946 positions are longitude first, then latitude. */
export function toFeature(o: PublicObservation): GeoJsonFeature {
  return {
    type: "Feature",
    id: o.id,
    geometry: { type: "Point", coordinates: [o.longitude, o.latitude] },
    properties: {
      kind: o.kind,
      tags: o.tags,
      state: o.state,
      last_seen_at: o.lastSeenAt.toISOString(),
      confirmations_count: o.confirmationsCount,
      url: o.url,
      origin: o.origin,
      created_at: o.createdAt.toISOString(),
      status_id: o.id,
      osm_id: o.osmId,
    },
  };
}

export function toFeatureCollection(items: PublicObservation[], terms: OpenDataTerms): GeoJsonFeatureCollection {
  return { type: "FeatureCollection", license: terms.license, licence: terms.license, attribution: terms.attribution, features: items.map(toFeature) };
}

/**
 * A text cell a spreadsheet would run as a formula ("=HYPERLINK(…)", "+1+1",
 * "@SUM(…)", "-2+3", or after a tab or carriage return) gets a leading quote.
 * Numbers we write ourselves (a negative longitude) are not text cells.
 */
export function defuseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const FIXED_COLUMNS = [
  "id",
  "kind",
  "longitude",
  "latitude",
  "state",
  "last_seen_at",
  "confirmations_count",
  "osm_id",
  "origin",
  "url",
  "created_at",
] as const;

/**
 * The CSV's columns: the fixed ones, one per known OpenStreetMap key
 * (`tagKeys`), and `other_tags` ("key=value" pairs joined by ";") for any
 * other key an observation carries (one federated by a newer Parvis, say).
 */
export function csvHeader(tagKeys: readonly string[]): string {
  return [...FIXED_COLUMNS, ...tagKeys, "other_tags"].map(csvField).join(",") + "\r\n";
}

export function csvRow(o: PublicObservation, tagKeys: readonly string[]): string {
  const text = (v: string | null) => csvField(defuseCell(v ?? ""));
  const known = new Set(tagKeys);
  const other = Object.entries(o.tags)
    .filter(([k]) => !known.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(";");
  const cells = [
    o.id,
    text(o.kind),
    String(o.longitude),
    String(o.latitude),
    text(o.state),
    o.lastSeenAt.toISOString(),
    String(o.confirmationsCount),
    text(o.osmId),
    text(o.origin),
    text(o.url),
    o.createdAt.toISOString(),
    ...tagKeys.map((k) => text(o.tags[k] ?? null)),
    text(other),
  ];
  return cells.join(",") + "\r\n";
}

export function toCsv(items: PublicObservation[], tagKeys: readonly string[]): string {
  return csvHeader(tagKeys) + items.map((o) => csvRow(o, tagKeys)).join("");
}

/** The report of an OpenStreetMap import (POST /api/parvis/admin/observations/import, the admin CLI). */
export function serializeImportReport(report: ImportReport) {
  return {
    format: report.format,
    created: report.created,
    updated: report.updated,
    unchanged: report.unchanged,
    skipped: report.skipped,
    ignored: report.ignored,
    dropped_tags: report.droppedTags,
    elements: report.elements.map((e) => ({ osm_id: e.osmId, result: e.result, id: e.id, reason: e.reason })),
  };
}
