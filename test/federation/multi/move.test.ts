// Moving an account between real Parvis instances on loopback: alice leaves
// A for a new account on B (which lists her among its aliases). Her followers
// on A (moved by A itself), on B and on a third instance C (each honouring
// the Move it receives) end up following the new account and no longer the
// old one; every instance shows the old account as moved.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../../../server/db/rows";
import {
  acctOf,
  api,
  ApiError,
  findRemote,
  follow,
  handleOf,
  relationship,
  resident,
  settle,
  usePeers,
  TEST_TIMEOUT,
  type ApiAccount,
  type Peer,
} from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;
let C: Peer;
usePeers(3, (peers) => ([A, B, C] = peers));

const PASSWORD = "correct horse battery";

async function movedTo(peer: Peer, uri: string): Promise<string | null> {
  const [row] = rowsOf<{ uri: string | null }>(
    await peer.services.db.execute(sql`select t.uri from accounts a left join accounts t on t.id = a.moved_to_account_id where a.uri = ${uri}`),
  );
  return row?.uri ?? null;
}

async function actorDocument(uri: string): Promise<Record<string, unknown>> {
  const res = await fetch(uri, { headers: { accept: "application/activity+json" } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe("a resident moves from A to B", { timeout: TEST_TIMEOUT * 2 }, () => {
  it("refused (422, nothing changed) while the new account does not list the old one", async () => {
    const alice = await resident(A, "alice");
    const target = await resident(B, "nouvelle");
    const err = await api(A, alice, "POST", "/api/parvis/account/move", { target_acct: acctOf(B, target), password: PASSWORD }).catch((e: ApiError) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(422);
    expect(await movedTo(A, alice.account.uri)).toBeNull();
    await settle([A, B]);
    expect(await movedTo(B, alice.account.uri)).toBeNull();
  });

  it("followers on A, B and C follow the new account; the old one shows moved everywhere", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(A, "bob");
    const carol = await resident(B, "carol");
    const dave = await resident(C, "dave");
    const newAlice = await resident(B, "alice");
    await api(A, bob, "POST", `/api/v1/accounts/${alice.account.id}/follow`);
    const aliceOnB = await follow(B, carol, A, alice);
    const aliceOnC = await follow(C, dave, A, alice);
    // A knows the new account from before it listed alice: the move must read it fresh
    await findRemote(A, alice, handleOf(B, newAlice));

    await api(B, newAlice, "POST", "/api/parvis/account/aliases", { acct: acctOf(A, alice) });
    // compacted JSON-LD: one alias is a single value
    expect([(await actorDocument(newAlice.account.uri)).alsoKnownAs].flat()).toEqual([alice.account.uri]);

    const moved = await api<ApiAccount & { moved?: ApiAccount }>(A, alice, "POST", "/api/parvis/account/move", { target_acct: acctOf(B, newAlice), password: PASSWORD });
    expect(moved.moved?.acct).toBe(acctOf(B, newAlice));
    expect((await actorDocument(alice.account.uri)).movedTo).toBe(newAlice.account.uri);

    // A moved its own follower: bob asked B to follow, B accepted
    const newOnA = await findRemote(A, bob, handleOf(B, newAlice));
    await waitFor(async () => (await relationship(A, bob, newOnA.id)).following);
    expect((await relationship(A, bob, alice.account.id)).following).toBe(false);
    // B honoured the Move: carol follows the new (local) account
    await waitFor(async () => (await relationship(B, carol, newAlice.account.id)).following);
    expect((await relationship(B, carol, aliceOnB)).following).toBe(false);
    // C honoured it too: dave follows the new account on B, B accepted
    const newOnC = await findRemote(C, dave, handleOf(B, newAlice));
    await waitFor(async () => (await relationship(C, dave, newOnC.id)).following);
    expect((await relationship(C, dave, aliceOnC)).following).toBe(false);

    // B sees its new resident's three followers; A sees alice's followers gone
    await waitFor(async () => (await api<ApiAccount[]>(B, null, "GET", `/api/v1/accounts/${newAlice.account.id}/followers`)).length === 3);
    const followers = await api<ApiAccount[]>(B, null, "GET", `/api/v1/accounts/${newAlice.account.id}/followers`);
    expect(followers.map((f) => f.acct).sort()).toEqual([acctOf(A, bob), carol.account.username, acctOf(C, dave)].sort());
    await waitFor(async () => (await api<ApiAccount[]>(A, null, "GET", `/api/v1/accounts/${alice.account.id}/followers`)).length === 0);

    // every instance shows the old account as moved
    expect(await movedTo(B, alice.account.uri)).toBe(newAlice.account.uri);
    expect(await movedTo(C, alice.account.uri)).toBe(newAlice.account.uri);
    const onC = await api<ApiAccount & { moved?: ApiAccount }>(C, dave, "GET", `/api/v1/accounts/${aliceOnC}`);
    expect(onC.moved?.acct).toBe(acctOf(B, newAlice));
  });
});
