// Reading an OpenStreetMap extract of surveillance cameras: an .osm XML file
// (what the OSM API, JOSM and Overpass write) or GeoJSON (what overpass turbo
// and osmtogeojson export). Pure: bytes in, elements out. A file that is not
// one of these is refused whole (Invalid, 422) before anything is stored; an
// element that is unusable (no position, a way instead of a node) is kept
// with the reason it will be skipped.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { Invalid } from "../../errors";

/** A man_made=surveillance node, as read from the file. */
export interface OsmElement {
  /** "node/123" */
  osmId: string;
  latitude: number;
  longitude: number;
  tags: Record<string, string>;
  /** the element's last edit in OSM, when the file says */
  timestamp: Date | null;
}

export interface SkippedElement {
  osmId: string;
  reason: string;
}

export interface OsmExtract {
  format: "osm" | "geojson";
  elements: OsmElement[];
  skipped: SkippedElement[];
  /** elements that are not surveillance (the nodes of a way, shops…): not counted as skipped */
  ignored: number;
}

/** More surveillance nodes than a commune has: refused, split the extract. */
export const MAX_IMPORT_ELEMENTS = 20_000;
/** A whole extract (the upload limit, and what the admin CLI reads). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

const OSM_NUMERIC_ID = /^[1-9]\d{0,18}$/;
const TYPES = new Set(["node", "way", "relation"]);

function malformed(detail: string): Invalid {
  return new Invalid(`Malformed OpenStreetMap extract: ${detail}`);
}

function coordinate(raw: unknown, max: number): number | null {
  const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  return Number.isFinite(n) && n >= -max && n <= max ? n : null;
}

function date(raw: unknown): Date | null {
  if (typeof raw !== "string") return null;
  const d = new Date(raw);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** OSM tags as strings; anything else (nested objects in a GeoJSON export) is left out. */
function stringTags(raw: Record<string, unknown>): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === "__proto__") continue;
    if (typeof v === "string") tags[k] = v;
    else if (typeof v === "number" || typeof v === "boolean") tags[k] = String(v);
  }
  return tags;
}

const isSurveillance = (tags: Record<string, string>) => tags.man_made === "surveillance";

/** Collects elements, skipping duplicates and what is not a usable node. */
class Collector {
  readonly elements: OsmElement[] = [];
  readonly skipped: SkippedElement[] = [];
  ignored = 0;
  private readonly seen = new Set<string>();

  add(type: string, id: string, tags: Record<string, string>, lat: unknown, lon: unknown, timestamp: unknown): void {
    if (!isSurveillance(tags)) {
      this.ignored++;
      return;
    }
    const osmId = `${type}/${id}`;
    if (!TYPES.has(type) || !OSM_NUMERIC_ID.test(id)) {
      this.skipped.push({ osmId: osmId.slice(0, 60), reason: "no valid OpenStreetMap id" });
      return;
    }
    if (type !== "node") {
      this.skipped.push({ osmId, reason: `a ${type}: only nodes (points) are imported` });
      return;
    }
    if (this.seen.has(osmId)) {
      this.skipped.push({ osmId, reason: "the same element appears twice in the file" });
      return;
    }
    this.seen.add(osmId);
    const latitude = coordinate(lat, 90);
    const longitude = coordinate(lon, 180);
    if (latitude === null || longitude === null) {
      this.skipped.push({ osmId, reason: "no valid position (lat, lon)" });
      return;
    }
    if (this.elements.length >= MAX_IMPORT_ELEMENTS) throw malformed(`more than ${MAX_IMPORT_ELEMENTS} surveillance nodes; split the extract`);
    this.elements.push({ osmId, latitude, longitude, tags, timestamp: date(timestamp) });
  }
}

