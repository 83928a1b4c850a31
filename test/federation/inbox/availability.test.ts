// One request must not freeze the instance: bodies built to make parsing slow
// (deep chains of Announces, deeply nested arrays, huge numbers of values) are
// refused quickly, signed or not, with nothing stored, while /healthz keeps
// answering; and a queued message that would block or crash its worker is
// dead-lettered after a restart instead of taking the instance down again.
import { signRequest } from "@fedify/fedify";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../../server/db/open";
import { rowsOf } from "../../../server/db/rows";
import { findStatusByUri } from "../../../server/domain/statuses";
import { loadConfig } from "../../../server/config";
import { newId } from "../../../server/ids";
import { createInstance } from "../../../server/instance";
import { createLogger } from "../../../server/logger";
import { federationModule } from "../../../federation/module";
import { openTestDatabase } from "../../helpers/db";
import { createResident } from "../../helpers/factories";
import { FAST_FEDERATION, inboxIdle, startFederatedInstance, type FederatedInstance } from "../support/instance";
import { followRemote, startFakeRemote, type FakeActor, type FakeRemote, type Json } from "../support/fake-remote";
import { sleep, waitFor } from "../../helpers/wait";

const AS = "https://www.w3.org/ns/activitystreams";
const PUBLIC = `${AS}#Public`;

let database: Database;
let t: FederatedInstance;
let remote: FakeRemote;
let bob: FakeActor;
let n = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  t = await startFederatedInstance({ database, keepDatabase: true });
  remote = await startFakeRemote();
  bob = await remote.addActor("/users/bob");
  await warmUp();
});
afterAll(async () => {
  await remote?.close();
  await t?.stop();
  await database?.close();
});
beforeEach(() => t.reset());

const inbox = () => `${t.config.origin}/inbox`;

/** The first requests of a process load and compile code: measured times are about the requests after. */
async function warmUp(): Promise<void> {
  await (await fetch(`${t.url}/healthz`)).arrayBuffer();
  await (await remote.post(inbox(), announceChain(1), { unsigned: true })).arrayBuffer();
  await (await remote.post(inbox(), { actor: bob.id }, { rawBody: deepArrays(40) })).arrayBuffer();
}

/** An Announce of an Announce of … (`depth` of them) of a Note: 1,600 of them make 188 KB. */
function announceChain(depth: number): Json {
  let object: Json = { id: `${bob.id}/statuses/${++n}`, type: "Note", attributedTo: bob.id, content: "deep", to: [PUBLIC] };
  for (let i = 0; i < depth; i++) object = { id: `${bob.id}/announces/${n}/${i}`, type: "Announce", actor: bob.id, object };
  return { "@context": AS, ...object };
}

/** A Create whose object is arrays nested `depth` deep (raw JSON). */
function deepArrays(depth: number): string {
  return `{"@context":"${AS}","id":"${bob.id}/creates/${++n}","type":"Create","actor":"${bob.id}","object":${"[".repeat(depth)}${"]".repeat(depth)}}`;
}

/** A Create of a Note with `count` (empty) tags. */
function manyValues(count: number): Json {
  const id = `${bob.id}/statuses/${++n}`;
  const note = { id, type: "Note", attributedTo: bob.id, content: "many", to: [PUBLIC], tag: Array.from({ length: count }, () => ({})) };
  return { "@context": AS, id: `${id}/activity`, type: "Create", actor: bob.id, to: [PUBLIC], object: note };
}

async function queued(): Promise<number> {
  return Number(rowsOf<{ n: number }>(await t.services.db.execute(sql`select count(*)::int as n from fedify_queue`))[0].n);
}

async function stored(): Promise<{ statuses: number; processed: number; queued: number }> {
  const r = await t.services.db.execute(
    sql`select (select count(*)::int from statuses) as statuses, (select count(*)::int from received_activities) as processed`,
  );
  const row = rowsOf<{ statuses: number; processed: number }>(r)[0];
  return { statuses: Number(row.statuses), processed: Number(row.processed), queued: await queued() };
}

const NOTHING = { statuses: 0, processed: 0, queued: 0 };

/**
 * Runs `work` while asking /healthz every 100 ms; returns the slowest answer
 * (ms), counting one still pending at the end. The instance runs in this
 * process: a blocked event loop delays the answers.
 */
