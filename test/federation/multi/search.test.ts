// Finding residents and posts of another instance through /api/v2/search.
import { describe, expect, it } from "vitest";
import {
  acctOf,
  api,
  findRemote,
  handleOf,
  post,
  resident,
  resolveStatus,
  usePeers,
  TEST_TIMEOUT,
  type ApiAccount,
  type Peer,
} from "../../helpers/federation";

let A: Peer;
let B: Peer;

usePeers(2, (peers) => ([A, B] = peers));

describe("remote search", { timeout: TEST_TIMEOUT }, () => {
  it("a resident finds @user@host:port of another instance with resolve=true", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const found = await findRemote(A, alice, handleOf(B, bob));
    expect({ acct: found.acct, uri: found.uri }).toEqual({ acct: acctOf(B, bob), uri: `${B.config.origin}/users/${bob.account.username}` });
  });

  it("the found remote account keeps the port of its instance in its acct", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await findRemote(A, alice, handleOf(B, bob));
    const again = await api<ApiAccount>(A, alice, "GET", `/api/v1/accounts/lookup?acct=${encodeURIComponent(acctOf(B, bob))}`);
    expect(again.acct).toBe(`${bob.account.username}@localhost:${B.port}`);
  });

  it("a search without resolve does not fetch an unknown remote account", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const result = await api<{ accounts: ApiAccount[] }>(A, alice, "GET", `/api/v2/search?q=${encodeURIComponent(handleOf(B, bob))}&type=accounts`);
    expect(result.accounts).toEqual([]);
  });

  it("an anonymous search with resolve=true does not fetch an unknown remote account", async () => {
    const bob = await resident(B, "bob");
    const result = await api<{ accounts: ApiAccount[] }>(A, null, "GET", `/api/v2/search?q=${encodeURIComponent(handleOf(B, bob))}&resolve=true&type=accounts`);
    expect(result.accounts).toEqual([]);
  });

  it("a resident finds a public post of another instance by its URL", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const original = await post(B, bob, "Le marché est déplacé place de l'église");
    const found = await resolveStatus(A, alice, original.uri);
    expect(found?.content).toContain("Le marché est déplacé");
  });
});
