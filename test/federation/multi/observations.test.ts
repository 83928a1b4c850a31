// Observations between two real Parvis instances: a camera posted on A reaches
// B as a post with its place and as an observation row whose origin is A; a
// correction and the "gone" flow arrive as Updates of the Note; the context
// of the extension is served at /ns/parvis.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { observationEvents, observations, statuses } from "../../../server/db/schema";
import { api, follow, resident, TEST_TIMEOUT, textOf, usePeers, WAIT, waitForHomeStatus, type Peer } from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;
usePeers(2, (peers) => ([A, B] = peers));

interface ObservationBody {
  id: string;
  kind: string;
  tags: Record<string, string>;
  state: string;
  origin: string | null;
  latitude: number;
  longitude: number;
  status: { uri: string; content: string; parvis_observation: { state: string } | null };
}

async function rowOnB(uri: string) {
  const [row] = await B.services.db
    .select({ observation: observations, status: statuses })
    .from(statuses)
    .leftJoin(observations, eq(observations.statusId, statuses.id))
    .where(eq(statuses.uri, uri));
  return row;
}

describe("observations across instances", { timeout: TEST_TIMEOUT }, () => {
  it("create, correct and gone arrive on the other instance with their origin", async () => {
    const alice = await resident(A, "alice");
    const carol = await resident(A, "carol");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);

    const created = await api<ObservationBody>(A, alice, "POST", "/api/parvis/observations", {
      kind: "camera",
      latitude: 45.764,
      longitude: 4.8357,
      tags: { "surveillance:type": "camera", "camera:type": "dome", "operator:type": "commune" },
    });
    const uri = created.status.uri;
    // Mastodon users see readable text and the place
    const seen = await waitForHomeStatus(B, bob, uri);
    expect(textOf(seen.content)).toContain("Caméra de vidéosurveillance (dôme), opérateur : commune");
    const arrived = await waitFor(async () => (await rowOnB(uri))?.observation, WAIT, "the observation row on B");
    expect(arrived).toMatchObject({ kind: "camera", latitude: 45.764, longitude: 4.8357, state: "present", tags: created.tags });
    expect((await rowOnB(uri)).status).toMatchObject({ placeLatitude: 45.764, placeLongitude: 4.8357, local: false });
    const onB = await api<ObservationBody[]>(B, bob, "GET", "/api/parvis/observations?bbox=4.8,45.7,4.9,45.8");
    expect(onB).toHaveLength(1);
    expect(onB[0]).toMatchObject({ kind: "camera", origin: A.domain, state: "present" });
    expect(onB[0].status.parvis_observation).toMatchObject({ kind: "camera", state: "present" });

    // the author corrects it: an Update of the Note
    await api(A, alice, "PATCH", `/api/parvis/observations/${created.id}`, { tags: { ...created.tags, "camera:type": "fixed", "camera:direction": "180" } });
    const corrected = await waitFor(async () => (await rowOnB(uri))?.observation, (o) => o?.tags["camera:type"] === "fixed", WAIT);
    expect(corrected!.tags["camera:direction"]).toBe("180");
    await waitFor(async () => textOf((await rowOnB(uri)).status.content), (text) => text.includes("fixe"), WAIT);

    // a resident of A proposes it gone, the author confirms: B follows
    await api(A, carol, "POST", `/api/parvis/observations/${created.id}/gone`, { reason: "Démontée" });
    await waitFor(async () => (await rowOnB(uri))?.observation?.state, (s) => s === "gone_proposed", WAIT);
    await api(A, alice, "POST", `/api/parvis/observations/${created.id}/gone`, {});
    await waitFor(async () => (await rowOnB(uri))?.observation?.state, (s) => s === "gone", WAIT);
    const history = await api<{ action: string; account: { acct: string } | null; changes: Record<string, unknown> }[]>(
      B,
      bob,
      "GET",
      `/api/parvis/observations/${onB[0].id}/history`,
    );
    expect(history.map((h) => h.action)).toEqual(["created", "corrected", "gone_proposed", "gone_confirmed"]);
    expect(history[1].changes).toMatchObject({ "camera:type": ["dome", "fixed"], "camera:direction": [null, "180"] });
    expect(history[2].account).toBeNull();
    const rows = await B.services.db.select().from(observationEvents).where(eq(observationEvents.observationId, onB[0].id));
    expect(rows).toHaveLength(4);
  });

  it("a confirmation on A reaches B as a count; a confirmation on B stays on B", async () => {
    const alice = await resident(A, "alice");
    const carol = await resident(A, "carol");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);
    const created = await api<ObservationBody>(A, alice, "POST", "/api/parvis/observations", {
      kind: "issue",
      latitude: 45.75,
      longitude: 4.85,
      tags: { issue: "lighting" },
      status: "Lampadaire éteint devant la poste",
    });
    const uri = created.status.uri;
    await waitFor(async () => (await rowOnB(uri))?.observation, WAIT, "the observation row on B");
    await api(A, carol, "POST", `/api/parvis/observations/${created.id}/confirm`, {});
    await waitFor(async () => (await rowOnB(uri))?.observation?.confirmationsCount, (n) => n === 1, WAIT);
    const idOnB = (await rowOnB(uri)).status.id;
    const confirmed = await api<{ confirmations_count: number }>(B, bob, "POST", `/api/parvis/observations/${idOnB}/confirm`, {});
    expect(confirmed.confirmations_count).toBe(2);
    const [onA] = await A.services.db.select().from(observations).where(eq(observations.statusId, created.id));
    expect(onA.confirmationsCount).toBe(1);
  });

  it("a members-only group's observation stays on its instance; a followers-only one reaches followers only", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    await follow(B, bob, A, alice);
    const group = await api<{ id: string }>(A, alice, "POST", "/api/parvis/groups", { slug: "vigie", name: "Vigilance", kind: "neighbourhood", visibility: "members" });
    const point = { kind: "camera", latitude: 45.76, longitude: 4.83, tags: {} };
    const secret = await api<ObservationBody>(A, alice, "POST", "/api/parvis/observations", { ...point, group_id: group.id });
    const followers = await api<ObservationBody>(A, alice, "POST", "/api/parvis/observations", { ...point, visibility: "private" });
    const open = await api<ObservationBody>(A, alice, "POST", "/api/parvis/observations", point);
    await waitFor(async () => (await rowOnB(open.status.uri))?.observation, WAIT, "the public observation on B");
    await waitFor(async () => (await rowOnB(followers.status.uri))?.observation, WAIT, "the followers-only observation on B");
    expect(await rowOnB(secret.status.uri)).toBeUndefined();
    const carol = await resident(B, "carol");
    // (the instances are not emptied between tests: earlier tests' observations are there too)
    const seenByCarol = (await api<ObservationBody[]>(B, carol, "GET", "/api/parvis/observations")).map((o) => o.status.uri);
    expect(seenByCarol).toContain(open.status.uri);
    expect(seenByCarol).not.toContain(followers.status.uri);
    const seenByBob = (await api<ObservationBody[]>(B, bob, "GET", "/api/parvis/observations")).map((o) => o.status.uri);
    expect(seenByBob).toContain(followers.status.uri);
  });

  it("serves the extension's JSON-LD context at /ns/parvis", async () => {
    const res = await fetch(`${A.url}/ns/parvis`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/ld\+json/);
    const body = (await res.json()) as { "@context": Record<string, unknown> };
    expect(body["@context"]).toEqual({ parvis: `${A.services.config.origin}/ns/parvis#`, observation: { "@id": "parvis:observation", "@type": "@json" } });
  });
});
