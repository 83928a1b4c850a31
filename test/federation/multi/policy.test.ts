// Who may talk to whom: an instance in allowlist mode federates only with the
// listed domains; in open mode with everyone but blocked domains. Refused
// domains neither get our posts nor get theirs accepted.
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { invalidateDomainPolicyCache, removeDomainPolicy } from "../../../server/domain/domains";
import { setSetting } from "../../../server/domain/instance";
import { rowsOf } from "../../../server/db/rows";
import {
  allowOnly,
  api,
  blockDomain,
  findRemote,
  follow,
  handleOf,
  post,
  relationship,
  resident,
  settle,
  usePeers,
  TEST_TIMEOUT,
  waitForHomeStatus,
  type ApiAccount,
  type Peer,
} from "../../helpers/federation";

let A: Peer;
let B: Peer;
let C: Peer;

usePeers(3, (peers) => ([A, B, C] = peers));
afterEach(async () => {
  const ctx = A.services.domain;
  for (const other of [B, C]) await removeDomainPolicy(ctx, other.domain);
  await setSetting(ctx, "federation_mode", "open");
  invalidateDomainPolicyCache(ctx);
});

async function stored(peer: Peer, uri: string): Promise<boolean> {
  const result = await peer.services.db.execute(sql`select count(*)::int as n from statuses where uri = ${uri}`);
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0) > 0;
}

async function followerAccts(peer: Peer, who: Parameters<typeof api>[1] & object): Promise<string[]> {
  const list = await api<ApiAccount[]>(peer, who, "GET", `/api/v1/accounts/${who.account.id}/followers`);
  return list.map((a) => a.acct);
}

describe("allowlist mode", { timeout: TEST_TIMEOUT }, () => {
  it("a follow from an instance that is not on the allowlist is refused", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const aliceOnB = await findRemote(B, bob, handleOf(A, alice));
    await allowOnly(A, C);
    await api(B, bob, "POST", `/api/v1/accounts/${aliceOnB.id}/follow`);
    await settle([A, B, C]);
    const rel = await relationship(B, bob, aliceOnB.id);
    expect({ following: rel.following, followersOnA: await followerAccts(A, alice) }).toEqual({ following: false, followersOnA: [] });
  });

  it("a follow from an instance on the allowlist is accepted", async () => {
    const alice = await resident(A, "alice");
    const carol = await resident(C, "carol");
    await allowOnly(A, C);
    await follow(C, carol, A, alice);
    expect(await followerAccts(A, alice)).toEqual([`${carol.account.username}@${C.domain}`]);
  });

  it("a post is not delivered to a follower's instance that is not on the allowlist", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const carol = await resident(C, "carol");
    await follow(B, bob, A, alice);
    await follow(C, carol, A, alice);
    await allowOnly(A, C);
    const original = await post(A, alice, "Pour nos communes voisines");
    await waitForHomeStatus(C, carol, original.uri);
    await settle([A, B, C]);
    expect(await stored(B, original.uri)).toBe(false);
  });

  it("a post from an instance that is not on the allowlist is refused", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const carol = await resident(C, "carol");
    await follow(A, alice, B, bob);
    await follow(C, carol, B, bob);
    await allowOnly(A, C);
    const original = await post(B, bob, "Bonjour les voisins");
    await waitForHomeStatus(C, carol, original.uri);
    await settle([A, B, C]);
    expect(await stored(A, original.uri)).toBe(false);
  });
});

describe("blocked domains", { timeout: TEST_TIMEOUT }, () => {
  it("a follow from a blocked domain is refused", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const aliceOnB = await findRemote(B, bob, handleOf(A, alice));
    await blockDomain(A, B);
    await api(B, bob, "POST", `/api/v1/accounts/${aliceOnB.id}/follow`);
    await settle([A, B]);
    const rel = await relationship(B, bob, aliceOnB.id);
    expect({ following: rel.following, followersOnA: await followerAccts(A, alice) }).toEqual({ following: false, followersOnA: [] });
  });

  it("a post is not delivered to a follower on a blocked domain", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const carol = await resident(C, "carol");
    await follow(B, bob, A, alice);
    await follow(C, carol, A, alice);
    await blockDomain(A, B);
    const original = await post(A, alice, "Pas pour le domaine bloqué");
    await waitForHomeStatus(C, carol, original.uri);
    await settle([A, B, C]);
    expect(await stored(B, original.uri)).toBe(false);
  });

  it("a post from a blocked domain is refused", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const carol = await resident(C, "carol");
    await follow(A, alice, B, bob);
    await follow(C, carol, B, bob);
    await blockDomain(A, B);
    const original = await post(B, bob, "Message d'un domaine bloqué");
    await waitForHomeStatus(C, carol, original.uri);
    await settle([A, B, C]);
    expect(await stored(A, original.uri)).toBe(false);
  });

  it("a blocked domain is not fetched from by search", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await blockDomain(A, B);
    const result = await api<{ accounts: ApiAccount[] }>(A, alice, "GET", `/api/v2/search?q=${encodeURIComponent(handleOf(B, bob))}&resolve=true&type=accounts`);
    expect(result.accounts).toEqual([]);
  });
});
