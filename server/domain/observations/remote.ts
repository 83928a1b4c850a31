// Observations federated by another Parvis: a remote status whose Note
// carries the Parvis extension gets an observation row (its origin is its
// author's domain), and each Update of that Note brings its corrections and
// state. The origin is the authority: what it sends replaces what we have,
// unless it is older than what we have (its `updatedAt`). Its confirmations
// arrive as a count; the residents who confirmed are not named across
// instances (docs/federation.md).
import { eq } from "drizzle-orm";
import { observationEvents, observations, statuses, type ObservationAction, type ObservationState } from "../../db/schema";
import { DomainError } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { writeAndPublish } from "../event-journal";
import { checkPoint } from "./create";
import { OBSERVATION_STATES } from "./read";
import { isObservationKind, knownTags, tagChanges } from "./tags";

export interface RemoteObservationData {
  kind: string;
  tags: Record<string, unknown>;
  state: string;
  lastSeenAt: Date | null;
  confirmationsCount: number;
  /** when the origin last changed it (orders Updates) */
  updatedAt: Date | null;
  latitude: number;
  longitude: number;
}

const MAX_COUNT = 1_000_000;

function stateTransition(from: ObservationState, to: ObservationState): ObservationAction | null {
  if (from === to) return null;
  if (to === "gone") return "gone_confirmed";
  if (to === "gone_proposed") return "gone_proposed";
  return "gone_rejected";
}

/**
 * Records (or updates) the observation of a remote status from its Note's
 * extension. Values the vocabulary does not know are left out; an extension
 * that does not make an observation (unknown kind, no point) is ignored, and
 * so is one older than what we have. Returns whether anything was written.
 */
export async function recordRemoteObservation(ctx: DomainContext, statusId: string, data: RemoteObservationData): Promise<boolean> {
  if (!isObservationKind(data.kind)) return false;
  const kind = data.kind;
  let tags: Record<string, string>;
  let point: { latitude: number; longitude: number };
  try {
    tags = knownTags(kind, data.tags);
    point = checkPoint(data.latitude, data.longitude);
  } catch (e) {
    if (e instanceof DomainError) return false;
    throw e;
  }
  const state: ObservationState = (OBSERVATION_STATES as readonly string[]).includes(data.state) ? (data.state as ObservationState) : "present";
  const now = new Date();
  const lastSeenAt = data.lastSeenAt && data.lastSeenAt <= now ? data.lastSeenAt : now;
  const updatedAt = data.updatedAt && data.updatedAt <= now ? data.updatedAt : now;
  const confirmationsCount = Number.isInteger(data.confirmationsCount) ? Math.min(Math.max(data.confirmationsCount, 0), MAX_COUNT) : 0;

  const [status] = await ctx.db.select().from(statuses).where(eq(statuses.id, statusId));
  if (!status || status.local) return false;
  const [current] = await ctx.db.select().from(observations).where(eq(observations.statusId, statusId));
  if (current && data.updatedAt && data.updatedAt < current.updatedAt) return false;
  if (current && current.kind !== kind) return false;

  return writeAndPublish(ctx, async (tx, record) => {
    await tx.update(statuses).set({ placeLatitude: point.latitude, placeLongitude: point.longitude }).where(eq(statuses.id, statusId));
    if (!current) {
      await tx.insert(observations).values({ statusId, kind, ...point, tags, state, lastSeenAt, confirmationsCount, createdAt: status.createdAt, updatedAt });
      await tx.insert(observationEvents).values({ id: newId(), observationId: statusId, accountId: status.accountId, action: "created", seenAt: lastSeenAt });
      return true;
    }
    const changes: Record<string, [unknown, unknown]> = { ...tagChanges(current.tags, tags) };
    if (point.latitude !== current.latitude) changes.latitude = [current.latitude, point.latitude];
    if (point.longitude !== current.longitude) changes.longitude = [current.longitude, point.longitude];
    const transition = stateTransition(current.state, state);
    const counted = confirmationsCount !== current.confirmationsCount || lastSeenAt.getTime() !== current.lastSeenAt.getTime();
    if (Object.keys(changes).length === 0 && !transition && !counted) return false;
    await tx.update(observations).set({ tags, ...point, state, lastSeenAt, confirmationsCount, updatedAt }).where(eq(observations.statusId, statusId));
    if (Object.keys(changes).length > 0) {
      await tx.insert(observationEvents).values({ id: newId(), observationId: statusId, accountId: status.accountId, action: "corrected", changes });
    }
    // who proposed or decided it on the origin is not told: the line names nobody
    if (transition) {
      await tx.insert(observationEvents).values({ id: newId(), observationId: statusId, accountId: null, action: transition, changes: { state: [current.state, state] }, seenAt: updatedAt });
    }
    // real time shows the new fields; nothing federates back (local: false)
    if (status.groupId) {
      await record("group.status.updated", { statusId, accountId: status.accountId, local: false, groupId: status.groupId }, { durable: false });
    } else {
      await record("status.updated", { statusId, accountId: status.accountId, local: false }, { durable: false });
    }
    return true;
  });
}