async function slowestHealthCheck<T>(work: () => Promise<T>): Promise<{ result: T; slowestMs: number }> {
  let slowestMs = 0;
  let running = true;
  const probe = (async () => {
    while (running) {
      const start = performance.now();
      const res = await fetch(`${t.url}/healthz`);
      await res.arrayBuffer();
      if (res.status !== 200) slowestMs = Infinity;
      slowestMs = Math.max(slowestMs, performance.now() - start);
      await sleep(100);
    }
  })();
  try {
    const result = await work();
    running = false;
    await probe;
    return { result, slowestMs };
  } finally {
    running = false;
    await probe;
  }
}

async function timed(send: () => Promise<Response>): Promise<{ status: number; ms: number }> {
  const start = performance.now();
  const res = await send();
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - start };
}

describe("bodies built to be slow to parse", () => {
  it("an unsigned chain of 1,600 Announces is refused with 401 at once, nothing stored, /healthz fast throughout", async () => {
    const body = announceChain(1_600);
    expect(JSON.stringify(body).length).toBeGreaterThan(180_000);
    const { result, slowestMs } = await slowestHealthCheck(() => timed(() => remote.post(inbox(), body, { unsigned: true })));
    expect({ status: result.status, quick: result.ms < 1_000, healthy: slowestMs < 1_000, stored: await stored() }).toEqual({
      status: 401,
      quick: true,
      healthy: true,
      stored: NOTHING,
    });
  });

  it("a signed chain of 1,400 Announces is refused with 400 at once, nothing stored, /healthz fast throughout", async () => {
    const { result, slowestMs } = await slowestHealthCheck(() => timed(() => remote.post(inbox(), announceChain(1_400))));
    await inboxIdle(t);
    expect({ status: result.status, quick: result.ms < 1_000, healthy: slowestMs < 1_000, stored: await stored() }).toEqual({
      status: 400,
      quick: true,
      healthy: true,
      stored: NOTHING,
    });
  });

  it("arrays nested 5,000 deep are refused with 400 when signed and 401 when not, never 500", async () => {
    const { result, slowestMs } = await slowestHealthCheck(async () => [
      await timed(() => remote.post(inbox(), { actor: bob.id }, { rawBody: deepArrays(5_000) })),
      await timed(() => remote.post(inbox(), { actor: bob.id }, { rawBody: deepArrays(5_000), unsigned: true })),
      await timed(() => remote.post(`${t.config.origin}/users/alice/inbox`, { actor: bob.id }, { rawBody: deepArrays(5_000) })),
    ]);
    expect({ statuses: result.map((r) => r.status), healthy: slowestMs < 1_000, stored: await stored() }).toEqual({
      statuses: [400, 401, 400],
      healthy: true,
      stored: NOTHING,
    });
  });

  it("a signed activity with 30,000 values is refused with 400, nothing stored", async () => {
    const { result, slowestMs } = await slowestHealthCheck(() => timed(() => remote.post(inbox(), manyValues(30_000))));
    expect({ status: result.status, quick: result.ms < 1_000, healthy: slowestMs < 1_000, stored: await stored() }).toEqual({
      status: 400,
      quick: true,
      healthy: true,
      stored: NOTHING,
    });
  });

  it("a signed body over 256 KiB is refused with 413 before it is parsed, nothing stored", async () => {
    const res = await timed(() => remote.post(inbox(), manyValues(100_000)));
    expect({ status: res.status, stored: await stored() }).toEqual({ status: 413, stored: NOTHING });
  });

  it("a signed body over 256 KiB sent without a declared length (chunked) is refused with 413, nothing stored", async () => {
    const body = JSON.stringify(manyValues(100_000));
    const signed = await signRequest(
      new Request(inbox(), { method: "POST", headers: { "content-type": "application/activity+json" }, body }),
      bob.privateKey,
      new URL(bob.keyId),
    );
    const headers = new Headers(signed.headers);
    headers.delete("content-length");
    const bytes = new TextEncoder().encode(body);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 16_384) controller.enqueue(bytes.slice(i, i + 16_384));
        controller.close();
      },
    });
    const res = await timed(() => fetch(inbox(), { method: "POST", headers, body: stream, duplex: "half" } as RequestInit));
    expect({ status: res.status, stored: await stored() }).toEqual({ status: 413, stored: NOTHING });
  });

  it("an unsigned body that is not JSON is refused with 401 (the signature comes first)", async () => {
    const res = await remote.post(inbox(), { actor: bob.id }, { rawBody: "{not json", unsigned: true });
    expect(res.status).toBe(401);
  });

  it("a signed activity with a chain of Announces within the limits is still accepted (202)", async () => {
    const res = await remote.post(inbox(), announceChain(10));
    await inboxIdle(t);
    expect(res.status).toBe(202);
  });

  it("a post with a hundred tags, within the limits, is stored", async () => {
    const alice = await createResident(t, "alice");
    await followRemote(t, alice, bob.id);
    const id = `${bob.id}/statuses/${++n}`;
    const tag = Array.from({ length: 100 }, (_, i) => ({ type: "Hashtag", href: `${remote.origin}/tags/t${i}`, name: `#t${i}` }));
    const note = { id, type: "Note", attributedTo: bob.id, content: "tagged", to: [PUBLIC], cc: [`${bob.id}/followers`], tag };
    const res = await remote.post(inbox(), { "@context": AS, id: `${id}/activity`, type: "Create", actor: bob.id, to: [PUBLIC], object: note });
    expect(res.status).toBe(202);
    expect(await waitFor(() => findStatusByUri(t.services.domain, id))).toBeTruthy();
  });
});

