// Creating an observation: a status (through the statuses concept's local
// creation, so it federates, shows in timelines and apps like any post) with
// its place, plus the observation's own row and the first line of its history,
// all in the status's transaction (ADR 0023).
import { eq } from "drizzle-orm";
import { observationEvents, observations, statuses, type ObservationKind, type Visibility } from "../../db/schema";
import { Conflict, Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import { accountById, isUniqueViolation } from "../accounts";
import type { DomainContext } from "../context";
import { createStatus, type Status } from "../statuses";
import { isObservationKind, validateTags } from "./tags";
import { describeObservation } from "./text";

export interface CreateObservationInput {
  kind: ObservationKind | string;
  latitude: number;
  longitude: number;
  /** OpenStreetMap keys and values, checked against the kind's vocabulary (tags.ts) */
  tags?: Record<string, unknown> | null;
  /** what the resident wrote; blank: a sentence generated from the tags (text.ts) */
  text?: string | null;
  mediaIds?: string[];
  groupId?: string | null;
  visibility?: Visibility;
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
  applicationId?: string | null;
  /** an imported OpenStreetMap element, "node/123" (unique: findObservationByOsmId before a re-import) */
  osmId?: string | null;
  /** when it was seen (the creation when absent); never in the future */
  seenAt?: Date | null;
}

/** A few minutes of clock difference between a phone and the server. */
export const FUTURE_SLACK_MS = 5 * 60_000;
export const OSM_ID = /^(node|way|relation)\/[1-9]\d{0,18}$/;

export function checkPoint(latitude: unknown, longitude: unknown): { latitude: number; longitude: number } {
  if (typeof latitude !== "number" || !Number.isFinite(latitude) || latitude < -90 || latitude > 90) {
    throw new Invalid("Validation failed: latitude must be a number from -90 to 90", { latitude: "ERR_INVALID" });
  }
  if (typeof longitude !== "number" || !Number.isFinite(longitude) || longitude < -180 || longitude > 180) {
    throw new Invalid("Validation failed: longitude must be a number from -180 to 180", { longitude: "ERR_INVALID" });
  }
  return { latitude, longitude };
}

export function checkSeenAt(seenAt: Date | null | undefined, now = new Date()): Date {
  if (!seenAt) return now;
  if (!(seenAt instanceof Date) || Number.isNaN(seenAt.getTime())) throw new Invalid("Validation failed: seen_at is not a date", { seen_at: "ERR_INVALID" });
  if (seenAt.getTime() > now.getTime() + FUTURE_SLACK_MS) throw new Invalid("Validation failed: seen_at is in the future", { seen_at: "ERR_INVALID" });
  return seenAt;
}

/** The status text: what the resident wrote, or the generated sentence, within the length limit. */
export function observationText(ctx: DomainContext, kind: ObservationKind, tags: Record<string, string>, text: string | null | undefined, language?: string | null): string {
  if (text && text.trim()) return text;
  const summary = describeObservation(kind, tags, language);
  const max = ctx.config.maxStatusChars;
  const chars = [...summary];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : summary;
}

/**
 * Creates an observation as a post of `authorAccountId` (a local account: a
 * resident, or the instance's own account from getInstanceAccount for an
 * import) and returns its id, which is its status's id.
 */
export async function createObservation(ctx: DomainContext, authorAccountId: string, input: CreateObservationInput): Promise<string> {
  if (!isObservationKind(input.kind)) throw new Invalid("Validation failed: kind must be camera or issue", { kind: "ERR_INCLUSION" });
  const kind = input.kind;
  const point = checkPoint(input.latitude, input.longitude);
  const tags = validateTags(kind, input.tags);
  const seenAt = checkSeenAt(input.seenAt ?? null);
  const osmId = input.osmId ?? null;
  if (osmId !== null && !OSM_ID.test(osmId)) throw new Invalid("Validation failed: osm_id must look like node/123", { osm_id: "ERR_INVALID" });
  const author = await accountById(ctx, authorAccountId);
  if (!author) throw new NotFound("Account not found");
  if (osmId !== null && (await findObservationByOsmId(ctx, osmId))) throw new Conflict("An observation of this OpenStreetMap element exists already");
  let status: Status;
  try {
    status = await createStatus(ctx, author, {
      text: observationText(ctx, kind, tags, input.text, input.language),
      visibility: input.visibility,
      spoilerText: input.spoilerText,
      sensitive: input.sensitive,
      language: input.language ?? null,
      mediaIds: input.mediaIds,
      applicationId: input.applicationId ?? null,
      groupId: input.groupId ?? null,
      // the observation's point is its status's place (what maps and other servers read)
      place: { latitude: point.latitude, longitude: point.longitude, name: null },
      withinTransaction: async (tx, row) => {
        await tx.insert(observations).values({
          statusId: row.id,
          kind,
          latitude: point.latitude,
          longitude: point.longitude,
          tags,
          osmId,
          lastSeenAt: seenAt,
          createdAt: row.createdAt,
          updatedAt: row.createdAt,
        });
        await tx.insert(observationEvents).values({ id: newId(), observationId: row.id, accountId: author.id, action: "created", seenAt });
      },
    });
  } catch (e) {
    if (osmId !== null && isUniqueViolation(e)) throw new Conflict("An observation of this OpenStreetMap element exists already");
    throw e;
  }
  return status.id;
}

/** The observation imported from this OpenStreetMap element, if any (a re-import corrects it). */
export async function findObservationByOsmId(ctx: DomainContext, osmId: string): Promise<typeof observations.$inferSelect | null> {
  const [row] = await ctx.db.select().from(observations).where(eq(observations.osmId, osmId));
  return row ?? null;
}
