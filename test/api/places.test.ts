// A status's place (`parvis_place` on POST/PUT /api/v1/statuses, scheduled
// statuses, the Status entity) and GET /api/parvis/places (the map's posts,
// as each reader may see them).
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { countRows, idsOf, parseLink } from "../helpers/api";
import { cast, join, makeGroup, postIn } from "../helpers/groups";
import { rowsOf } from "../../server/db/rows";
import { follow } from "../../server/domain/follows";
import { block } from "../../server/domain/blocks";
import { publishDueStatuses } from "../../server/domain/statuses";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const MAIRIE = { latitude: 45.1885, longitude: 5.7245, name: "Place de la Mairie" };

async function post(who: Resident, body: Record<string, unknown>) {
  return t.http.post("/api/v1/statuses").set("Authorization", who.auth).send({ status: "Lampadaire en panne", ...body });
}

async function placeRow(id: string) {
  const result = await t.services.db.execute(sql`select place_latitude, place_longitude, place_name from statuses where id = ${id}`);
  return rowsOf<{ place_latitude: number | null; place_longitude: number | null; place_name: string | null }>(result)[0];
}

describe("parvis_place on POST /api/v1/statuses", () => {
  it("a post with a place answers it in parvis_place and stores it on the status", async () => {
    const alice = await createResident(t, "alice");
    const res = await post(alice, { parvis_place: MAIRIE });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.parvis_place).toEqual(MAIRIE);
    expect(await placeRow(res.body.id)).toEqual({ place_latitude: 45.1885, place_longitude: 5.7245, place_name: "Place de la Mairie" });
    const read = await t.http.get(`/api/v1/statuses/${res.body.id}`);
    expect(read.body.parvis_place).toEqual(MAIRIE);
    // and in a timeline page, read from the row itself
    const timeline = await t.http.get("/api/v1/timelines/public");
    expect(timeline.body[0].parvis_place).toEqual(MAIRIE);
  });

  it("form fields parvis_place[latitude], [longitude] and [name] are read as numbers and text", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http
      .post("/api/v1/statuses")
      .set("Authorization", alice.auth)
      .type("form")
      .send("status=Trou+dans+la+chauss%C3%A9e&parvis_place[latitude]=-12.5&parvis_place[longitude]=179.99&parvis_place[name]=Rue+Haute");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.parvis_place).toEqual({ latitude: -12.5, longitude: 179.99, name: "Rue Haute" });
  });

  it("a place without a name has name null; a post without a place has parvis_place null", async () => {
    const alice = await createResident(t, "alice");
    const named = await post(alice, { parvis_place: { latitude: 0, longitude: -180 } });
    expect(named.body.parvis_place).toEqual({ latitude: 0, longitude: -180, name: null });
    const blankName = await post(alice, { parvis_place: { latitude: 1, longitude: 2, name: "   " } });
    expect(blankName.body.parvis_place).toEqual({ latitude: 1, longitude: 2, name: null });
    const none = await post(alice, {});
    expect(none.body.parvis_place).toBeNull();
    expect(await placeRow(none.body.id)).toEqual({ place_latitude: null, place_longitude: null, place_name: null });
  });

  const invalid: [string, unknown][] = [
    ["a string", "45.1,5.7"],
    ["a number", 45],
    ["a boolean", true],
    ["an array", [45, 5]],
    ["an object without longitude", { latitude: 45 }],
    ["an object without latitude", { longitude: 5 }],
    ["a latitude that is not a number", { latitude: "north", longitude: 5 }],
    ["a boolean latitude", { latitude: true, longitude: 5 }],
    ["a null latitude", { latitude: null, longitude: 5 }],
    ["an object latitude", { latitude: { $gt: 0 }, longitude: 5 }],
    ["NaN", { latitude: "NaN", longitude: 5 }],
    ["Infinity", { latitude: 45, longitude: "Infinity" }],
    ["a hexadecimal number", { latitude: "0x10", longitude: 5 }],
    ["a number too large to be finite", { latitude: "1e400", longitude: 5 }],
    ["a latitude above 90", { latitude: 90.0001, longitude: 5 }],
    ["a latitude below -90", { latitude: -91, longitude: 5 }],
    ["a longitude above 180", { latitude: 45, longitude: 180.5 }],
    ["a longitude below -180", { latitude: 45, longitude: -181 }],
    ["a name that is not a string", { ...MAIRIE, name: 42 }],
    ["a name of 201 characters", { ...MAIRIE, name: "é".repeat(201) }],
    ["a huge name", { ...MAIRIE, name: "x".repeat(50_000) }],
    ["markup in the name", { ...MAIRIE, name: "<script>alert(1)</script>" }],
    ["an image tag in the name", { ...MAIRIE, name: '<img src=x onerror="alert(1)">' }],
    ["a control character in the name", { ...MAIRIE, name: "Mairie\u0007" }],
    ["a bidi override in the name", { ...MAIRIE, name: "Mairie \u202Eeiriam" }],
    ["SQL in a coordinate", { latitude: "45; DROP TABLE statuses; --", longitude: 5 }],
  ];
  for (const [label, value] of invalid) {
    it(`${label} is refused with 422 and nothing is stored`, async () => {
      const alice = await createResident(t, "alice");
      const res = await post(alice, { parvis_place: value });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error).toMatch(/parvis_place/);
      expect(await countRows(t, "statuses")).toBe(0);
    });
  }

  it("an unparsable JSON body is refused with 400 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http
      .post("/api/v1/statuses")
      .set("Authorization", alice.auth)
      .set("Content-Type", "application/json")
      .send('{"status": "x", "parvis_place": {"latitude": 45,');
    expect(res.status).toBe(400);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("a coordinate written 1e400 in the JSON itself (Infinity once parsed) is refused", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http
      .post("/api/v1/statuses")
      .set("Authorization", alice.auth)
      .set("Content-Type", "application/json")
      .send('{"status": "x", "parvis_place": {"latitude": 1e400, "longitude": 5}}');
    expect(res.status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("a name that reads like SQL is plain text: stored as written, the table intact", async () => {
    const alice = await createResident(t, "alice");
    const name = "Rue de l'Église'); DROP TABLE statuses; --";
    const res = await post(alice, { parvis_place: { ...MAIRIE, name } });
    expect(res.status).toBe(200);
    expect((await placeRow(res.body.id)).place_name).toBe(name);
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("posting a place needs a token: without one, 401 and nothing stored", async () => {
    const res = await t.http.post("/api/v1/statuses").send({ status: "x", parvis_place: MAIRIE });
    expect(res.status).toBe(401);
    expect(await countRows(t, "statuses")).toBe(0);
  });
});

describe("parvis_place on PUT /api/v1/statuses/:id", () => {
  it("an edit moves the place, keeps it when absent, and removes it with null", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Banc cassé", { place: MAIRIE });
    const moved = await t.http
      .put(`/api/v1/statuses/${s.id}`)
      .set("Authorization", alice.auth)
      .send({ status: "Banc cassé (côté parc)", parvis_place: { latitude: 45.19, longitude: 5.73, name: "Parc Paul Mistral" } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.parvis_place).toEqual({ latitude: 45.19, longitude: 5.73, name: "Parc Paul Mistral" });
    expect(await placeRow(s.id)).toEqual({ place_latitude: 45.19, place_longitude: 5.73, place_name: "Parc Paul Mistral" });

    const kept = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "Banc réparé ?" });
    expect(kept.body.parvis_place).toEqual({ latitude: 45.19, longitude: 5.73, name: "Parc Paul Mistral" });

    const removed = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "Banc réparé", parvis_place: null });
    expect(removed.body.parvis_place).toBeNull();
    expect(await placeRow(s.id)).toEqual({ place_latitude: null, place_longitude: null, place_name: null });
  });

  it("an invalid place in an edit is refused with 422: the status and its history are unchanged", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Banc cassé", { place: MAIRIE });
    const res = await t.http
      .put(`/api/v1/statuses/${s.id}`)
      .set("Authorization", alice.auth)
      .send({ status: "Autre texte", parvis_place: { latitude: 200, longitude: 5 } });
    expect(res.status).toBe(422);
    expect(await placeRow(s.id)).toEqual({ place_latitude: 45.1885, place_longitude: 5.7245, place_name: "Place de la Mairie" });
    expect((await t.http.get(`/api/v1/statuses/${s.id}`)).body.content).toBe("<p>Banc cassé</p>");
    expect(await countRows(t, "status_edits")).toBe(0);
  });

  it("someone else cannot move a post's place (403, unchanged)", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Banc cassé", { place: MAIRIE });
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", bob.auth).send({ status: "x", parvis_place: null });
    expect(res.status).toBe(403);
    expect((await placeRow(s.id)).place_name).toBe("Place de la Mairie");
  });

  it("an unknown status is 404", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.put("/api/v1/statuses/123456789").set("Authorization", alice.auth).send({ status: "x", parvis_place: MAIRIE });
    expect(res.status).toBe(404);
  });
});

