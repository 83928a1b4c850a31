// A delivery queued is a delivery made: the outbox lives in the database, so
// an activity still queued when the sending instance stops goes out once an
// instance runs again on the same database.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../../server/db/open";
import { deliveryFailures, fedifyQueue } from "../../../server/db/schema";
import { follow } from "../../../server/domain/follows";
import { openTestDatabase } from "../../helpers/db";
import { createPost, createResident } from "../../helpers/factories";
import { startFakeRemote, type FakeRemote } from "../support/fake-remote";
import { waitFor } from "../../helpers/wait";
import { drainOutbox, startFederatedInstance, type FederatedInstance } from "../support/instance";

// long enough a retry window for a restart in between
const retry = { outbox: { initialDelayMs: 300, maxDelayMs: 1_000, maxAttempts: 30 } };

let database: Database | undefined;
let host: FakeRemote | undefined;
const running: FederatedInstance[] = [];

afterEach(async () => {
  for (const t of running.splice(0)) await t.stop();
  await host?.close();
  await database?.close();
  host = undefined;
  database = undefined;
});

async function outboxRows(t: FederatedInstance) {
  return t.services.db.select({ id: fedifyQueue.id }).from(fedifyQueue).where(eq(fedifyQueue.queue, "outbox"));
}

describe("deliveries across a restart of the sender", { timeout: 120_000 }, () => {
  it("a post whose delivery was failing when the instance stopped arrives after a new start on the same database", async () => {
    database = await openTestDatabase();
    host = await startFakeRemote({ deliveries: true });
    const first = await startFederatedInstance({ database, keepDatabase: true, federation: { retry } });
    running.push(first);
    const alice = await createResident(first, "alice");
    const bob = await host.account(first.services.domain, "bob");
    await follow(first.services.domain, bob, alice.account, { uri: `${bob.uri}#follows/1` });
    await drainOutbox(first);

    await host.down();
    await createPost(first, alice, "Written before the restart");
    const inbox = `${host.origin}/inbox`;
    await waitFor(() => first.services.db.select().from(deliveryFailures).where(eq(deliveryFailures.inboxUrl, inbox)), (r) => r.length > 0);
    const port = Number(new URL(first.url).port);
    running.splice(0);
    await first.stop();

    const second = await startFederatedInstance({ database, keepDatabase: true, port, federation: { retry } });
    running.push(second);
    expect((await outboxRows(second)).length).toBeGreaterThan(0);
    await host.up();
    const creates = await waitFor(
      () => host!.received("Create/Note").filter((p) => String(p.activity.object.content).includes("Written before the restart")),
      (p) => p.length === 1,
      20_000,
    );
    await drainOutbox(second);
    await waitFor(() => creates[0].verified, (v) => v !== undefined);
    expect([creates.length, creates[0].verified]).toEqual([1, true]);
  });

  it("an activity queued by a web-only process is delivered by the worker started later", async () => {
    database = await openTestDatabase();
    host = await startFakeRemote({ deliveries: true });
    const web = await startFederatedInstance({ database, keepDatabase: true, env: { PARVIS_PROCESS_ROLE: "web" }, federation: { retry } });
    running.push(web);
    const alice = await createResident(web, "alice");
    const bob = await host.account(web.services.domain, "bob");
    await follow(web.services.domain, bob, alice.account, { uri: `${bob.uri}#follows/1` });
    await createPost(web, alice, "Queued by the web process");
    await web.services.events.settle();
    const queued = (await outboxRows(web)).length;
    const port = Number(new URL(web.url).port);
    running.splice(0);
    await web.stop();

    const worker = await startFederatedInstance({ database, keepDatabase: true, port, federation: { retry } });
    running.push(worker);
    const creates = await waitFor(
      () => host!.received("Create/Note").filter((p) => String(p.activity.object.content).includes("Queued by the web process")),
      (p) => p.length === 1,
    );
    await drainOutbox(worker);
    expect([queued > 0, host.posts.length - host.received("Accept").length, creates.length]).toEqual([true, 1, 1]);
  });
});