/** An .osm XML document: <osm><node id lat lon timestamp><tag k v/>…</node>…</osm>. */
function readOsmXml(text: string): OsmExtract {
  // no document type: entity declarations are how XML files expand into gigabytes
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw malformed("a document type declaration is not accepted");
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw malformed(`not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    parseAttributeValue: false,
    parseTagValue: false,
    processEntities: true,
    htmlEntities: false,
    isArray: (name) => ["node", "way", "relation", "tag", "nd", "member"].includes(name),
  });
  const doc = parser.parse(text) as Record<string, unknown>;
  const osm = doc.osm;
  if (!osm || typeof osm !== "object") throw malformed("the root element is not <osm>");
  const root = osm as Record<string, unknown>;
  const collector = new Collector();
  for (const type of ["node", "way", "relation"] as const) {
    const list = root[type];
    if (list === undefined) continue;
    for (const el of list as Record<string, unknown>[]) {
      if (!el || typeof el !== "object") continue;
      const tags: Record<string, string> = {};
      for (const tag of (el.tag as Record<string, unknown>[] | undefined) ?? []) {
        if (tag && typeof tag.k === "string" && typeof tag.v === "string" && tag.k !== "__proto__") tags[tag.k] = tag.v;
      }
      // a deleted element of an osmChange-like file is not a camera to import
      if (el.action === "delete" || el.visible === "false") {
        collector.ignored++;
        continue;
      }
      collector.add(type, String(el.id ?? ""), tags, el.lat, el.lon, el.timestamp);
    }
  }
  return { format: "osm", elements: collector.elements, skipped: collector.skipped, ignored: collector.ignored };
}

/** "node/123" from a feature's id or properties (overpass turbo: "@id"; osmtogeojson: type and id). */
function featureOsmId(feature: Record<string, unknown>, props: Record<string, unknown>): { type: string; id: string } {
  for (const candidate of [feature.id, props["@id"], props.id && props.type ? `${String(props.type)}/${String(props.id)}` : undefined]) {
    if (typeof candidate === "string" && candidate.includes("/")) {
      const [type, id] = candidate.split("/", 2);
      return { type, id };
    }
  }
  return { type: "", id: "" };
}

/** GeoJSON of OSM elements: Points with the OSM tags as properties (flat, or under properties.tags). */
function readGeoJson(text: string): OsmExtract {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed("not valid JSON");
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw malformed("not a GeoJSON object");
  const root = doc as Record<string, unknown>;
  const features = root.type === "FeatureCollection" ? root.features : root.type === "Feature" ? [root] : undefined;
  if (!Array.isArray(features)) throw malformed("not a GeoJSON FeatureCollection");
  const collector = new Collector();
  for (const raw of features) {
    if (!raw || typeof raw !== "object" || (raw as Record<string, unknown>).type !== "Feature") throw malformed("a member of features is not a Feature");
    const feature = raw as Record<string, unknown>;
    const props = feature.properties && typeof feature.properties === "object" && !Array.isArray(feature.properties) ? (feature.properties as Record<string, unknown>) : {};
    const nested = props.tags && typeof props.tags === "object" && !Array.isArray(props.tags) ? (props.tags as Record<string, unknown>) : null;
    const tags = stringTags(
      nested ?? Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("@") && k !== "id" && k !== "type" && k !== "timestamp")),
    );
    const { type, id } = featureOsmId(feature, props);
    const geometry = feature.geometry as { type?: unknown; coordinates?: unknown } | null | undefined;
    let lat: unknown;
    let lon: unknown;
    if (geometry && geometry.type === "Point" && Array.isArray(geometry.coordinates)) [lon, lat] = geometry.coordinates as unknown[];
    const meta = props.meta && typeof props.meta === "object" ? (props.meta as Record<string, unknown>) : {};
    // a way exported as a Polygon keeps its type in the id: Collector skips it with that reason
    collector.add(type, id, tags, lat, lon, props["@timestamp"] ?? props.timestamp ?? meta.timestamp);
  }
  return { format: "geojson", elements: collector.elements, skipped: collector.skipped, ignored: collector.ignored };
}

/** Reads an extract, telling XML from JSON by its first character. Throws Invalid for a file that is neither. */
export function readOsmExtract(bytes: Buffer | string): OsmExtract {
  if (bytes.length > MAX_IMPORT_BYTES) throw new Invalid("File is too large");
  const text = (typeof bytes === "string" ? bytes : bytes.toString("utf8")).replace(/^\uFEFF/, "");
  if (text.includes("\u0000")) throw malformed("the file contains NUL characters");
  const first = text.trimStart()[0];
  if (first === "<") return readOsmXml(text);
  if (first === "{") return readGeoJson(text);
  throw malformed("neither OSM XML nor GeoJSON");
}