describe("parvis_place on a scheduled status", () => {
  it("is kept in the scheduled status's params and published with it", async () => {
    const alice = await createResident(t, "alice");
    const res = await post(alice, { parvis_place: MAIRIE, scheduled_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.params.parvis_place).toEqual(MAIRIE);
    await t.services.db.execute(sql`update scheduled_statuses set scheduled_at = now() - interval '1 second'`);
    const { published } = await publishDueStatuses(t.services.domain);
    expect(published).toHaveLength(1);
    expect((await t.http.get(`/api/v1/statuses/${published[0].id}`)).body.parvis_place).toEqual(MAIRIE);
  });

  it("an invalid place is refused before anything is scheduled", async () => {
    const alice = await createResident(t, "alice");
    const res = await post(alice, { parvis_place: { latitude: "NaN", longitude: 5 }, scheduled_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect(res.status).toBe(422);
    expect(await countRows(t, "scheduled_statuses")).toBe(0);
  });
});

describe("GET /api/parvis/places", () => {
  const GRENOBLE = "5.6,45.1,5.8,45.3";
  const places = (query: string, who?: Resident) => {
    const req = t.http.get(`/api/parvis/places?${query}`);
    return who ? req.set("Authorization", who.auth) : req;
  };

  it("lists the posts with a place inside the box, newest first, and nothing outside it", async () => {
    const alice = await createResident(t, "alice");
    const first = await createPost(t, alice, "Mairie", { place: MAIRIE });
    const second = await createPost(t, alice, "Gare", { place: { latitude: 45.1913, longitude: 5.7146, name: null } });
    await createPost(t, alice, "Lyon", { place: { latitude: 45.764, longitude: 4.8357, name: "Lyon" } });
    await createPost(t, alice, "Sans lieu");
    const res = await places(`bbox=${GRENOBLE}`);
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([second.id, first.id]);
    expect(res.body[1].parvis_place).toEqual(MAIRIE);
    expect(res.body[0].account.username).toBe("alice");
  });

  it("a box across the antimeridian finds points on both sides", async () => {
    const alice = await createResident(t, "alice");
    const east = await createPost(t, alice, "Fidji", { place: { latitude: -17.7, longitude: 178.4, name: null } });
    const west = await createPost(t, alice, "Samoa", { place: { latitude: -13.8, longitude: -171.7, name: null } });
    await createPost(t, alice, "Paris", { place: { latitude: 48.85, longitude: 2.35, name: null } });
    const res = await places("bbox=170,-20,-170,-10");
    expect(idsOf(res.body).sort()).toEqual([east.id, west.id].sort());
  });

  it("pages with limit and max_id, and says where the next page is in the Link header", async () => {
    const alice = await createResident(t, "alice");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createPost(t, alice, `n°${i}`, { place: { latitude: 45.2, longitude: 5.7 + i / 100, name: null } })).id);
    const first = await places(`bbox=${GRENOBLE}&limit=2`);
    expect(idsOf(first.body)).toEqual([ids[2], ids[1]]);
    const next = parseLink(first.headers.link).next;
    expect(next).toContain("bbox=");
    expect(next).toContain(`max_id=${ids[1]}`);
    const second = await t.http.get(next!);
    expect(idsOf(second.body)).toEqual([ids[0]]);
  });

  it("a visitor sees public and unlisted posts only; a follower also the followers-only ones; the author all", async () => {
    const author = await createResident(t, "author");
    const follower = await createResident(t, "follower");
    const stranger = await createResident(t, "stranger");
    await follow(t.services.domain, follower.account, author.account);
    const pub = await createPost(t, author, "public", { place: MAIRIE });
    const unl = await createPost(t, author, "unlisted", { place: MAIRIE, visibility: "unlisted" });
    const priv = await createPost(t, author, "private", { place: MAIRIE, visibility: "private" });
    const direct = await createPost(t, author, "direct", { place: MAIRIE, visibility: "direct" });
    expect(idsOf((await places(`bbox=${GRENOBLE}`)).body)).toEqual([unl.id, pub.id]);
    expect(idsOf((await places(`bbox=${GRENOBLE}`, stranger)).body)).toEqual([unl.id, pub.id]);
    expect(idsOf((await places(`bbox=${GRENOBLE}`, follower)).body)).toEqual([priv.id, unl.id, pub.id]);
    expect(idsOf((await places(`bbox=${GRENOBLE}`, author)).body)).toEqual([direct.id, priv.id, unl.id, pub.id]);
  });

  it("a direct post shows to the resident it mentions, no one else", async () => {
    const author = await createResident(t, "author");
    const bob = await createResident(t, "bob");
    const eve = await createResident(t, "eve");
    const direct = await createPost(t, author, "@bob rendez-vous ici", { place: MAIRIE, visibility: "direct" });
    expect(idsOf((await places(`bbox=${GRENOBLE}`, bob)).body)).toEqual([direct.id]);
    expect(idsOf((await places(`bbox=${GRENOBLE}`, eve)).body)).toEqual([]);
  });

  it("a members-only group's posts show to its members only", async () => {
    const { admin, member, outsider, group } = await cast(t, { visibility: "members" });
    const res = await postIn(t, member, group.id, "Caméra rue Haute", { parvis_place: MAIRIE });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.parvis_place).toEqual(MAIRIE);
    expect(idsOf((await places(`bbox=${GRENOBLE}`, admin)).body)).toEqual([res.body.id]);
    expect(idsOf((await places(`bbox=${GRENOBLE}`, member)).body)).toEqual([res.body.id]);
    expect(idsOf((await places(`bbox=${GRENOBLE}`, outsider)).body)).toEqual([]);
    expect(idsOf((await places(`bbox=${GRENOBLE}`)).body)).toEqual([]);
  });

  it("a public group's posts show to everyone", async () => {
    const owner = await createResident(t, "owner");
    const group = await makeGroup(t, owner, { visibility: "public", membership: "open" });
    const member = await createResident(t, "member");
    expect((await join(t, member, group.id)).status).toBe(200);
    const res = await postIn(t, member, group.id, "Passage piéton effacé", { parvis_place: MAIRIE });
    expect(idsOf((await places(`bbox=${GRENOBLE}`)).body)).toEqual([res.body.id]);
  });

  it("the posts of an author who blocks the reader, or whom the reader blocked, are left out", async () => {
    const author = await createResident(t, "author");
    const reader = await createResident(t, "reader");
    await createPost(t, author, "public", { place: MAIRIE });
    await block(t.services.domain, author.account.id, reader.account.id);
    expect(idsOf((await places(`bbox=${GRENOBLE}`, reader)).body)).toEqual([]);
    expect(idsOf((await places(`bbox=${GRENOBLE}`)).body)).toHaveLength(1);
  });

  it("reblogs are not listed a second time", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Mairie", { place: MAIRIE });
    expect((await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth)).status).toBe(200);
    expect(idsOf((await places(`bbox=${GRENOBLE}`)).body)).toEqual([s.id]);
  });

  const badBoxes = [
    "",
    "5.6,45.1,5.8",
    "5.6,45.1,5.8,45.3,1",
    "a,b,c,d",
    "5.6,45.1,5.8,NaN",
    "5.6,45.1,5.8,Infinity",
    "0x5,45.1,5.8,45.3",
    "5.6,45.1,181,45.3",
    "5.6,-91,5.8,45.3",
    "5.6,45.3,5.8,45.1",
    "1;DROP TABLE statuses,45.1,5.8,45.3",
    "5.6,45.1,5.8,45.3".repeat(20),
  ];
  for (const bbox of badBoxes) {
    it(`bbox=${JSON.stringify(bbox.slice(0, 40))} is refused with 422`, async () => {
      const res = await places(`bbox=${encodeURIComponent(bbox)}`);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatch(/bbox/);
    });
  }

  it("no bbox, or bbox given twice, is refused with 422", async () => {
    expect((await places("")).status).toBe(422);
    expect((await places(`bbox=${GRENOBLE}&bbox=${GRENOBLE}`)).status).toBe(422);
    expect((await places(`bbox[a]=1`)).status).toBe(422);
  });

  it("a limit that is not a number, or too large, falls back to the bounds", async () => {
    const alice = await createResident(t, "alice");
    await createPost(t, alice, "Mairie", { place: MAIRIE });
    expect((await places(`bbox=${GRENOBLE}&limit=abc`)).status).toBe(200);
    expect((await places(`bbox=${GRENOBLE}&limit=100000`)).status).toBe(200);
  });
});
