import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Temporal } from "@js-temporal/polyfill";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database, Db } from "../../server/db/open";
import { DbMessageQueue, pruneDeadLetters } from "../../federation/message-queue";
import { openTestDatabase, resetDatabase } from "../helpers/db";
import { reopenableDatabase } from "./support/db";
import { sleep, waitFor } from "../helpers/wait";

let database: Database;
const controllers: AbortController[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
}, 180_000);
afterAll(() => database?.close());
beforeEach(() => resetDatabase(database.db));
afterEach(() => {
  for (const c of controllers.splice(0)) c.abort();
});

/** Starts listening; returns the messages received so far (live array). */
function listen(queue: DbMessageQueue, handler?: (m: unknown) => Promise<void> | void) {
  const received: unknown[] = [];
  const controller = new AbortController();
  controllers.push(controller);
  const done = queue.listen(
    async (m) => {
      await handler?.(m);
      received.push(m);
    },
    { signal: controller.signal },
  );
  return { received, controller, done };
}

async function rowCount(db: Db): Promise<number> {
  const r = (await db.execute(sql`select count(*)::int as n from fedify_queue`)) as unknown as { rows: { n: number }[] };
  return Number(r.rows[0].n);
}

function queue(db: Db = database.db, options: ConstructorParameters<typeof DbMessageQueue>[1] = {}) {
  return new DbMessageQueue(db, { pollIntervalMs: 50, concurrency: 2, retryBaseMs: 50, ...options });
}

