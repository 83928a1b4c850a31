// Inbox listeners: one file per activity type in this folder (follow.ts,
// create.ts, …). Each is registered through `listen`, which refuses actors
// from domains we do not federate with and activities whose id is on another
// origin than their sender's, makes the effects idempotent, and logs and counts
// every activity with its outcome, so a handler only has to say what the
// activity does.
//
// A handler works in two steps: first it checks the activity and fetches what
// it needs from other servers (outside any transaction: network time never
// holds a database connection), then it returns the effects, which run in one
// transaction together with the received_activities mark. Domain events
// raised by the effects are published once that transaction has committed.
import type { InboxListenerSetters } from "@fedify/fedify";
import {
  Accept,
  Announce,
  Block,
  Create,
  Delete,
  EmojiReact,
  Flag,
  Follow,
  Like,
  Move,
  Reject,
  Undo,
  Update,
  type Activity,
} from "@fedify/vocab";
import { DomainError } from "../../server/errors";
import { HeldEvents } from "../../server/events";
import type { Services } from "../../server/services";
import { isUrlAllowed } from "../policy";
import { onAccept } from "./accept";
import { onAnnounce } from "./announce";
import { onBlock } from "./block";
import { onCreate } from "./create";
import { onDelete } from "./delete";
import { onFlag } from "./flag";
import { onFollow } from "./follow";
import { onLike } from "./like";
import { onMove } from "./move";
import { onReject } from "./reject";
import { onUndo } from "./undo";
import { onUpdate } from "./update";
import { activityKey, processOnce } from "./idempotency";
import type { InboxHandler } from "./types";
import { secondsSince, type InboxOutcome } from "../../server/metrics";

export interface ListenOptions {
  /**
   * false for activities whose effect is idempotent by state (Accept, Reject):
   * they are matched against the pending Follow, never discarded because their
   * id was seen before — some servers give every Accept from the same follower
   * the same id, and a re-follow would stay "requested" for ever. (Follow and
   * Undo are not: replayed after the relationship changed, they would undo
   * that change.)
   */
  dedupe?: boolean;
}

/** One log line and one count per incoming activity, whatever became of it. */
export function reportInboxActivity(
  services: Services,
  activity: Activity,
  outcome: InboxOutcome,
  details: { reason?: string; err?: unknown; started?: number } = {},
): void {
  const type = activity.constructor.name;
  const fields = { activity: activity.id?.href ?? null, type, actor: activity.actorId?.href ?? null, outcome, reason: details.reason, err: details.err };
  if (outcome === "failed") services.logger.warn(fields, "inbox activity");
  else services.logger.info(fields, "inbox activity");
  services.metrics.inboxActivities.inc({ type, outcome });
  if (details.started !== undefined) services.metrics.inboxDuration.observe({ type, outcome }, secondsSince(details.started));
}

/** True for ids that name a place on the web (http, https); others (urn:uuid:…) have no origin to check. */
const isWebId = (id: URL) => id.protocol === "https:" || id.protocol === "http:";

/** Registers a handler with the checks every activity goes through. */
export function listen<A extends Activity>(
  setters: InboxListenerSetters<Services>,
  type: new (...args: any[]) => A,
  handler: InboxHandler<A>,
  options: ListenOptions = {},
): InboxListenerSetters<Services> {
  return setters.on(type, async (ctx, activity) => {
    const services = ctx.data;
    const started = performance.now();
    const report = (outcome: InboxOutcome, reason?: string, err?: unknown) => reportInboxActivity(services, activity, outcome, { reason, err, started });
    // Fedify verified the signature and that its key belongs to activity.actor;
    // the key may have been cached before a block.
    const actorId = activity.actorId;
    if (!actorId || !(await isUrlAllowed(services.domain, actorId))) return report("refused", "actor's domain is not allowed");
    // An id belongs to its origin: a server may not speak under another's ids
    // (it could "use up" the id of a resident's future Delete, for instance).
    if (activity.id && isWebId(activity.id) && activity.id.origin !== actorId.origin) {
      return report("refused", "activity id is not on the sender's origin");
    }
    let processed: boolean;
    const events = new HeldEvents();
    try {
      const effects = await handler(ctx, activity);
      if (!effects) return report("ignored", "nothing here it applies to");
      if ("ignored" in effects) return report("ignored", effects.ignored);
      // A duplicate is stopped by received_activities, in the transaction of the effects
      // (processOnce): no read before, one statement less for every activity that is new.
      const key = options.dedupe === false ? null : activityKey(activity.id, actorId);
      // raised in the transaction, published once it has committed
      processed = await processOnce(services.db, key, (tx) => effects({ ...services.domain, db: tx, events }));
    } catch (error) {
      // a rule of the domain said no (blocked, not visible, …): nothing to retry
      if (error instanceof DomainError) return report("refused", `refused by the domain: ${error.message}`);
      report("failed", "will be retried", error);
      throw error;
    }
    if (!processed) return report("duplicate", "id already processed for this origin");
    events.flush(services.events);
    report("stored");
  });
}

export function registerInboxListeners(setters: InboxListenerSetters<Services>): InboxListenerSetters<Services> {
  // matched to the pending Follow, not discarded by id (ListenOptions.dedupe)
  const byState = { dedupe: false };
  listen(setters, Follow, onFollow);
  listen(setters, Accept, onAccept, byState);
  listen(setters, Reject, onReject, byState);
  listen(setters, Undo, onUndo);
  listen(setters, Create, onCreate);
  listen(setters, Update, onUpdate);
  listen(setters, Delete, onDelete);
  listen(setters, Like, onLike);
  listen(setters, EmojiReact, onLike);
  listen(setters, Announce, onAnnounce);
  listen(setters, Block, onBlock);
  listen(setters, Flag, onFlag);
  listen(setters, Move, onMove);
  return setters;
}
