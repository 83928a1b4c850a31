// Inbox listeners: one file per activity type in this folder (follow.ts,
// create.ts, …). Each is registered through `listen`, which refuses actors
// from domains we do not federate with and makes the effects idempotent, so a
// handler only has to say what the activity does.
//
// A handler works in two steps: first it checks the activity and fetches what
// it needs from other servers (outside any transaction: network time never
// holds a database connection), then it returns the effects, which run in one
// transaction together with the processed_activities mark. Domain events
// raised by the effects are published once that transaction has committed.
import type { InboxContext, InboxListenerSetters } from "@fedify/fedify";
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
import type { DomainContext } from "../../server/domain/context";
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
import { processOnce } from "./idempotency";

/** What an activity does, run in the transaction that marks it processed. */
export type Effects = (ctx: DomainContext) => Promise<void>;

/** Checks an activity and prepares its effects; null when it is ignored. */
export type InboxHandler<A extends Activity> = (ctx: InboxContext<Services>, activity: A) => Promise<Effects | null>;

/** Registers a handler with the checks every activity goes through. */
export function listen<A extends Activity>(
  setters: InboxListenerSetters<Services>,
  type: new (...args: any[]) => A,
  handler: InboxHandler<A>,
): InboxListenerSetters<Services> {
  return setters.on(type, async (ctx, activity) => {
    const services = ctx.data;
    const log = services.logger;
    // Fedify verified the signature and that its key belongs to activity.actor;
    // the key may have been cached before a block.
    if (!activity.actorId || !(await isUrlAllowed(services.domain, activity.actorId))) {
      log.info({ activity: activity.id?.href, actor: activity.actorId?.href }, "inbox: actor not allowed; ignored");
      return;
    }
    // A duplicate is stopped by processed_activities, in the transaction of the effects
    // (processOnce): no read before, one statement less for every activity that is new.
    const effects = await handler(ctx, activity);
    if (!effects) return;
    // raised in the transaction, published once it has committed
    const events = new HeldEvents();
    let processed: boolean;
    try {
      processed = await processOnce(services.db, activity.id, (tx) => effects({ ...services.domain, db: tx, events }));
    } catch (error) {
      // a rule of the domain said no (blocked, not visible, …): nothing to retry
      if (error instanceof DomainError) {
        log.info({ activity: activity.id?.href, err: error.message }, "inbox: activity refused by the domain");
        return;
      }
      throw error;
    }
    if (processed) events.flush(services.events);
    else log.debug({ activity: activity.id?.href }, "inbox: duplicate activity ignored");
  });
}

export function registerInboxListeners(setters: InboxListenerSetters<Services>): InboxListenerSetters<Services> {
  listen(setters, Follow, onFollow);
  listen(setters, Accept, onAccept);
  listen(setters, Reject, onReject);
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
