// Importing an OpenStreetMap extract of surveillance cameras as observations
// published by the instance's own account (accounts/instance-account.ts).
// Each node is keyed by its OSM id ("node/123"): importing the extract again
// corrects the observations it made (tags, position) instead of adding others.
// Only the tags the observation vocabulary knows are kept; the others are
// counted in the report. A malformed file is refused before anything is
// written; an unusable element is skipped with its reason.
import { sql } from "drizzle-orm";
import { DomainError, Forbidden } from "../../errors";
import { getInstanceAccount } from "../accounts";
import type { DomainContext } from "../context";
import { correctObservation, createObservation, findObservationByOsmId, knownTags } from "../observations";
import { readOsmExtract, type OsmElement } from "./osm-extract";

export type ImportResult = "created" | "updated" | "unchanged" | "skipped";

export interface ImportedElement {
  osmId: string;
  result: ImportResult;
  /** the observation (its status id), when there is one */
  id: string | null;
  /** why it was skipped */
  reason: string | null;
}

export interface ImportReport {
  format: "osm" | "geojson";
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** elements that are not surveillance at all (the nodes of a way, a café) */
  ignored: number;
  /** keys left out because the observation vocabulary does not keep them (or not with that value), with how often */
  droppedTags: Record<string, number>;
  elements: ImportedElement[];
}

/** "YYYY-MM-DD" of check_date, or the element's last edit, when not in the future: when it was last seen. */
function seenAtOf(element: OsmElement, tags: Record<string, string>, now: Date): Date | null {
  const checked = tags.check_date ? new Date(`${tags.check_date}T00:00:00Z`) : null;
  for (const d of [checked, element.timestamp]) if (d && !Number.isNaN(d.getTime()) && d.getTime() <= now.getTime()) return d;
  return null;
}

function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

function reasonOf(e: unknown): string {
  if (e instanceof DomainError) return e.message;
  throw e;
}

export async function importOsmExtract(ctx: DomainContext, bytes: Buffer | string): Promise<ImportReport> {
  // the whole file is read before anything is written: a malformed one stores nothing
  const extract = readOsmExtract(bytes);
  const report: ImportReport = {
    format: extract.format,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    ignored: extract.ignored,
    droppedTags: {},
    elements: [],
  };
  const skip = (osmId: string, reason: string, id: string | null = null) => {
    report.skipped++;
    report.elements.push({ osmId, result: "skipped", id, reason });
  };
  for (const s of extract.skipped) skip(s.osmId, s.reason);
  if (extract.elements.length === 0) return report;

  const instance = await getInstanceAccount(ctx);
  const now = new Date();
  let touched = false;
  for (const element of extract.elements) {
    let tags: Record<string, string>;
    try {
      tags = knownTags("camera", element.tags);
    } catch (e) {
      skip(element.osmId, reasonOf(e));
      continue;
    }
    for (const key of Object.keys(element.tags)) {
      if (!Object.hasOwn(tags, key)) report.droppedTags[key] = (report.droppedTags[key] ?? 0) + 1;
    }
    try {
      const existing = await findObservationByOsmId(ctx, element.osmId);
      if (!existing) {
        const id = await createObservation(ctx, instance.id, {
          kind: "camera",
          latitude: element.latitude,
          longitude: element.longitude,
          tags,
          osmId: element.osmId,
          seenAt: seenAtOf(element, tags, now),
          visibility: "public",
        });
        touched = true;
        report.created++;
        report.elements.push({ osmId: element.osmId, result: "created", id, reason: null });
        continue;
      }
      const id = existing.statusId;
      if (existing.kind !== "camera") {
        skip(element.osmId, "an observation of another kind has this OpenStreetMap id", id);
        continue;
      }
      if (sameTags(existing.tags, tags) && existing.latitude === element.latitude && existing.longitude === element.longitude) {
        report.unchanged++;
        report.elements.push({ osmId: element.osmId, result: "unchanged", id, reason: null });
        continue;
      }
      // the instance corrects what it imported, as an author does (history line, Update of the Note)
      try {
        await correctObservation(ctx, instance.id, id, { tags, latitude: element.latitude, longitude: element.longitude });
      } catch (e) {
        if (!(e instanceof Forbidden)) throw e;
        skip(element.osmId, "the observation of this element was posted by a resident, not imported by the instance", id);
        continue;
      }
      touched = true;
      report.updated++;
      report.elements.push({ osmId: element.osmId, result: "updated", id, reason: null });
    } catch (e) {
      skip(element.osmId, reasonOf(e));
    }
  }
  // the planner's statistics follow a bulk change of the map's tables
  if (touched) await ctx.db.execute(sql`analyze observations, observation_events, statuses`);
  return report;
}