describe("a poisoned queue after a crash", () => {
  it("a restarted instance dead-letters a queued message too deep to parse and one that crashed its workers, and /healthz stays fast", async () => {
    const port = Number(new URL(t.url).port);
    await t.stop();
    // what a crash leaves behind: an inbox message (as Fedify queues it) too deep for the limits,
    // and one whose worker died three times (leased, lease run out)
    const message = (activity: Json) => ({
      type: "inbox",
      id: crypto.randomUUID(),
      baseUrl: t.config.origin,
      activity,
      identifier: null,
      attempt: 0,
      started: new Date().toISOString(),
      traceContext: {},
    });
    const deep = newId();
    const crashed = newId();
    await database.db.execute(sql`
      insert into fedify_queue (id, queue, message, attempts) values
        (${deep}, 'inbox', ${JSON.stringify(message(announceChain(1_400)))}::jsonb, 1)`);
    await database.db.execute(sql`
      insert into fedify_queue (id, queue, message, attempts, abandoned, locked_until) values
        (${crashed}, 'inbox', ${JSON.stringify(message(announceChain(3)))}::jsonb, 3, 2, now() - interval '1 second')`);

    t = await startFederatedInstance({ database, keepDatabase: true, port });
    const { slowestMs } = await slowestHealthCheck(async () => {
      const deadline = Date.now() + 10_000;
      while ((await queued()) > 0 && Date.now() < deadline) await sleep(100);
      await sleep(500);
    });
    const dead = rowsOf<{ id: string; reason: string }>(
      await database.db.execute(sql`select id::text as id, reason from fedify_dead_letters order by id`),
    );
    expect({ healthy: slowestMs < 1_000, queued: await queued(), dead }).toEqual({
      healthy: true,
      queued: 0,
      dead: [
        { id: deep, reason: "JSON nested deeper than 32 levels" },
        { id: crashed, reason: expect.stringContaining("abandoned 3 times") },
      ],
    });
  });
});

describe("start-up order", () => {
  it("queue workers start only once the server listens", async () => {
    const other = await openTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "parvis-order-"));
    const config = loadConfig({ PARVIS_DATA_DIR: dataDir, PARVIS_SECRET: "test-secret-test-secret-test-secret-0123456789", LOG_LEVEL: "silent" });
    const instance = await createInstance(config, { database: other, logger: createLogger("silent"), modules: [federationModule(FAST_FEDERATION)] });
    try {
      const id = newId();
      await other.db.execute(sql`insert into fedify_queue (id, queue, message) values (${id}, 'inbox', ${JSON.stringify({ activity: announceChain(40) })}::jsonb)`);
      const count = async (table: "fedify_queue" | "fedify_dead_letters") =>
        Number(rowsOf<{ n: number }>(await other.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0].n);
      await sleep(500);
      const beforeListening = await count("fedify_queue");
      await instance.listen(0, "127.0.0.1");
      const deadline = Date.now() + 10_000;
      while ((await count("fedify_dead_letters")) === 0 && Date.now() < deadline) await sleep(50);
      expect({ beforeListening, afterListening: await count("fedify_queue"), dead: await count("fedify_dead_letters") }).toEqual({
        beforeListening: 1,
        afterListening: 0,
        dead: 1,
      });
    } finally {
      await instance.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

