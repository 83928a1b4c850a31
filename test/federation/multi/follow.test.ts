// Following across two real Parvis instances, through each one's Mastodon API.
import { describe, expect, it } from "vitest";
import {
  acctOf,
  api,
  findRemote,
  follow,
  handleOf,
  relationship,
  resident,
  usePeers,
  TEST_TIMEOUT,
  WAIT,
  type ApiAccount,
  type Peer,
} from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;

usePeers(2, (peers) => ([A, B] = peers));

async function followersOn(peer: Peer, viewer: Parameters<typeof api>[1], accountId: string): Promise<string[]> {
  const list = await api<ApiAccount[]>(peer, viewer, "GET", `/api/v1/accounts/${accountId}/followers`);
  return list.map((a) => a.acct);
}

describe("following a resident of another instance", { timeout: TEST_TIMEOUT }, () => {
  it("a follow of an unlocked remote account is accepted automatically", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const bobOnA = await findRemote(A, alice, handleOf(B, bob));
    await api(A, alice, "POST", `/api/v1/accounts/${bobOnA.id}/follow`);
    const rel = await waitFor(async () => {
      const r = await relationship(A, alice, bobOnA.id);
      return r.following ? r : null;
    }, WAIT, "the Accept from B");
    expect(rel).toMatchObject({ following: true, requested: false });
  });

  it("the followed instance lists the remote follower", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(A, alice, B, bob);
    const followers = await waitFor(
      async () => {
        const list = await followersOn(B, bob, bob.account.id);
        return list.includes(acctOf(A, alice)) ? list : null;
      },
      WAIT,
      "alice among bob's followers on B",
    );
    expect(followers).toEqual([acctOf(A, alice)]);
  });

  it("a follow of a locked remote account appears as a follow request on its instance", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob", { locked: true });
    const bobOnA = await findRemote(A, alice, handleOf(B, bob));
    await api(A, alice, "POST", `/api/v1/accounts/${bobOnA.id}/follow`);
    const requests = await waitFor(
      async () => {
        const list = await api<ApiAccount[]>(B, bob, "GET", "/api/v1/follow_requests");
        return list.length > 0 ? list : null;
      },
      WAIT,
      "the follow request on B",
    );
    expect(requests.map((a) => a.acct)).toEqual([acctOf(A, alice)]);
  });

  it("a follow of a locked remote account stays requested until it is authorized", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob", { locked: true });
    const bobOnA = await findRemote(A, alice, handleOf(B, bob));
    await api(A, alice, "POST", `/api/v1/accounts/${bobOnA.id}/follow`);
    await waitFor(async () => (await api<ApiAccount[]>(B, bob, "GET", "/api/v1/follow_requests")).length > 0, WAIT, "the follow request on B");
    expect(await relationship(A, alice, bobOnA.id)).toMatchObject({ following: false, requested: true });
  });

  it("an authorized follow request makes the follow visible on both instances", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob", { locked: true });
    const bobOnA = await findRemote(A, alice, handleOf(B, bob));
    await api(A, alice, "POST", `/api/v1/accounts/${bobOnA.id}/follow`);
    const [request] = await waitFor(
      async () => {
        const list = await api<ApiAccount[]>(B, bob, "GET", "/api/v1/follow_requests");
        return list.length > 0 ? list : null;
      },
      WAIT,
      "the follow request on B",
    );
    await api(B, bob, "POST", `/api/v1/follow_requests/${request.id}/authorize`);
    await waitFor(async () => (await relationship(A, alice, bobOnA.id)).following, WAIT, "the Accept reaching A");
    const onB = await relationship(B, bob, request.id);
    const onA = await relationship(A, alice, bobOnA.id);
    expect({ aliceFollowsOnA: onA.following, bobFollowedByOnB: onB.followed_by }).toEqual({ aliceFollowsOnA: true, bobFollowedByOnB: true });
  });

  it("a rejected follow request leaves the remote follower not following", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob", { locked: true });
    const bobOnA = await findRemote(A, alice, handleOf(B, bob));
    await api(A, alice, "POST", `/api/v1/accounts/${bobOnA.id}/follow`);
    const [request] = await waitFor(
      async () => {
        const list = await api<ApiAccount[]>(B, bob, "GET", "/api/v1/follow_requests");
        return list.length > 0 ? list : null;
      },
      WAIT,
      "the follow request on B",
    );
    await api(B, bob, "POST", `/api/v1/follow_requests/${request.id}/reject`);
    const rel = await waitFor(
      async () => {
        const r = await relationship(A, alice, bobOnA.id);
        return r.requested ? null : r;
      },
      WAIT,
      "the Reject reaching A",
    );
    expect(rel).toMatchObject({ following: false, requested: false });
  });

  it("unfollowing a remote account removes the follower on its instance", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const bobOnA = await follow(A, alice, B, bob);
    await waitFor(async () => (await followersOn(B, bob, bob.account.id)).includes(acctOf(A, alice)), WAIT, "the follow on B");
    await api(A, alice, "POST", `/api/v1/accounts/${bobOnA}/unfollow`);
    const followers = await waitFor(
      async () => {
        const list = await followersOn(B, bob, bob.account.id);
        return list.includes(acctOf(A, alice)) ? null : list;
      },
      WAIT,
      "the Undo(Follow) reaching B",
    );
    expect(followers).toEqual([]);
  });
});
