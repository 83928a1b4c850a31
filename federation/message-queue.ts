// Fedify's message queue on our own database (table fedify_queue).
//
// At-least-once: a listener claims rows by setting a lease (locked_until) under
// FOR UPDATE SKIP LOCKED — a batch at a time, handed to its workers — and
// deletes a row only after its handler succeeded (acknowledgements that come
// together are deleted together). One timer renews the leases of every row the
// listener holds. A process that dies mid-message leaves the leases to expire,
// and the messages are claimed again; one that stops gives back the rows it
// had claimed but not started. The listener never gives up: when the database goes away it
// logs, backs off and tries again.
//
// A message must not take the instance down for ever. A lease cannot be renewed
// while a handler blocks the event loop, and a crash leaves it to expire: each
// claim that finds a message in that state counts it (column `abandoned`), and
// a message abandoned `maxAbandoned` times is moved to fedify_dead_letters
// instead of being handled again — so a message that crashes or blocks its
// worker costs a few restarts at most, not every restart. Dead letters also
// take messages whose handler kept failing, and those `admit` refuses.
import { EventEmitter } from "node:events";
import type {
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from "@fedify/fedify";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../server/db/open";
import { newId } from "../server/ids";
import { jsonForJsonb } from "../server/unicode";
import type { Logger } from "../server/logger";
import { durationMs } from "./kv-store";

export interface DbMessageQueueOptions {
  /** queue name (column `queue`), so inbox, outbox and fanout can be listened to apart */
  queue?: string;
  /** how long a claimed message stays invisible to other workers; renewed while the handler runs */
  leaseMs?: number;
  /** how often an idle listener looks for due messages */
  pollIntervalMs?: number;
  /** messages handled at the same time by one listener */
  concurrency?: number;
  /** most messages one claim takes (default: `concurrency`); a listener holds at most about this many unhandled */
  batchSize?: number;
  /** how long a handled message may wait to be deleted together with others (default 10 ms) */
  ackDelayMs?: number;
  /** a handler that throws is retried this many times (with backoff) before the message is dead-lettered */
  maxAttempts?: number;
  /** a message found abandoned (leased by a worker that died or blocked) this many times is dead-lettered, not handled again */
  maxAbandoned?: number;
  /** checked before a message is handled: a reason to dead-letter it unhandled, or null */
  admit?: (message: unknown) => string | null;
  /** longest pause after repeated database errors */
  maxBackoffMs?: number;
  /** first pause before a failed handler's message is tried again (doubles each time) */
  retryBaseMs?: number;
  logger?: Pick<Logger, "warn" | "error" | "info">;
}

interface ClaimedRow {
  id: string;
  message: unknown;
  attempts: number;
  abandoned: number;
}

/** What the workers of one listen() share. */
interface ListenState {
  /** claimed, not yet handled, oldest first */
  buffer: ClaimedRow[];
  /** every message this listener has leased and not yet acknowledged or released (their leases are renewed) */
  held: Set<string>;
  refill: Promise<boolean> | null;
  /** consecutive failed claims */
  failures: number;
  /** handled, to delete */
  acks: string[];
  flushing: Promise<void> | null;
}

/** A message on its way into the table. */
interface PendingRow {
  id: string;
  message: string;
  orderingKey: string | null;
  delayMs: number;
}

/** Ids (digits only: bigints read as text) as one bigint[] parameter. */
function idArray(ids: Iterable<string>): string {
  return `{${[...ids].join(",")}}`;
}

/** Wakes listeners in this process as soon as something is enqueued (others poll). */
const localWakeups = new EventEmitter();
localWakeups.setMaxListeners(0);

export class DbMessageQueue implements MessageQueue {
  /** Fedify keeps its own retry policies; we only retry handlers that throw. */
  readonly nativeRetrial = false;
  readonly queue: string;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly ackDelayMs: number;
  private readonly maxAttempts: number;
  private readonly maxAbandoned: number;
  private readonly admit: DbMessageQueueOptions["admit"];
  private readonly maxBackoffMs: number;
  private readonly retryBaseMs: number;
  private readonly logger: DbMessageQueueOptions["logger"];
  private readonly pendingInserts: { rows: PendingRow[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private inserting = false;

  private readonly db: Db;

  constructor(db: Db, options: DbMessageQueueOptions = {}) {
    this.db = db;
    this.queue = options.queue ?? "default";
    // renewed every third of it while a handler runs: short, so a crashed process's messages come back soon
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.batchSize = Math.max(1, options.batchSize ?? this.concurrency);
    this.ackDelayMs = Math.max(0, options.ackDelayMs ?? 10);
    this.maxAttempts = options.maxAttempts ?? 10;
    this.maxAbandoned = Math.max(1, options.maxAbandoned ?? DEFAULT_MAX_ABANDONED);
    this.admit = options.admit;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.logger = options.logger;
  }

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    if (messages.length === 0) return;
    const delayMs = options?.delay ? durationMs(options.delay) : 0;
    const orderingKey = options?.orderingKey ?? null;
    // ids increase with enqueue order, which is what ordering keys rely on
    // a remote text's lone surrogate would make the jsonb insert fail: U+FFFD instead
    const rows = messages.map((m) => ({ id: newId(), message: jsonForJsonb(m), orderingKey, delayMs }));
    await this.insertGrouped(rows);
    localWakeups.emit(this.queue);
  }

  /**
   * Group insert: while one insert is in flight, the enqueues that arrive wait
   * and then go in together, in one statement (and one commit). Nothing waits when
   * nothing is in flight; under load — many inbox POSTs at once — it saves a round
   * trip and a WAL flush per message. Each caller still returns only once its rows
   * are committed. Batches are inserted one after the other, so ids stay in order.
   */
  private insertGrouped(rows: PendingRow[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingInserts.push({ rows, resolve, reject });
      if (!this.inserting) this.flushInserts();
    });
  }

  private flushInserts(): void {
    const batch = this.pendingInserts.splice(0);
    if (batch.length === 0) {
      this.inserting = false;
      return;
    }
    this.inserting = true;
    void this.insertRows(batch.flatMap((b) => b.rows))
      .then(
        () => batch.forEach((b) => b.resolve()),
        async (error) => {
          if (batch.length === 1) return batch[0].reject(error);
          // one bad message must not fail the others that shared its statement
          for (const b of batch) await this.insertRows(b.rows).then(b.resolve, b.reject);
        },
      )
      .finally(() => this.flushInserts());
  }

  private async insertRows(rows: PendingRow[]): Promise<void> {
    const values = rows.map(
      (r) => sql`(${r.id}, ${this.queue}, ${r.message}::jsonb, ${r.orderingKey}, now() + ${r.delayMs}::double precision * interval '1 millisecond')`,
    );
    await this.db.execute(sql`insert into fedify_queue (id, queue, message, ordering_key, deliver_after) values ${sql.join(values, sql`, `)}`);
  }

  async getDepth(): Promise<MessageQueueDepth> {
    const rows = await this.query<{ queued: number; ready: number }>(sql`
      select count(*)::int as queued, (count(*) filter (where deliver_after <= now()))::int as ready
      from fedify_queue
      where queue = ${this.queue} and (locked_until is null or locked_until < now())`);
    const { queued, ready } = rows[0] ?? { queued: 0, ready: 0 };
    return { queued: Number(queued), ready: Number(ready), delayed: Number(queued) - Number(ready) };
  }

  /**
   * Runs `concurrency` workers fed from a small buffer of claimed messages:
   * one query claims up to `batchSize` due messages, one timer renews the
   * leases of all the messages this listener holds, and acknowledgements are
   * deleted together — a few statements per batch rather than per message.
   */
  async listen(handler: (message: any) => Promise<void> | void, options: MessageQueueListenOptions = {}): Promise<void> {
    const signal = options.signal;
    const state: ListenState = { buffer: [], held: new Set(), refill: null, failures: 0, acks: [], flushing: null };
    const renew = setInterval(() => {
      if (state.held.size === 0) return;
      this.db
        .execute(sql`update fedify_queue set locked_until = now() + ${this.leaseMs}::double precision * interval '1 millisecond' where id = any(${idArray(state.held)}::bigint[])`)
        .catch(() => {});
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    try {
      const workers = Array.from({ length: this.concurrency }, () => this.work(handler, signal, state));
      await Promise.all(workers);
    } finally {
      clearInterval(renew);
      await state.flushing;
      await this.giveBack(state);
    }
  }

  /** One worker: take a claimed message (claiming more when the buffer runs low), handle, acknowledge; sleep when idle. */
  private async work(handler: (message: any) => Promise<void> | void, signal: AbortSignal | undefined, state: ListenState): Promise<void> {
    while (!signal?.aborted) {
      let row = state.buffer.shift();
      if (!row) {
        const ok = await this.refill(state);
        row = state.buffer.shift();
        if (!row) {
          if (ok) await sleep(this.pollIntervalMs, signal, this.queue);
          else await sleep(Math.min(this.maxBackoffMs, 200 * 2 ** Math.min(state.failures, 10)), signal, this.queue);
          continue;
        }
      }
      // claim the next batch while this one is handled
      if (state.buffer.length < Math.ceil(this.batchSize / 2)) void this.refill(state);
      await this.handle(row, handler, state);
    }
  }

  /** Claims a batch into the buffer (one claim at a time per listener). False when the database failed. */
  private refill(state: ListenState): Promise<boolean> {
    state.refill ??= (async () => {
      await null; // asynchronous from here: the assignment above happens before the reset below
      try {
        return await this.claimInto(state);
      } finally {
        state.refill = null;
      }
    })();
    return state.refill;
  }

  private async claimInto(state: ListenState): Promise<boolean> {
    try {
      const room = this.batchSize - state.buffer.length;
      if (room <= 0) return true;
      const rows = (await this.claim(room)).sort(byId);
      if (state.failures > 0) this.logger?.info({ queue: this.queue }, "message queue: database reachable again");
      state.failures = 0;
      for (const row of rows) {
        state.held.add(row.id);
        state.buffer.push(row);
      }
      // idle workers of this process wake up to take them
      if (rows.length > 1) localWakeups.emit(this.queue);
      return true;
    } catch (error) {
      state.failures++;
      if (state.failures === 1 || state.failures % 10 === 0) {
        this.logger?.warn({ err: error, queue: this.queue, failures: state.failures }, "message queue: cannot claim messages; retrying");
      }
      return false;
    }
  }

  private async handle(row: ClaimedRow, handler: (message: any) => Promise<void> | void, state: ListenState): Promise<void> {
    const refusal =
      row.abandoned >= this.maxAbandoned
        ? `abandoned ${row.abandoned} times by its worker (crashed or blocked while handling it)`
        : this.admitted(row.message);
    if (refusal) {
      await this.deadLetter(row, refusal);
      state.held.delete(row.id);
      return;
    }
    try {
      await handler(row.message);
    } catch (error) {
      await this.release(row, error);
      state.held.delete(row.id);
      return;
    }
    this.acknowledge(row.id, state);
  }

  /**
   * Deletes handled messages: those acknowledged within `ackDelayMs` of each
   * other (or meanwhile) together, in one statement. Until then the lease keeps
   * them from other workers; a crash in between only means handling them again.
   */
  private acknowledge(id: string, state: ListenState): void {
    state.acks.push(id);
    state.flushing ??= (async () => {
      await null; // asynchronous from here: the assignment above happens before the reset below
      try {
        if (state.acks.length < this.batchSize) await delay(this.ackDelayMs);
        while (state.acks.length > 0) {
          const ids = state.acks.splice(0);
          try {
            await this.db.execute(sql`delete from fedify_queue where id = any(${idArray(ids)}::bigint[])`);
          } catch (error) {
            // The leases will expire and the messages will be handled again: receivers are idempotent.
            this.logger?.warn({ err: error, queue: this.queue, count: ids.length }, "message queue: could not acknowledge handled messages");
          }
          for (const done of ids) state.held.delete(done);
        }
      } finally {
        // in the same turn as the last look at `acks`: no acknowledgement is left waiting for a flush that has ended
        state.flushing = null;
      }
    })();
  }

  /** On stop: claimed messages not yet handled become available again at once (not after their lease). */
  private async giveBack(state: ListenState): Promise<void> {
    await state.refill;
    const unhandled = state.buffer.splice(0);
    if (unhandled.length === 0) return;
    for (const row of unhandled) state.held.delete(row.id);
    await this.db
      .execute(sql`update fedify_queue set locked_until = null, attempts = greatest(attempts - 1, 0) where id = any(${idArray(unhandled.map((r) => r.id))}::bigint[])`)
      .catch(() => {
        // left leased: they come back when the lease expires
      });
  }

  private admitted(message: unknown): string | null {
    try {
      return this.admit?.(message) ?? null;
    } catch (error) {
      return `not admitted: ${(error as Error)?.message ?? String(error)}`;
    }
  }

  /**
   * Moves a claimed message to fedify_dead_letters, with why: it is never
   * claimed again. Left leased when the database fails: it comes back after
   * its lease, and the same check moves it then.
   */
  private async deadLetter(row: ClaimedRow, reason: string): Promise<void> {
    this.logger?.error({ queue: this.queue, id: row.id, attempts: row.attempts, reason }, "message queue: message given up and dead-lettered");
    try {
      await this.db.execute(sql`
        with moved as (delete from fedify_queue where id = ${row.id} returning id, queue, message, attempts, created_at)
        insert into fedify_dead_letters (id, queue, message, attempts, reason, enqueued_at)
        select id, queue, message, attempts, ${reason.slice(0, 1000)}, created_at from moved
        on conflict (id) do nothing`);
    } catch (error) {
      this.logger?.warn({ err: error, queue: this.queue, id: row.id }, "message queue: could not dead-letter a message");
    }
  }

  /** A handler failed: make the message due again later, or dead-letter it once it failed too often. */
  private async release(row: ClaimedRow, error: unknown): Promise<void> {
    try {
      if (row.attempts >= this.maxAttempts) {
        await this.deadLetter(row, `handler failed ${row.attempts} times: ${(error as Error)?.message ?? String(error)}`);
        return;
      }
      this.logger?.warn({ err: error, queue: this.queue, attempts: row.attempts }, "message queue: handler failed; will retry");
      const delayMs = Math.min(60 * 60_000, this.retryBaseMs * 2 ** (row.attempts - 1));
      await this.db.execute(sql`
        update fedify_queue
        set locked_until = null, deliver_after = now() + ${delayMs}::double precision * interval '1 millisecond'
        where id = ${row.id}`);
    } catch (releaseError) {
      // Left leased: it comes back when the lease expires.
      this.logger?.warn({ err: releaseError, queue: this.queue }, "message queue: could not release a failed message");
    }
  }

  /**
   * Takes up to `limit` of the oldest due messages whose lease (if any) has
   * expired. A message with an ordering key waits while an older message with
   * the same key exists: that one is being handled or is due first.
   */
  private async claim(limit: number): Promise<ClaimedRow[]> {
    return this.query<ClaimedRow>(sql`
      update fedify_queue
      set locked_until = now() + ${this.leaseMs}::double precision * interval '1 millisecond', attempts = attempts + 1,
        -- still leased (its lease expired): the worker that claimed it last never finished it
        abandoned = abandoned + (case when locked_until is not null then 1 else 0 end)
      where id in (
        select q.id from fedify_queue q
        where q.queue = ${this.queue}
          and q.deliver_after <= now()
          and (q.locked_until is null or q.locked_until < now())
          and (q.ordering_key is null or not exists (
            select 1 from fedify_queue o
            where o.queue = q.queue and o.ordering_key = q.ordering_key and o.id < q.id))
        order by q.deliver_after, q.id
        limit ${limit}::int
        for update skip locked)
      returning id::text as id, message, attempts, abandoned`);
  }

  private async query<T>(query: SQL): Promise<T[]> {
    const result = (await this.db.execute(query)) as unknown as { rows: T[] };
    return result.rows;
  }
}

/** A message that crashed or blocked its worker this many times is not handled again. */
export const DEFAULT_MAX_ABANDONED = 3;

/** How long dead letters are kept. */
export const DEAD_LETTER_RETENTION_MS = 30 * 24 * 3600_000;

/** Deletes dead letters older than the retention (the hourly pruning of federation/module.ts). */
export async function pruneDeadLetters(db: Db, retentionMs = DEAD_LETTER_RETENTION_MS): Promise<void> {
  await db.execute(sql`delete from fedify_dead_letters where failed_at < now() - ${retentionMs}::double precision * interval '1 millisecond'`);
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Enqueue order: ids increase with it. */
function byId(a: ClaimedRow, b: ClaimedRow): number {
  return a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Sleeps, waking early on abort or when something is enqueued in this process. */
function sleep(ms: number, signal: AbortSignal | undefined, queue: string): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      localWakeups.off(queue, done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    localWakeups.once(queue, done);
  });
}
