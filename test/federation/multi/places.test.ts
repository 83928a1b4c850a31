// A post's place between two real Parvis instances: it travels as the Note's
// `location` (an ActivityStreams Place), and an edit that moves or removes it
// reaches the other side too.
import { describe, expect, it } from "vitest";
import { api, follow, post, resident, usePeers, TEST_TIMEOUT, WAIT, waitForHomeStatus, type ApiStatus, type Peer } from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;

usePeers(2, (peers) => ([A, B] = peers));

type Placed = ApiStatus & { parvis_place: { latitude: number; longitude: number; name: string | null } | null };

const MAIRIE = { latitude: 45.1885, longitude: 5.7245, name: "Place de la Mairie" };

describe("places between instances", { timeout: TEST_TIMEOUT }, () => {
  it("a post with a place arrives with its place, and shows on the other instance's map", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);
    const original = (await post(A, alice, "Lampadaire éteint depuis lundi", { parvis_place: MAIRIE })) as Placed;
    expect(original.parvis_place).toEqual(MAIRIE);
    const copy = (await waitForHomeStatus(B, bob, original.uri)) as Placed;
    expect(copy.parvis_place).toEqual(MAIRIE);
    const map = await api<Placed[]>(B, null, "GET", "/api/parvis/places?bbox=5.6,45.1,5.8,45.3");
    expect(map.map((s) => [s.uri, s.parvis_place])).toEqual([[original.uri, MAIRIE]]);
  });

  it("an edit that moves the place, then one that removes it, reach the other instance", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);
    const original = await post(A, alice, "Trou dans la chaussée", { parvis_place: MAIRIE });
    const copy = await waitForHomeStatus(B, bob, original.uri);
    const moved = { latitude: 45.1913, longitude: 5.7146, name: "Gare" };
    await api(A, alice, "PUT", `/api/v1/statuses/${original.id}`, { status: "Trou dans la chaussée (devant la gare)", parvis_place: moved });
    const afterMove = await waitFor(
      async () => {
        const s = await api<Placed>(B, bob, "GET", `/api/v1/statuses/${copy.id}`);
        return s.parvis_place?.name === "Gare" ? s : null;
      },
      WAIT,
      "the moved place on B",
    );
    expect([afterMove.parvis_place, afterMove.edited_at !== null]).toEqual([moved, true]);

    // only the place changes: still an edit
    await api(A, alice, "PUT", `/api/v1/statuses/${original.id}`, { status: "Trou dans la chaussée (devant la gare)", parvis_place: null });
    const afterRemoval = await waitFor(
      async () => {
        const s = await api<Placed>(B, bob, "GET", `/api/v1/statuses/${copy.id}`);
        return s.parvis_place === null ? s : null;
      },
      WAIT,
      "the removed place on B",
    );
    expect(afterRemoval.parvis_place).toBeNull();
  });
});
