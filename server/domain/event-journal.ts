// The event journal: a domain write records the events it publishes in its own
// transaction, and a row goes once every subscriber has handled its event. If
// the process dies between the commit and the subscribers' work (queueing the
// Create of a post for the neighbouring communes, say), the event is published
// again later, by this process or another one: subscribers see it at least once.
import { eq, sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../db/open";
import { eventJournal } from "../db/schema";
import type { DomainEvents, EventName } from "../events";
import { newId } from "../ids";
import { rowsOf } from "../db/rows";
import type { DomainContext } from "./context";

/** Records an event to publish once the transaction has committed; `durable: false` publishes without a journal row. */
export type Recorder = <K extends EventName>(name: K, payload: DomainEvents[K], options?: { durable?: boolean }) => Promise<void>;

interface Recorded {
  name: EventName;
  payload: DomainEvents[EventName];
  journalId: string | undefined;
}

/**
 * Runs `write` in a transaction in which it records the events it publishes.
 * Returns its value and `publish`, which the caller invokes when the events
 * should go out (after notifications, for instance); nothing is published if
 * the transaction fails.
 */
export async function journaled<T>(
  ctx: DomainContext,
  write: (tx: DbOrTx, record: Recorder) => Promise<T>,
): Promise<{ value: T; publish: () => void }> {
  const recorded: Recorded[] = [];
  const run = async (tx: DbOrTx) => {
    const record: Recorder = async (name, payload, options = {}) => {
      let journalId: string | undefined;
      if (options.durable !== false) {
        journalId = newId();
        await tx.insert(eventJournal).values({ id: journalId, name, payload });
      }
      recorded.push({ name, payload, journalId });
    };
    return write(tx, record);
  };
  // inside a caller's transaction (an inbox activity's effects), no savepoint: a
  // failure rolls the whole of it back anyway, and it saves two statements
  const value = ctx.db instanceof PgTransaction ? await run(ctx.db) : await ctx.db.transaction(run);
  const publish = () => {
    for (const e of recorded.splice(0)) ctx.events.emit(e.name, e.payload as never, e.journalId);
  };
  return { value, publish };
}

/** The same, publishing as soon as the transaction has committed. */
export async function writeAndPublish<T>(ctx: DomainContext, write: (tx: DbOrTx, record: Recorder) => Promise<T>): Promise<T> {
  const { value, publish } = await journaled(ctx, write);
  publish();
  return value;
}

/** Every subscriber handled it: the row goes. */
export async function acknowledgeEvent(db: DbOrTx, journalId: string): Promise<void> {
  await db.delete(eventJournal).where(eq(eventJournal.id, journalId));
}

/** How old a row must be before another process may take it for lost (its publisher is slow, or dead). */
export const REPLAY_AFTER_MS = 60_000;
/** How long a replaying process holds the rows it took: a failing event is tried again this often. */
const CLAIM_MS = 5 * 60_000;
/** Replays before an event that keeps failing is given up (about an hour of tries). */
export const MAX_REPLAYS = 12;

export interface ReplayOutcome {
  /** events published again */
  published: number;
  /** events given up after MAX_REPLAYS, for the log */
  abandoned: { id: string; name: string }[];
}

/**
 * Publishes again, oldest first, the events whose subscribers never finished: rows
 * older than `olderThanMs`, claimed for a while so that two processes do not
 * replay the same one. A row replayed MAX_REPLAYS times is deleted instead.
 */
export async function replayJournal(ctx: DomainContext, olderThanMs = REPLAY_AFTER_MS, limit = 100): Promise<ReplayOutcome> {
  const abandonedRows = await ctx.db
    .delete(eventJournal)
    .where(sql`${eventJournal.replays} >= ${MAX_REPLAYS} and (${eventJournal.claimedUntil} is null or ${eventJournal.claimedUntil} < now())`)
    .returning({ id: eventJournal.id, name: eventJournal.name });
  const result = await ctx.db.execute(sql`update ${eventJournal}
    set claimed_until = now() + ${CLAIM_MS} * interval '1 millisecond', replays = replays + 1
    where id in (
      select id from ${eventJournal}
      where created_at < now() - ${olderThanMs} * interval '1 millisecond'
        and (claimed_until is null or claimed_until < now())
      order by id limit ${limit}
      for update skip locked)
    returning id::text as id, name, payload`);
  const rows = rowsOf<{ id: string; name: EventName; payload: DomainEvents[EventName] | string }>(result).sort((a, b) =>
    BigInt(a.id) < BigInt(b.id) ? -1 : 1,
  );
  for (const row of rows) {
    const payload = typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload;
    ctx.events.emit(row.name, payload as never, String(row.id));
  }
  return { published: rows.length, abandoned: abandonedRows };
}

/** Journal rows still waiting (admin view, tests). */
export async function pendingEvents(ctx: DomainContext, name?: EventName): Promise<{ id: string; name: string; payload: unknown }[]> {
  return ctx.db
    .select({ id: eventJournal.id, name: eventJournal.name, payload: eventJournal.payload })
    .from(eventJournal)
    .where(name ? eq(eventJournal.name, name) : undefined)
    .orderBy(eventJournal.id);
}
