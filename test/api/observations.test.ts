// Observations through the API (docs/api.md "Observations"): creating one (a
// status with a place and OSM tags), reading and listing with the viewer's
// visibility, correcting, "still there", "gone" and its rejection, history;
// permissions and bad input answered with 4xx and nothing stored.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { observationEvents, observations, statuses } from "../../server/db/schema";
import { countRows, createMedia, idsOf, parseLink } from "../helpers/api";
import { createResident, type Resident } from "../helpers/factories";
import { cast } from "../helpers/groups";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((i) => (t = i));
const db = () => t.services.db;

const cameraBody = {
  kind: "camera",
  latitude: 48.8566,
  longitude: 2.3522,
  tags: { "surveillance:type": "camera", "camera:type": "dome", "operator:type": "commune", "surveillance:zone": "town" },
};

async function post(who: Resident, body: Record<string, unknown> = cameraBody) {
  const res = await t.http.post("/api/parvis/observations").set("Authorization", who.auth).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { id: string; state: string; confirmations_count: number; status: { id: string; parvis_observation: unknown; content: string } };
}

async function counts() {
  return { statuses: await countRows(t, "statuses"), observations: await countRows(t, "observations"), events: await countRows(t, "observation_events") };
}

describe("POST /api/parvis/observations", () => {
  it("creates the status with its place and structured fields; the status JSON carries parvis_observation", async () => {
    const alice = await createResident(t, "alice");
    const media = await createMedia(t, alice, "La caméra");
    const body = await post(alice, { ...cameraBody, media_ids: [media.id], status: "" });
    expect(body).toMatchObject({ kind: "camera", latitude: 48.8566, longitude: 2.3522, state: "present", confirmations_count: 0, osm_id: null, origin: null });
    expect(body.status).toMatchObject({ id: body.id, visibility: "public" });
    expect(body.status.content).toContain("Caméra de vidéosurveillance (dôme), opérateur : commune, zone filmée : ville");
    expect(body.status.parvis_observation).toMatchObject({ kind: "camera", tags: cameraBody.tags, state: "present", confirmations_count: 0 });
    const [row] = await db().select().from(statuses).where(eq(statuses.id, body.id));
    expect([row.placeLatitude, row.placeLongitude]).toEqual([48.8566, 2.3522]);
    expect((await db().select().from(observations).where(eq(observations.statusId, body.id)))[0].tags).toEqual(cameraBody.tags);
    // like any post: in the author's timeline and the public one, with its structured fields
    const status = await t.http.get(`/api/v1/statuses/${body.id}`);
    expect(status.body.parvis_observation.kind).toBe("camera");
    expect(status.body.media_attachments).toHaveLength(1);
    const timeline = await t.http.get("/api/v1/timelines/public");
    expect(timeline.body[0].parvis_observation.tags["camera:type"]).toBe("dome");
    // a plain post has none
    const plain = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Bonjour" });
    expect(plain.body.parvis_observation).toBeNull();
  });

  it("accepts form fields (tags[key]=value) and a civic issue with the resident's text", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http
      .post("/api/parvis/observations")
      .set("Authorization", alice.auth)
      .type("form")
      .send("kind=issue&latitude=45.5&longitude=4.25&tags[issue]=lighting&status=Lampadaire%20%C3%A9teint%20rue%20Haute");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ kind: "issue", latitude: 45.5, tags: { issue: "lighting" } });
    expect(res.body.status.content).toContain("Lampadaire éteint rue Haute");
  });

  it("needs a token with write:statuses", async () => {
    expect((await t.http.post("/api/parvis/observations").send(cameraBody)).status).toBe(401);
    expect(await counts()).toEqual({ statuses: 0, observations: 0, events: 0 });
  });

  it("refuses bad input with 4xx and stores nothing", async () => {
    const alice = await createResident(t, "alice");
    const bad: unknown[] = [
      { ...cameraBody, kind: "tree" },
      { ...cameraBody, kind: ["camera"] },
      { ...cameraBody, latitude: 123 },
      { ...cameraBody, latitude: "48.8; drop table statuses" },
      { ...cameraBody, longitude: null },
      { ...cameraBody, tags: { "camera:type": "invisible" } },
      { ...cameraBody, tags: { "'; drop table observations; --": "x" } },
      { ...cameraBody, tags: { operator: { nested: true } } },
      { ...cameraBody, tags: "camera" },
      { ...cameraBody, tags: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`note${i}`, "x"])) },
      { ...cameraBody, tags: { description: "x".repeat(300) } },
      { ...cameraBody, media_ids: ["999999"] },
      { ...cameraBody, seen_at: "2999-01-01" },
      { ...cameraBody, seen_at: "yesterday" },
      { ...cameraBody, group_id: "123" },
      { kind: "issue", latitude: 1, longitude: 1, tags: {} },
      [cameraBody],
    ];
    for (const body of bad) {
      const res = await t.http.post("/api/parvis/observations").set("Authorization", alice.auth).send(body as object);
      expect([404, 422], `${JSON.stringify(body).slice(0, 80)} → ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
      expect(typeof res.body.error).toBe("string");
    }
    const malformed = await t.http.post("/api/parvis/observations").set("Authorization", alice.auth).set("Content-Type", "application/json").send('{"kind": "camera",');
    expect(malformed.status).toBe(400);
    const huge = await t.http
      .post("/api/parvis/observations")
      .set("Authorization", alice.auth)
      .send({ ...cameraBody, status: "x".repeat(2_000_000) });
    expect([413, 422]).toContain(huge.status);
    expect(await counts()).toEqual({ statuses: 0, observations: 0, events: 0 });
  });
});

describe("reading and listing", () => {
  it("lists by bounding box, kind and state, newest first, with Link pagination", async () => {
    const alice = await createResident(t, "alice");
    const a = await post(alice);
    const b = await post(alice, { kind: "issue", latitude: 48.85, longitude: 2.35, tags: { issue: "road" } });
    const far = await post(alice, { ...cameraBody, latitude: 43.6, longitude: 1.44 });
    const paris = "2.3,48.8,2.4,48.9";
    const all = await t.http.get(`/api/parvis/observations?bbox=${paris}`);
    expect(all.status).toBe(200);
    expect(idsOf(all.body)).toEqual([b.id, a.id]);
    expect(idsOf((await t.http.get(`/api/parvis/observations?bbox=${paris}&kind=camera`)).body)).toEqual([a.id]);
    expect(idsOf((await t.http.get("/api/parvis/observations")).body)).toEqual([far.id, b.id, a.id]);
    const page = await t.http.get("/api/parvis/observations?limit=2");
    expect(idsOf(page.body)).toEqual([far.id, b.id]);
    const next = parseLink(page.headers.link).next!;
    expect(idsOf((await t.http.get(next)).body)).toEqual([a.id]);
    expect(idsOf((await t.http.get("/api/parvis/observations?state=gone")).body)).toEqual([]);
    expect(idsOf((await t.http.get("/api/parvis/observations?since=2000-01-01&until=2999-01-01")).body)).toHaveLength(3);
    expect(idsOf((await t.http.get("/api/parvis/observations?until=2000-01-01")).body)).toEqual([]);
    // crossing the antimeridian: nothing here, but a valid box
    expect((await t.http.get("/api/parvis/observations?bbox=170,-10,-170,10")).status).toBe(200);
  });

  it("refuses bad filters with 422", async () => {
    for (const q of ["bbox=1,2,3", "bbox=a,b,c,d", "bbox=0,50,1,40", "bbox=0,0,200,1", "kind=tree", "state=lost", "since=tomorrow", "group_id=abc"]) {
      const res = await t.http.get(`/api/parvis/observations?${q}`);
      expect(res.status, q).toBe(422);
      expect(typeof res.body.error).toBe("string");
    }
  });

  it("hides a members-only group's observations from non-members, in the list, by id and in the history", async () => {
    const { member, outsider, group } = await cast(t, { visibility: "members" });
    const secret = await post(member, { ...cameraBody, group_id: group.id });
    expect(secret.status).toMatchObject({ visibility: "private" });
    expect(idsOf((await t.http.get("/api/parvis/observations").set("Authorization", member.auth)).body)).toEqual([secret.id]);
    expect(idsOf((await t.http.get(`/api/parvis/observations?group_id=${group.id}`).set("Authorization", member.auth)).body)).toEqual([secret.id]);
    expect(idsOf((await t.http.get("/api/parvis/observations").set("Authorization", outsider.auth)).body)).toEqual([]);
    expect(idsOf((await t.http.get("/api/parvis/observations")).body)).toEqual([]);
    expect((await t.http.get(`/api/parvis/observations/${secret.id}`)).status).toBe(404);
    expect((await t.http.get(`/api/parvis/observations/${secret.id}`).set("Authorization", outsider.auth)).status).toBe(404);
    expect((await t.http.get(`/api/parvis/observations/${secret.id}/history`).set("Authorization", outsider.auth)).status).toBe(404);
    expect((await t.http.post(`/api/parvis/observations/${secret.id}/confirm`).set("Authorization", outsider.auth).send({})).status).toBe(404);
    expect((await t.http.post(`/api/parvis/observations/${secret.id}/gone`).set("Authorization", outsider.auth).send({})).status).toBe(404);
    expect(await countRows(t, "observation_events")).toBe(1);
    expect((await t.http.get(`/api/parvis/observations/${secret.id}`).set("Authorization", member.auth)).status).toBe(200);
  });

  it("a followers-only observation is its author's followers'", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const mine = await post(alice, { ...cameraBody, visibility: "private" });
    expect((await t.http.get(`/api/parvis/observations/${mine.id}`).set("Authorization", bob.auth)).status).toBe(404);
    await t.http.post(`/api/v1/accounts/${alice.account.id}/follow`).set("Authorization", bob.auth);
    expect((await t.http.get(`/api/parvis/observations/${mine.id}`).set("Authorization", bob.auth)).status).toBe(200);
  });

  it("unknown and malformed ids are 404", async () => {
    const alice = await createResident(t, "alice");
    const plain = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Pas une observation" });
    for (const id of ["123", "abc", "99999999999999999999999", plain.body.id]) {
      expect((await t.http.get(`/api/parvis/observations/${id}`)).status).toBe(404);
      expect((await t.http.post(`/api/parvis/observations/${id}/confirm`).set("Authorization", alice.auth).send({})).status).toBe(404);
      expect((await t.http.patch(`/api/parvis/observations/${id}`).set("Authorization", alice.auth).send({ tags: {} })).status).toBe(404);
    }
  });
});

describe("PATCH /api/parvis/observations/:id", () => {
  it("the author corrects tags, point and text; the history has the changes", async () => {
    const alice = await createResident(t, "alice");
    const o = await post(alice);
    const res = await t.http
      .patch(`/api/parvis/observations/${o.id}`)
      .set("Authorization", alice.auth)
      .send({ tags: { ...cameraBody.tags, "camera:type": "panning", "camera:direction": "90" }, longitude: 2.36 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ longitude: 2.36, tags: { "camera:type": "panning", "camera:direction": "90" } });
    expect(res.body.status.edited_at).not.toBeNull();
    expect(res.body.status.content).toContain("orientable");
    const history = await t.http.get(`/api/parvis/observations/${o.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.map((h: { action: string }) => h.action)).toEqual(["created", "corrected"]);
    expect(history.body[1]).toMatchObject({ account: { id: alice.account.id }, changes: { "camera:type": ["dome", "panning"], "camera:direction": [null, "90"], longitude: [2.3522, 2.36] } });
  });

  it("only the author; bad input is 422 and changes nothing", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const o = await post(alice);
    const before = await db().select().from(observations).where(eq(observations.statusId, o.id));
    expect((await t.http.patch(`/api/parvis/observations/${o.id}`).set("Authorization", bob.auth).send({ tags: {} })).status).toBe(403);
    expect((await t.http.patch(`/api/parvis/observations/${o.id}`).send({ tags: {} })).status).toBe(401);
    for (const body of [{ tags: { "camera:type": "x" } }, { latitude: -91 }, { kind: "issue" }, { tags: [] }]) {
      const res = await t.http.patch(`/api/parvis/observations/${o.id}`).set("Authorization", alice.auth).send(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect(await db().select().from(observations).where(eq(observations.statusId, o.id))).toEqual(before);
    expect(await countRows(t, "observation_events")).toBe(1);
    expect(await countRows(t, "status_edits")).toBe(0);
  });
});

