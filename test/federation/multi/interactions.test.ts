// Favourites and boosts made on one instance, counted on the post's own
// instance, and their undoing.
import { describe, expect, it } from "vitest";
import {
  acctOf,
  api,
  follow,
  notifications,
  post,
  resident,
  usePeers,
  TEST_TIMEOUT,
  WAIT,
  waitForHomeStatus,
  type ApiStatus,
  type Peer,
  type Resident,
} from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;

usePeers(2, (peers) => ([A, B] = peers));

/** alice posts on A; bob on B follows her and has the post in his home timeline. */
async function postSeenOnB(text: string): Promise<{ alice: Resident; bob: Resident; original: ApiStatus; copy: ApiStatus }> {
  const alice = await resident(A, "alice");
  const bob = await resident(B, "bob");
  await follow(B, bob, A, alice);
  const original = await post(A, alice, text);
  const copy = await waitForHomeStatus(B, bob, original.uri);
  return { alice, bob, original, copy };
}

async function countsOnA(alice: Resident, id: string): Promise<{ favourites: number; reblogs: number }> {
  const s = await api<ApiStatus>(A, alice, "GET", `/api/v1/statuses/${id}`);
  return { favourites: s.favourites_count, reblogs: s.reblogs_count };
}

describe("favourites and boosts across instances", { timeout: TEST_TIMEOUT }, () => {
  it("a favourite from another instance counts on the origin instance", async () => {
    const { alice, bob, original, copy } = await postSeenOnB("Belle journée au marché");
    await api(B, bob, "POST", `/api/v1/statuses/${copy.id}/favourite`);
    const counts = await waitFor(
      async () => {
        const c = await countsOnA(alice, original.id);
        return c.favourites > 0 ? c : null;
      },
      WAIT,
      "the Like on A",
    );
    expect(counts.favourites).toBe(1);
  });

  it("a favourite from another instance notifies the author", async () => {
    const { alice, bob, original, copy } = await postSeenOnB("Merci aux bénévoles");
    await api(B, bob, "POST", `/api/v1/statuses/${copy.id}/favourite`);
    const n = await waitFor(
      async () => (await notifications(A, alice)).find((x) => x.type === "favourite"),
      WAIT,
      "the favourite notification on A",
    );
    expect({ from: n.account.acct, status: n.status?.id }).toEqual({ from: acctOf(B, bob), status: original.id });
  });

  it("an unfavourite from another instance lowers the count on the origin instance", async () => {
    const { alice, bob, original, copy } = await postSeenOnB("Fermeture de la piscine");
    await api(B, bob, "POST", `/api/v1/statuses/${copy.id}/favourite`);
    await waitFor(async () => (await countsOnA(alice, original.id)).favourites === 1, WAIT, "the Like on A");
    await api(B, bob, "POST", `/api/v1/statuses/${copy.id}/unfavourite`);
    const counts = await waitFor(
      async () => {
        const c = await countsOnA(alice, original.id);
        return c.favourites === 0 ? c : null;
      },
      WAIT,
      "the Undo(Like) on A",
    );
    expect(counts.favourites).toBe(0);
  });

  it("a boost from another instance counts on the origin instance", async () => {
    const { alice, bob, original, copy } = await postSeenOnB("Fête de la musique place du village");
    await api(B, bob, "POST", `/api/v1/statuses/${copy.id}/reblog`);
    const counts = await waitFor(
      async () => {
        const c = await countsOnA(alice, original.id);
        return c.reblogs > 0 ? c : null;
      },
      WAIT,
      "the Announce on A",
    );
    expect(counts.reblogs).toBe(1);
  });

  it("a boost from another instance notifies the author", async () => {
    const { alice, bob, original, copy } = await postSeenOnB("Nouveaux horaires de la médiathèque");
    await api(B, bob, "POST", `/api/v1/statuses/${copy.id}/reblog`);
    const n = await waitFor(
      async () => (await notifications(A, alice)).find((x) => x.type === "reblog"),
      WAIT,
      "the reblog notification on A",
    );
    expect({ from: n.account.acct, status: n.status?.id }).toEqual({ from: acctOf(B, bob), status: original.id });
  });

  it("an unreblog from another instance lowers the count on the origin instance", async () => {
    const { alice, bob, original, copy } = await postSeenOnB("Travaux rue des écoles");
    await api(B, bob, "POST", `/api/v1/statuses/${copy.id}/reblog`);
    await waitFor(async () => (await countsOnA(alice, original.id)).reblogs === 1, WAIT, "the Announce on A");
    await api(B, bob, "POST", `/api/v1/statuses/${copy.id}/unreblog`);
    const counts = await waitFor(
      async () => {
        const c = await countsOnA(alice, original.id);
        return c.reblogs === 0 ? c : null;
      },
      WAIT,
      "the Undo(Announce) on A",
    );
    expect(counts.reblogs).toBe(0);
  });

  it("a boost by a followed account on another instance shows the post in its followers' home timelines", async () => {
    // alice (A) posts; bob (B) boosts it; carol (A) follows only bob
    const { bob, original, copy } = await postSeenOnB("Collecte de sang mardi");
    const carol = await resident(A, "carol");
    await follow(A, carol, B, bob);
    await api(B, bob, "POST", `/api/v1/statuses/${copy.id}/reblog`);
    const seen = await waitForHomeStatus(A, carol, original.uri);
    expect({ booster: seen.account.acct, original: seen.reblog?.id }).toEqual({ booster: acctOf(B, bob), original: original.id });
  });
});
