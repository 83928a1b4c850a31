// Fedify's message queue on our own database (table fedify_queue).
//
// At-least-once: a worker claims a row by setting a lease (locked_until) under
// FOR UPDATE SKIP LOCKED, and deletes it only after the handler succeeded. A
// process that dies mid-message leaves the lease to expire, and the message is
// claimed again. The listener never gives up: when the database goes away it
// logs, backs off and tries again.
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
  /** a handler that throws is retried this many times (with backoff) before the message is dropped */
  maxAttempts?: number;
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
  private readonly maxAttempts: number;
  private readonly maxBackoffMs: number;
  private readonly retryBaseMs: number;
  private readonly logger: DbMessageQueueOptions["logger"];

  constructor(
    private readonly db: Db,
    options: DbMessageQueueOptions = {},
  ) {
    this.queue = options.queue ?? "default";
    // renewed every third of it while a handler runs: short, so a crashed process's messages come back soon
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.maxAttempts = options.maxAttempts ?? 10;
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
    const values = messages.map(
      (m) =>
        sql`(${newId()}, ${this.queue}, ${JSON.stringify(m)}::jsonb, ${orderingKey}, now() + ${delayMs}::double precision * interval '1 millisecond')`,
    );
    await this.db.execute(
      sql`insert into fedify_queue (id, queue, message, ordering_key, deliver_after) values ${sql.join(values, sql`, `)}`,
    );
    localWakeups.emit(this.queue);
  }

  async getDepth(): Promise<MessageQueueDepth> {
    const rows = await this.query<{ queued: number; ready: number }>(sql`
      select count(*)::int as queued, (count(*) filter (where deliver_after <= now()))::int as ready
      from fedify_queue
      where queue = ${this.queue} and (locked_until is null or locked_until < now())`);
    const { queued, ready } = rows[0] ?? { queued: 0, ready: 0 };
    return { queued: Number(queued), ready: Number(ready), delayed: Number(queued) - Number(ready) };
  }

  async listen(handler: (message: any) => Promise<void> | void, options: MessageQueueListenOptions = {}): Promise<void> {
    const signal = options.signal;
    const workers = Array.from({ length: this.concurrency }, () => this.work(handler, signal));
    await Promise.all(workers);
  }

  /** One worker: claim, handle, acknowledge; sleep when idle; back off when the database fails. */
  private async work(handler: (message: any) => Promise<void> | void, signal: AbortSignal | undefined): Promise<void> {
    let failures = 0;
    while (!signal?.aborted) {
      let row: ClaimedRow | undefined;
      try {
        row = await this.claim();
        if (failures > 0) this.logger?.info({ queue: this.queue }, "message queue: database reachable again");
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 10 === 0) {
          this.logger?.warn({ err: error, queue: this.queue, failures }, "message queue: cannot claim messages; retrying");
        }
        await sleep(Math.min(this.maxBackoffMs, 200 * 2 ** Math.min(failures, 10)), signal, this.queue);
        continue;
      }
      if (!row) {
        await sleep(this.pollIntervalMs, signal, this.queue);
        continue;
      }
      await this.handle(row, handler);
    }
  }

  private async handle(row: ClaimedRow, handler: (message: any) => Promise<void> | void): Promise<void> {
    // Keep the lease while a slow handler runs, so no other worker takes the message.
    const renew = setInterval(() => {
      this.db
        .execute(sql`update fedify_queue set locked_until = now() + ${this.leaseMs}::double precision * interval '1 millisecond' where id = ${row.id}`)
        .catch(() => {});
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    try {
      await handler(row.message);
    } catch (error) {
      clearInterval(renew);
      await this.release(row, error);
      return;
    }
    clearInterval(renew);
    try {
      await this.db.execute(sql`delete from fedify_queue where id = ${row.id}`);
    } catch (error) {
      // The lease will expire and the message will be handled again: receivers are idempotent.
      this.logger?.warn({ err: error, queue: this.queue }, "message queue: could not acknowledge a handled message");
    }
  }

  /** A handler failed: make the message due again later, or drop it once it failed too often. */
  private async release(row: ClaimedRow, error: unknown): Promise<void> {
    try {
      if (row.attempts >= this.maxAttempts) {
        this.logger?.error({ err: error, queue: this.queue, message: row.message }, "message queue: handler keeps failing; message dropped");
        await this.db.execute(sql`delete from fedify_queue where id = ${row.id}`);
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
   * Takes the oldest due message whose lease (if any) has expired. A message
   * with an ordering key waits while an older message with the same key
   * exists: that one is being handled or is due first.
   */
  private async claim(): Promise<ClaimedRow | undefined> {
    const rows = await this.query<ClaimedRow>(sql`
      update fedify_queue
      set locked_until = now() + ${this.leaseMs}::double precision * interval '1 millisecond', attempts = attempts + 1
      where id = (
        select q.id from fedify_queue q
        where q.queue = ${this.queue}
          and q.deliver_after <= now()
          and (q.locked_until is null or q.locked_until < now())
          and (q.ordering_key is null or not exists (
            select 1 from fedify_queue o
            where o.queue = q.queue and o.ordering_key = q.ordering_key and o.id < q.id))
        order by q.deliver_after, q.id
        limit 1
        for update skip locked)
      returning id::text as id, message, attempts`);
    return rows[0];
  }

  private async query<T>(query: SQL): Promise<T[]> {
    const result = (await this.db.execute(query)) as unknown as { rows: T[] };
    return result.rows;
  }
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
