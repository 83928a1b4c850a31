// A resident blocking a follower who lives on another instance.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../../../server/db/rows";
import {
  api,
  findRemote,
  follow,
  handleOf,
  post,
  relationship,
  resident,
  settle,
  usePeers,
  TEST_TIMEOUT,
  WAIT,
  waitForHomeStatus,
  type ApiAccount,
  type Peer,
  type Resident,
} from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;

usePeers(2, (peers) => ([A, B] = peers));

async function stored(peer: Peer, uri: string): Promise<boolean> {
  const result = await peer.services.db.execute(sql`select count(*)::int as n from statuses where uri = ${uri}`);
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0) > 0;
}

/** bob (B) follows alice (A), then alice blocks bob; returns once A shows the block. */
async function blockedFollower(): Promise<{ alice: Resident; bob: Resident; aliceOnB: string; bobOnA: string }> {
  const alice = await resident(A, "alice");
  const bob = await resident(B, "bob");
  const aliceOnB = await follow(B, bob, A, alice);
  const bobOnA = (await findRemote(A, alice, handleOf(B, bob))).id;
  await waitFor(async () => (await relationship(A, alice, bobOnA)).followed_by, WAIT, "the follow on A");
  await api(A, alice, "POST", `/api/v1/accounts/${bobOnA}/block`);
  return { alice, bob, aliceOnB, bobOnA };
}

describe("blocking a remote follower", { timeout: TEST_TIMEOUT }, () => {
  it("the blocked remote follower is removed from the followers on the blocker's instance", async () => {
    const { alice } = await blockedFollower();
    const followers = await api<ApiAccount[]>(A, alice, "GET", `/api/v1/accounts/${alice.account.id}/followers`);
    expect(followers).toEqual([]);
  });

  it("the blocked remote follower no longer follows on their own instance", async () => {
    const { bob, aliceOnB } = await blockedFollower();
    const rel = await waitFor(
      async () => {
        const r = await relationship(B, bob, aliceOnB);
        return r.following ? null : r;
      },
      WAIT,
      "the Block reaching B",
    );
    expect(rel.following).toBe(false);
  });

  it("the blocked remote follower no longer receives posts", async () => {
    const { alice, bob, aliceOnB } = await blockedFollower();
    await waitFor(async () => !(await relationship(B, bob, aliceOnB)).following, WAIT, "the Block reaching B");
    // a witness on B who still follows alice: once her post reached B, nothing more is coming
    const carol = await resident(B, "carol");
    await follow(B, carol, A, alice);
    const after = await post(A, alice, "Après le blocage");
    await waitForHomeStatus(B, carol, after.uri);
    await settle([A, B]);
    const home = await api<{ uri: string }[]>(B, bob, "GET", "/api/v1/timelines/home");
    expect(home.some((s) => s.uri === after.uri)).toBe(false);
  });

  it("the blocked remote account's instance receives no followers-only post", async () => {
    const { alice } = await blockedFollower();
    const after = await post(A, alice, "Abonnés seulement, après le blocage", { visibility: "private" });
    await settle([A, B]);
    expect(await stored(B, after.uri)).toBe(false);
  });

  it("a follow from a remote account that is blocked is refused", async () => {
    const { bob, aliceOnB } = await blockedFollower();
    await waitFor(async () => !(await relationship(B, bob, aliceOnB)).following, WAIT, "the Block reaching B");
    await api(B, bob, "POST", `/api/v1/accounts/${aliceOnB}/follow`).catch(() => undefined);
    await settle([A, B]);
    const rel = await relationship(B, bob, aliceOnB);
    expect(rel.following).toBe(false);
  });
});
