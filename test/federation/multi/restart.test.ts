// Durability: a delivery queued while the receiving instance is down is made
// once it is back (same database, same address), after the sender's retries.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryFailures } from "../../../server/db/schema";
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
  waitFor,
  waitForHomeStatus,
  type Peer,
} from "../../helpers/federation";

let A: Peer;
let B: Peer | undefined;

beforeAll(async () => {
  A = await startPeer({ name: "A" });
}, START_TIMEOUT);
afterAll(() => stopPeers(A, B), START_TIMEOUT);

describe("delivery across a restart", { timeout: TEST_TIMEOUT }, () => {
  it("a post made while a follower's instance is down arrives after it restarts", async () => {
    B = await startPeer({ name: "B", keepDatabase: true });
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);

    // B goes down, keeping its database and its address
    const { database, port } = B;
    await B.stop();
    B = undefined;

    const original = await post(A, alice, "Coupure d'eau demain matin");
    // A tried and failed at least once before B comes back
    await waitFor(
      async () => (await A.services.db.select().from(deliveryFailures).where(eq(deliveryFailures.domain, `localhost:${port}`)))[0],
      WAIT,
      "a failed delivery to B recorded on A",
    );

    B = await startPeer({ name: "B", database, port });
    const seen = await waitForHomeStatus(B, bob, original.uri, 2 * WAIT);
    expect(textOf(seen.content)).toBe(textOf(original.content));
  });
});