describe("still there, gone", () => {
  it("a resident confirms once a day; the count and last_seen_at follow", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const o = await post(alice, { ...cameraBody, seen_at: "2024-01-10" });
    const first = await t.http.post(`/api/parvis/observations/${o.id}/confirm`).set("Authorization", bob.auth).send({});
    expect(first.status).toBe(200);
    expect(first.body.confirmations_count).toBe(1);
    expect(new Date(first.body.last_seen_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(first.body.status.parvis_observation.confirmations_count).toBe(1);
    const again = await t.http.post(`/api/parvis/observations/${o.id}/confirm`).set("Authorization", bob.auth).send({});
    expect(again.status).toBe(422);
    const older = await t.http.post(`/api/parvis/observations/${o.id}/confirm`).set("Authorization", bob.auth).send({ seen_at: "2024-02-01" });
    expect(older.status).toBe(200);
    expect(older.body.confirmations_count).toBe(2);
    // the older day does not move last_seen_at back
    expect(new Date(older.body.last_seen_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    for (const body of [{ seen_at: "2999-01-01" }, { seen_at: "n'importe quand" }, { seen_at: 5 }, { other: 1 }]) {
      expect((await t.http.post(`/api/parvis/observations/${o.id}/confirm`).set("Authorization", bob.auth).send(body)).status).toBe(422);
    }
    expect((await t.http.post(`/api/parvis/observations/${o.id}/confirm`).send({})).status).toBe(401);
    const confirmed = await db().select().from(observationEvents).where(eq(observationEvents.action, "confirmed"));
    expect(confirmed).toHaveLength(2);
  });

  it("anyone proposes gone, a group moderator confirms it; the author rejects a proposal", async () => {
    const { member, moderator, outsider, group } = await cast(t);
    const o = await post(member, { ...cameraBody, group_id: group.id });
    const proposed = await t.http.post(`/api/parvis/observations/${o.id}/gone`).set("Authorization", outsider.auth).send({ reason: "Retirée en mars" });
    expect(proposed.status).toBe(200);
    expect(proposed.body.state).toBe("gone_proposed");
    expect((await t.http.post(`/api/parvis/observations/${o.id}/gone/reject`).set("Authorization", outsider.auth).send({})).status).toBe(403);
    const rejected = await t.http.post(`/api/parvis/observations/${o.id}/gone/reject`).set("Authorization", member.auth).send({});
    expect(rejected.body.state).toBe("present");
    expect((await t.http.post(`/api/parvis/observations/${o.id}/gone`).set("Authorization", outsider.auth).send({})).body.state).toBe("gone_proposed");
    const gone = await t.http.post(`/api/parvis/observations/${o.id}/gone`).set("Authorization", moderator.auth).send({});
    expect(gone.status).toBe(200);
    expect(gone.body.state).toBe("gone");
    expect(gone.body.status.parvis_observation.state).toBe("gone");
    expect((await t.http.post(`/api/parvis/observations/${o.id}/gone`).set("Authorization", outsider.auth).send({})).status).toBe(422);
    expect((await t.http.post(`/api/parvis/observations/${o.id}/gone`).set("Authorization", outsider.auth).send({ reason: 12 })).status).toBe(422);
    const history = await t.http.get(`/api/parvis/observations/${o.id}/history`);
    expect(history.body.map((h: { action: string; account: { id: string } }) => [h.action, h.account.id])).toEqual([
      ["created", member.account.id],
      ["gone_proposed", outsider.account.id],
      ["gone_rejected", member.account.id],
      ["gone_proposed", outsider.account.id],
      ["gone_confirmed", moderator.account.id],
    ]);
    expect(history.body[1].changes).toEqual({ state: ["present", "gone_proposed"], reason: "Retirée en mars" });
    expect(idsOf((await t.http.get("/api/parvis/observations?state=gone")).body)).toEqual([o.id]);
  });
});