describe("DbMessageQueue", () => {
  it("delivers an enqueued message to the listener", async () => {
    const q = queue();
    const { received } = listen(q);
    await q.enqueue({ type: "outbox", n: 1 });
    await waitFor(() => received.length === 1);
    expect(received).toEqual([{ type: "outbox", n: 1 }]);
  });

  it("deletes a message once its handler succeeded", async () => {
    const q = queue();
    const { received } = listen(q);
    await q.enqueue({ n: 1 });
    await waitFor(() => received.length === 1);
    await sleep(100);
    expect(await rowCount(database.db)).toBe(0);
  });

  it("delivers every message of enqueueMany", async () => {
    const q = queue();
    const { received } = listen(q);
    await q.enqueueMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await waitFor(() => received.length === 3);
    expect(received).toHaveLength(3);
  });

  it("does not deliver a delayed message before its delay", async () => {
    const q = queue();
    const { received } = listen(q);
    const start = Date.now();
    await q.enqueue({ late: true }, { delay: Temporal.Duration.from({ milliseconds: 600 }) });
    await sleep(300);
    expect(received).toHaveLength(0);
    await waitFor(() => received.length === 1);
    expect(Date.now() - start).toBeGreaterThanOrEqual(550);
  });

  it("keeps messages of other queues for their own listeners", async () => {
    const outbox = queue(database.db, { queue: "outbox" });
    const inbox = queue(database.db, { queue: "inbox" });
    const { received } = listen(inbox);
    await outbox.enqueue({ for: "outbox" });
    await inbox.enqueue({ for: "inbox" });
    await waitFor(() => received.length === 1);
    await sleep(200);
    expect(received).toEqual([{ for: "inbox" }]);
  });

  it("handles messages with one ordering key one at a time, in order", async () => {
    const q = queue(database.db, { concurrency: 4 });
    let running = 0;
    let overlapped = false;
    const { received } = listen(q, async () => {
      running++;
      if (running > 1) overlapped = true;
      await sleep(40);
      running--;
    });
    await q.enqueue({ n: 1 }, { orderingKey: "note-1" });
    await q.enqueue({ n: 2 }, { orderingKey: "note-1" });
    await q.enqueue({ n: 3 }, { orderingKey: "note-1" });
    await waitFor(() => received.length === 3);
    expect({ overlapped, order: received.map((m) => (m as { n: number }).n) }).toEqual({ overlapped: false, order: [1, 2, 3] });
  });

  it("delivers again a message whose handler threw", async () => {
    const q = queue();
    let calls = 0;
    const { received } = listen(q, () => {
      calls++;
      if (calls === 1) throw new Error("remote down");
    });
    await q.enqueue({ n: 1 });
    await waitFor(() => received.length === 1);
    expect(calls).toBe(2);
  });

  it("delivers again, once its lease expires, a message claimed by a worker that died", async () => {
    const q = queue(database.db, { leaseMs: 60_000 });
    await q.enqueue({ orphan: true });
    // what a crashed worker leaves behind: the row leased for a while, never deleted
    await database.db.execute(sql`update fedify_queue set locked_until = now() + interval '400 milliseconds', attempts = 1`);
    const { received } = listen(q);
    await sleep(200);
    expect(received).toHaveLength(0);
    await waitFor(() => received.length === 1);
    expect(received).toEqual([{ orphan: true }]);
  });

  it("does not give a message being handled to a second worker", async () => {
    const q1 = queue(database.db, { leaseMs: 600 });
    const q2 = queue(database.db, { leaseMs: 600 });
    let calls = 0;
    const slow = async () => {
      calls++;
      await sleep(1_500); // longer than the lease: it must be renewed
    };
    const a = listen(q1, slow);
    const b = listen(q2, slow);
    await q1.enqueue({ once: true });
    await waitFor(() => a.received.length + b.received.length === 1);
    await sleep(200);
    expect(calls).toBe(1);
  });

  it("stops listening when the signal aborts", async () => {
    const q = queue();
    const { controller, done } = listen(q);
    controller.abort();
    await expect(done).resolves.toBeUndefined();
  });

  it("counts queued, ready and delayed messages", async () => {
    const q = queue();
    await q.enqueue({ now: 1 });
    await q.enqueue({ later: 1 }, { delay: Temporal.Duration.from({ minutes: 5 }) });
    expect(await q.getDepth()).toEqual({ queued: 2, ready: 1, delayed: 1 });
  });

  it("keeps listening while the database is unreachable and delivers once it is back", async () => {
    let down = false;
    const flaky = new Proxy(database.db, {
      get(target, prop, receiver) {
        if (prop === "execute") {
          return (...args: unknown[]) => {
            if (down) return Promise.reject(new Error("connection refused"));
            return (target.execute as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    }) as Db;
    const q = queue(flaky, { maxBackoffMs: 100 });
    down = true;
    const { received } = listen(q);
    await sleep(400);
    down = false;
    await q.enqueue({ afterOutage: true });
    await waitFor(() => received.length === 1);
    expect(received).toEqual([{ afterOutage: true }]);
  });
});

/** The database, counting the statements the queue sends (by what they start with). */
function countingDb(db: Db) {
  const dialect = new PgDialect();
  const statements: string[] = [];
  const counted = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === "execute") {
        return (query: SQL) => {
          statements.push(dialect.sqlToQuery(query).sql.replace(/\s+/g, " ").trim());
          return target.execute(query);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  }) as Db;
  const count = (start: string) => statements.filter((s) => s.startsWith(start)).length;
  return { db: counted, count };
}

describe("DbMessageQueue batches", () => {
  it("claims several due messages with one statement", async () => {
    const { db, count } = countingDb(database.db);
    const q = queue(db, { concurrency: 3, batchSize: 6 });
    await q.enqueueMany([1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    const { received } = listen(q);
    await waitFor(() => received.length === 6);
    expect(count("update fedify_queue set locked_until = now() + $1::double precision * interval '1 millisecond', attempts")).toBeLessThanOrEqual(2);
  });

  it("deletes messages handled at about the same time with one statement", async () => {
    const { db, count } = countingDb(database.db);
    const q = queue(db, { concurrency: 6, batchSize: 6, ackDelayMs: 50 });
    await q.enqueueMany([1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    const { received } = listen(q);
    await waitFor(() => received.length === 6);
    await waitFor(() => count("delete from fedify_queue") > 0);
    await sleep(200);
    expect({ rows: await rowCount(database.db), deletes: count("delete from fedify_queue") }).toEqual({ rows: 0, deletes: 1 });
  });

  it("enqueues made while an insert is in flight go in together, each in order", async () => {
    const { db, count } = countingDb(database.db);
    const q = queue(db, { concurrency: 1 });
    await Promise.all(Array.from({ length: 10 }, (_, n) => q.enqueue({ n })));
    expect(count("insert into fedify_queue")).toBeLessThanOrEqual(2);
    const { received } = listen(q);
    await waitFor(() => received.length === 10);
    expect(received).toEqual(Array.from({ length: 10 }, (_, n) => ({ n })));
  });

  it("a message the database refuses fails alone, not the others enqueued with it", async () => {
    const q = queue();
    // a delivery time a hundred million years away is beyond PostgreSQL's timestamps
    // (text is normalised before it is stored, so a NUL no longer makes a refused row)
    const outcomes = await Promise.allSettled([
      q.enqueue({ n: 1 }),
      q.enqueue({ bad: true }, { delay: Temporal.Duration.from({ hours: 1_000_000_000_000 }) }),
      q.enqueue({ n: 2 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await rowCount(database.db)).toBe(2);
  });

  it("handles every message of a batch even when there are more messages than workers", async () => {
    const q = queue(database.db, { concurrency: 2, batchSize: 8 });
    await q.enqueueMany(Array.from({ length: 20 }, (_, n) => ({ n })));
    const { received } = listen(q, async () => {
      await sleep(10);
    });
    await waitFor(() => received.length === 20);
    expect(received.map((m) => (m as { n: number }).n).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });

  it("gives back at once, when it stops, the messages it had claimed but not started", async () => {
    const q = queue(database.db, { concurrency: 1, batchSize: 5, leaseMs: 60_000 });
    await q.enqueueMany([1, 2, 3, 4, 5].map((n) => ({ n })));
    let started = false;
    let finish!: () => void;
    const first = listen(q, () => {
      started = true;
      return new Promise<void>((r) => (finish = r));
    });
    await waitFor(() => started);
    first.controller.abort();
    finish();
    await first.done;
    // the other four were leased for a minute: only a give-back makes them available now
    const second = listen(queue(database.db, { concurrency: 4, leaseMs: 60_000 }));
    await waitFor(() => second.received.length === 4, 2_000);
    expect(first.received.length + second.received.length).toBe(5);
  });
});

async function deadLetters(db: Db): Promise<{ queue: string; message: unknown; reason: string }[]> {
  const r = (await db.execute(sql`select queue, message, reason from fedify_dead_letters order by id`)) as unknown as {
    rows: { queue: string; message: unknown; reason: string }[];
  };
  return r.rows;
}

describe("DbMessageQueue poisoned messages", () => {
  it("dead-letters, without handling it again, a message whose workers died on it three times", async () => {
    const q = queue(database.db, { leaseMs: 60_000 });
    await q.enqueue({ poison: true });
    let calls = 0;
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    // three workers that never finish it; each time, what a dead one leaves behind: the lease run out
    for (let i = 0; i < 3; i++) {
      const { controller } = listen(q, () => {
        calls++;
        return hung;
      });
      await waitFor(() => calls === i + 1);
      controller.abort();
      await database.db.execute(sql`update fedify_queue set locked_until = now() - interval '1 millisecond'`);
    }
    const { controller, received } = listen(q);
    await sleep(400);
    controller.abort();
    const outcome = { calls, received, queued: await rowCount(database.db), dead: await deadLetters(database.db) };
    release();
    expect(outcome).toEqual({
      calls: 3,
      received: [],
      queued: 0,
      dead: [{ queue: "default", message: { poison: true }, reason: expect.stringContaining("abandoned 3 times") }],
    });
  });

  it("handles a message abandoned fewer times than the limit", async () => {
    const q = queue(database.db, { leaseMs: 60_000 });
    await q.enqueue({ survivor: true });
    await database.db.execute(sql`update fedify_queue set locked_until = now() - interval '1 second', attempts = 2, abandoned = 1`);
    const { received } = listen(q);
    await waitFor(() => received.length === 1);
    expect([received, await deadLetters(database.db)]).toEqual([[{ survivor: true }], []]);
  });

  it("dead-letters a message its queue does not admit, without handling it", async () => {
    const q = queue(database.db, { admit: (m) => ((m as { size?: number }).size! > 10 ? "too big" : null) });
    const { received } = listen(q);
    await q.enqueue({ size: 100 });
    await q.enqueue({ size: 1 });
    await waitFor(() => received.length === 1);
    await sleep(200);
    expect([received, await rowCount(database.db), (await deadLetters(database.db)).map((d) => [d.message, d.reason])]).toEqual([
      [{ size: 1 }],
      0,
      [[{ size: 100 }, "too big"]],
    ]);
  });

  it("dead-letters a message whose handler kept failing, with the error", async () => {
    const q = queue(database.db, { maxAttempts: 2 });
    const { received } = listen(q, () => {
      throw new Error("remote down");
    });
    await q.enqueue({ failing: true });
    await sleep(600);
    expect([received, await rowCount(database.db), (await deadLetters(database.db)).map((d) => d.reason)]).toEqual([
      [],
      0,
      [expect.stringContaining("remote down")],
    ]);
  });
});

describe("dead letter pruning", () => {
  it("deletes dead letters older than 30 days and keeps the others", async () => {
    await database.db.execute(sql`
      insert into fedify_dead_letters (id, queue, message, attempts, reason, enqueued_at, failed_at) values
        (1, 'inbox', '{}'::jsonb, 1, 'old', now() - interval '40 days', now() - interval '31 days'),
        (2, 'inbox', '{}'::jsonb, 1, 'recent', now() - interval '3 days', now() - interval '2 days')`);
    await pruneDeadLetters(database.db);
    expect((await deadLetters(database.db)).map((d) => d.reason)).toEqual(["recent"]);
  });
});

describe("DbMessageQueue across restarts", () => {
  it("delivers after the database was closed and opened again a message enqueued before", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parvis-mq-"));
    const store = await reopenableDatabase(join(dir, "pglite"));
    try {
      const first = await store.open();
      await queue(first.db).enqueue({ survived: true });
      await first.close();

      const second = await store.open();
      try {
        const { received } = listen(queue(second.db));
        await waitFor(() => received.length === 1);
        expect(received).toEqual([{ survived: true }]);
      } finally {
        for (const c of controllers.splice(0)) c.abort();
        await sleep(100);
        await second.close();
      }
    } finally {
      await store.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000); // opens and migrates a database twice
});
