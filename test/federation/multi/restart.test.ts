// Durability: a delivery queued while the receiving instance is down is made
// once it is back (same database, same address), after the sender's retries.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryFailures } from "../../../server/db/schema";
import { pendingEvents } from "../../../server/domain/event-journal";
import { createStatus } from "../../../server/domain/statuses";
import { EventBus } from "../../../server/events";
import {
  follow,
  post,
  resident,
  startPeer,
  textOf,
  stopPeers,
  START_TIMEOUT,
  TEST_TIMEOUT,
  WAIT,
  waitForHomeStatus,
  type Peer,
} from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";

let A: Peer | undefined;
let B: Peer | undefined;

beforeAll(async () => {
  A = await startPeer({ name: "A", keepDatabase: true });
}, START_TIMEOUT);
afterAll(async () => {
  // A keeps its database across its restart: closed here, once
  const databaseOfA = A?.database;
  await stopPeers(A, B);
  await databaseOfA?.close();
}, START_TIMEOUT);

describe("delivery across a restart", { timeout: TEST_TIMEOUT }, () => {
  it("a post made while a follower's instance is down arrives after it restarts", async () => {
    if (!A) throw new Error("A is not running");
    B = await startPeer({ name: "B", keepDatabase: true });
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);

    // B goes down, keeping its database and its address
    const { database, port } = B;
    await B.stop();
    B = undefined;

    const original = await post(A!, alice, "Coupure d'eau demain matin");
    // A tried and failed at least once before B comes back
    await waitFor(
      async () => (await A!.services.db.select().from(deliveryFailures).where(eq(deliveryFailures.domain, `localhost:${port}`)))[0],
      WAIT,
      "a failed delivery to B recorded on A",
    );

    B = await startPeer({ name: "B", database, port });
    const seen = await waitForHomeStatus(B, bob, original.uri, 2 * WAIT);
    expect(textOf(seen.content)).toBe(textOf(original.content));
  });
});

describe("a crash between a post's commit and its delivery", { timeout: TEST_TIMEOUT }, () => {
  it("a post committed just before the process died reaches the follower after the restart", async () => {
    if (!A) throw new Error("A is not running");
    B ??= await startPeer({ name: "B" });
    const carol = await resident(A, "carol");
    const dave = await resident(B, "dave");
    await follow(B, dave, A, carol);

    const { database, port, config } = A;
    await A.stop();
    A = undefined;
    // the post is committed, then the process "dies": no subscriber ever hears of it
    const orphan = { db: database.db, events: new EventBus(), config };
    const status = await createStatus(orphan, carol.account, { text: "Le marché est déplacé place de l'Église" });
    expect((await pendingEvents(orphan, "status.created")).length).toBe(1);
    // the restart comes a while later
    await database.db.execute(sql`update event_journal set created_at = now() - interval '5 minutes'`);

    A = await startPeer({ name: "A", database, port, keepDatabase: true });
    const seen = await waitForHomeStatus(B, dave, status.uri, 2 * WAIT);
    expect(textOf(seen.content)).toBe("Le marché est déplacé place de l'Église");
    await waitFor(async () => (await pendingEvents(A!.services.domain)).length === 0, WAIT, "the journal emptied on A");
  });
});
