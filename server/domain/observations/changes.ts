// What happens to an observation after it was posted: its author corrects it,
// residents confirm it is still there, anyone proposes it is gone, which its
// author or a moderator of its group (or of the instance) confirms or rejects.
// Each change is a line of its history, and each one publishes the status's
// "updated" event, so that it federates as an Update of the Note and streams.
import { and, eq, sql } from "drizzle-orm";
import { observationEvents, observations, statuses, type ObservationState } from "../../db/schema";
import { Forbidden, Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import { accountById, isUniqueViolation } from "../accounts";
import type { DomainContext } from "../context";
import type { DbOrTx } from "../../db/open";
import { writeAndPublish, type Recorder } from "../event-journal";
import { isInstanceStaff, mayModerate, standingIn } from "../groups";
import { editStatus, type Status } from "../statuses";
import { canSee } from "../visibility";
import { checkPoint, checkSeenAt, observationText } from "./create";
import { describeObservation } from "./text";
import { tagChanges, validateTags } from "./tags";

export type ObservationRow = typeof observations.$inferSelect;

export const MAX_REASON = 500;

/** The observation and its status, if the viewer may see it; NotFound otherwise. */
export async function visibleObservation(ctx: DomainContext, id: string, viewerId: string | null): Promise<{ observation: ObservationRow; status: Status }> {
  if (!/^\d{1,19}$/.test(id)) throw new NotFound();
  const [row] = await ctx.db
    .select({ observation: observations, status: statuses })
    .from(observations)
    .innerJoin(statuses, eq(statuses.id, observations.statusId))
    .where(eq(observations.statusId, id));
  if (!row || !(await canSee(ctx, row.status, viewerId))) throw new NotFound();
  return row;
}

async function recordUpdated(record: Recorder, status: Status): Promise<void> {
  if (status.groupId) {
    await record("group.status.updated", { statusId: status.id, accountId: status.accountId, local: status.local, groupId: status.groupId }, { durable: status.local });
  } else {
    await record("status.updated", { statusId: status.id, accountId: status.accountId, local: status.local }, { durable: status.local });
  }
}

export interface CorrectionInput {
  tags?: Record<string, unknown>;
  latitude?: number;
  longitude?: number;
  /** the new status text; blank: the sentence generated from the tags */
  text?: string | null;
}

/**
 * The author corrects their observation: tags (the whole set, checked again),
 * point, text. Stored as an edit of the status (its history, an Update of the
 * Note) and a "corrected" line with what changed: { field: [before, after] }.
 */
export async function correctObservation(ctx: DomainContext, actorId: string, id: string, input: CorrectionInput): Promise<void> {
  const { observation, status } = await visibleObservation(ctx, id, actorId);
  if (status.accountId !== actorId || !status.local) throw new Forbidden("Only its author corrects an observation");
  const actor = await accountById(ctx, actorId);
  if (!actor) throw new NotFound();
  const tags = input.tags === undefined ? observation.tags : validateTags(observation.kind, input.tags);
  const point = checkPoint(input.latitude ?? observation.latitude, input.longitude ?? observation.longitude);
  const currentText = status.text ?? "";
  // a text that was generated follows the tags; one the resident wrote stays until they change it
  const wasGenerated = currentText === describeObservation(observation.kind, observation.tags, status.language);
  const text =
    input.text !== undefined
      ? observationText(ctx, observation.kind, tags, input.text, status.language)
      : wasGenerated
        ? observationText(ctx, observation.kind, tags, null, status.language)
        : currentText;
  const changes: Record<string, [unknown, unknown]> = { ...tagChanges(observation.tags, tags) };
  if (point.latitude !== observation.latitude) changes.latitude = [observation.latitude, point.latitude];
  if (point.longitude !== observation.longitude) changes.longitude = [observation.longitude, point.longitude];
  if (text !== currentText) changes.text = [currentText, text];
  if (Object.keys(changes).length === 0) return;
  await editStatus(ctx, actor, id, {
    text,
    place: { latitude: point.latitude, longitude: point.longitude, name: status.placeName ?? null },
    withinTransaction: async (tx) => {
      const now = new Date();
      await tx.update(observations).set({ tags, latitude: point.latitude, longitude: point.longitude, updatedAt: now }).where(eq(observations.statusId, id));
      await tx.insert(observationEvents).values({ id: newId(now), observationId: id, accountId: actorId, action: "corrected", changes, createdAt: now });
    },
  });
}

/** Whether this account decides that an observation is gone: its author, a moderator of its group, the instance's staff. */
export async function mayDecideGone(ctx: DomainContext, status: Status, accountId: string): Promise<boolean> {
  if (!status.local) return false;
  if (status.accountId === accountId) return true;
  if (status.groupId) return mayModerate(await standingIn(ctx, status.groupId, accountId));
  return isInstanceStaff(ctx, accountId);
}

async function localResident(ctx: DomainContext, accountId: string) {
  const account = await accountById(ctx, accountId);
  if (!account || account.domain !== null) throw new Forbidden();
  return account;
}

/**
 * A resident saw it again ("still there"), on `seenAt` (now when absent, never
 * in the future): once per resident per day. Counts, and moves last_seen_at on.
 */
export async function confirmObservation(ctx: DomainContext, accountId: string, id: string, seenAt?: Date | null): Promise<void> {
  await localResident(ctx, accountId);
  const { observation, status } = await visibleObservation(ctx, id, accountId);
  if (observation.state === "gone") throw new Invalid("Validation failed: this observation is gone", { state: "ERR_GONE" });
  const seen = checkSeenAt(seenAt ?? null);
  try {
    await writeAndPublish(ctx, async (tx, record) => {
      await tx.insert(observationEvents).values({ id: newId(), observationId: id, accountId, action: "confirmed", seenAt: seen });
      await tx
        .update(observations)
        .set({
          confirmationsCount: sql`${observations.confirmationsCount} + 1`,
          lastSeenAt: sql`greatest(${observations.lastSeenAt}, ${seen.toISOString()}::timestamptz)`,
          updatedAt: new Date(),
        })
        .where(eq(observations.statusId, id));
      await recordUpdated(record, status);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new Invalid("Validation failed: you already confirmed it for that day", { seen_at: "ERR_TAKEN" });
    throw e;
  }
}

async function changeState(
  tx: DbOrTx,
  record: Recorder,
  status: Status,
  from: ObservationState,
  to: ObservationState,
  line: { accountId: string; action: "gone_proposed" | "gone_confirmed" | "gone_rejected"; reason?: string | null },
): Promise<void> {
  // the state it was read in: a concurrent change in between makes this one fail, not both succeed
  const updated = await tx
    .update(observations)
    .set({ state: to, updatedAt: new Date() })
    .where(and(eq(observations.statusId, status.id), eq(observations.state, from)))
    .returning({ id: observations.statusId });
  if (updated.length === 0) throw new Invalid("Validation failed: the observation changed meanwhile", { state: "ERR_CHANGED" });
  const changes: Record<string, unknown> = { state: [from, to] };
  if (line.reason) changes.reason = line.reason;
  await tx.insert(observationEvents).values({ id: newId(), observationId: status.id, accountId: line.accountId, action: line.action, changes, seenAt: new Date() });
  await recordUpdated(record, status);
}

function checkReason(reason: unknown): string | null {
  if (reason === undefined || reason === null) return null;
  if (typeof reason !== "string" || [...reason].length > MAX_REASON) throw new Invalid(`Validation failed: reason must be text of at most ${MAX_REASON} characters`, { reason: "ERR_INVALID" });
  return reason.trim() || null;
}

/**
 * "Gone": anyone who sees it proposes it (present → gone_proposed); its author,
 * a moderator of its group or the instance's staff decide it (→ gone), at once
 * when they are the ones saying so.
 */
export async function markObservationGone(ctx: DomainContext, accountId: string, id: string, reason?: string | null): Promise<void> {
  await localResident(ctx, accountId);
  const clean = checkReason(reason);
  const { observation, status } = await visibleObservation(ctx, id, accountId);
  if (observation.state === "gone") throw new Invalid("Validation failed: this observation is gone already", { state: "ERR_GONE" });
  const decides = await mayDecideGone(ctx, status, accountId);
  if (!decides && observation.state === "gone_proposed") throw new Invalid("Validation failed: it was proposed gone already", { state: "ERR_TAKEN" });
  await writeAndPublish(ctx, (tx, record) =>
    decides
      ? changeState(tx, record, status, observation.state, "gone", { accountId, action: "gone_confirmed", reason: clean })
      : changeState(tx, record, status, "present", "gone_proposed", { accountId, action: "gone_proposed", reason: clean }),
  );
}

/** The author, a group moderator or the staff say it is still there after all: back to present. */
export async function rejectObservationGone(ctx: DomainContext, accountId: string, id: string, reason?: string | null): Promise<void> {
  await localResident(ctx, accountId);
  const clean = checkReason(reason);
  const { observation, status } = await visibleObservation(ctx, id, accountId);
  if (!(await mayDecideGone(ctx, status, accountId))) throw new Forbidden("Only its author or a moderator decides whether it is gone");
  if (observation.state === "present") throw new Invalid("Validation failed: this observation is not proposed gone", { state: "ERR_PRESENT" });
  await writeAndPublish(ctx, (tx, record) =>
    changeState(tx, record, status, observation.state, "present", { accountId, action: "gone_rejected", reason: clean }),
  );
}
