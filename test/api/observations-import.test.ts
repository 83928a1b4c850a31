// POST /api/parvis/admin/observations/import: an OpenStreetMap extract (.osm XML
// or GeoJSON) becomes camera observations of the instance's own account, keyed
// by OSM id (a re-import updates), unknown keys dropped and counted; malformed
// files refused whole (422, nothing stored); admins only.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, observationEvents, observations, statuses } from "../../server/db/schema";
import { INSTANCE_ACCOUNT_USERNAME } from "../../server/domain/accounts";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident, type Resident } from "../helpers/factories";
import { countRows } from "../helpers/api";
import { observe } from "../helpers/observations";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const IMPORT = "/api/parvis/admin/observations/import";
const fixtures = join(import.meta.dirname, "..", "fixtures", "osm");
const OSM = readFileSync(join(fixtures, "grenoble-surveillance.osm"));
const GEOJSON = readFileSync(join(fixtures, "grenoble-surveillance.geojson"));

function upload(admin: Resident, content: Buffer | string, filename = "extract.osm") {
  return t.http.post(IMPORT).set("Authorization", admin.auth).attach("file", Buffer.from(content), filename);
}

async function byOsmId() {
  const rows = await t.services.db.select().from(observations);
  return new Map(rows.map((r) => [r.osmId, r]));
}

async function nothingStored() {
  expect(await countRows(t, "observations")).toBe(0);
  expect(await countRows(t, "observation_events")).toBe(0);
  expect(await countRows(t, "statuses")).toBe(0);
}

describe("importing an OpenStreetMap extract", () => {
  it("imports the surveillance nodes of an .osm file as public camera observations of the instance account", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    const res = await upload(admin, OSM);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ format: "osm", created: 5, updated: 0, unchanged: 0, skipped: 1, ignored: 4 });
    expect(res.body.elements).toContainEqual({ osm_id: "way/1123400567", result: "skipped", id: null, reason: expect.stringMatching(/only nodes/) });
    // keys outside the vocabulary, and values it does not accept, are dropped and counted
    expect(res.body.dropped_tags).toEqual({ source: 1, fixme: 1, height: 1, "camera:type": 1, "camera:direction": 1 });

    const rows = await byOsmId();
    expect([...rows.keys()].sort()).toEqual(["node/4711020301", "node/4711020302", "node/5802117744", "node/6120339016", "node/6120339017"]);
    const dome = rows.get("node/4711020301")!;
    expect(dome).toMatchObject({ kind: "camera", latitude: 45.1885312, longitude: 5.7244876, state: "present" });
    expect(dome.tags).toEqual({
      "camera:direction": "135",
      "camera:mount": "pole",
      "camera:type": "dome",
      man_made: "surveillance",
      operator: "Ville de Grenoble",
      "operator:type": "commune",
      surveillance: "public",
      "surveillance:type": "camera",
      "surveillance:zone": "town",
    });
    expect(rows.get("node/5802117744")!.tags.operator).toBe("Métropole & Ville");
    // check_date is when it was last seen
    expect(rows.get("node/5802117744")!.lastSeenAt.toISOString()).toBe("2025-09-20T00:00:00.000Z");
    expect(rows.get("node/6120339017")!.tags).toEqual({ man_made: "surveillance", "surveillance:type": "camera" });

    // posted by the instance's own account, publicly, with the place on the status
    const [status] = await t.services.db
      .select({ visibility: statuses.visibility, username: accounts.username, lat: statuses.placeLatitude, lon: statuses.placeLongitude })
      .from(statuses)
      .innerJoin(accounts, eq(accounts.id, statuses.accountId))
      .where(eq(statuses.id, dome.statusId));
    expect(status).toEqual({ visibility: "public", username: INSTANCE_ACCOUNT_USERNAME, lat: 45.1885312, lon: 5.7244876 });
    // and published as open data
    const geo = await t.http.get("/api/parvis/observations.geojson");
    expect(geo.body.features.map((f: { properties: { osm_id: string } }) => f.properties.osm_id).sort()).toEqual([...rows.keys()].sort());
  });

  it("is idempotent: the same file again changes nothing; changed tags or position update the same rows", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    expect((await upload(admin, OSM)).status).toBe(200);
    const first = await byOsmId();
    const again = await upload(admin, OSM);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 5, skipped: 1 });
    expect(await countRows(t, "observations")).toBe(5);
    expect(await countRows(t, "statuses")).toBe(5);
    expect(await countRows(t, "observation_events")).toBe(5);

    const edited = OSM.toString("utf8")
      .replace('<tag k="camera:type" v="dome"/>', '<tag k="camera:type" v="panning"/>')
      .replace('lat="45.1902250" lon="5.7269931"', 'lat="45.1902999" lon="5.7269931"');
    const third = await upload(admin, edited);
    expect(third.body).toMatchObject({ created: 0, updated: 2, unchanged: 3 });
    const after = await byOsmId();
    expect(after.size).toBe(5);
    expect(after.get("node/4711020301")!.statusId).toBe(first.get("node/4711020301")!.statusId);
    expect(after.get("node/4711020301")!.tags["camera:type"]).toBe("panning");
    expect(after.get("node/4711020302")!.latitude).toBe(45.1902999);
    const corrected = await t.services.db.select().from(observationEvents).where(eq(observationEvents.action, "corrected"));
    expect(corrected).toHaveLength(2);
    expect(corrected.find((e) => e.observationId === first.get("node/4711020301")!.statusId)!.changes).toMatchObject({ "camera:type": ["dome", "panning"] });
  });

  it("imports GeoJSON (overpass turbo and osmtogeojson shapes) into the same rows as the .osm", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    await upload(admin, OSM);
    const res = await upload(admin, GEOJSON, "export.geojson");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ format: "geojson", created: 2, updated: 0, unchanged: 1, skipped: 1, ignored: 1 });
    expect(res.body.dropped_tags).toEqual({ wikidata: 1 });
    const rows = await byOsmId();
    expect(rows.size).toBe(7);
    expect(rows.get("node/7390022816")).toMatchObject({ latitude: 45.189998, longitude: 5.715223 });
    expect(rows.get("node/7390022816")!.tags).toEqual({ man_made: "surveillance", "surveillance:type": "camera", "camera:type": "dome", "surveillance:zone": "traffic" });
    expect(rows.get("node/7390022815")!.tags["surveillance:signage:controller"]).toBe("Effia");
  });

  it("skips, with its reason, a node whose OSM id a resident's observation already carries", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    const alice = await createResident(t, "alice");
    await upload(admin, OSM);
    // alice's own observation is never changed by an import
    const mine = await observe(t, alice, { latitude: 45, longitude: 5 });
    const rows = await byOsmId();
    await t.services.db.delete(statuses).where(eq(statuses.id, rows.get("node/4711020301")!.statusId));
    await t.services.db.update(observations).set({ osmId: "node/4711020301" }).where(eq(observations.statusId, mine.id));
    const res = await upload(admin, OSM.toString("utf8").replace('v="dome"', 'v="fixed"'));
    expect(res.body.elements).toContainEqual({ osm_id: "node/4711020301", result: "skipped", id: mine.id, reason: expect.stringMatching(/resident/) });
    const [row] = await t.services.db.select().from(observations).where(eq(observations.statusId, mine.id));
    expect(row.tags).toEqual({ "surveillance:type": "camera" });
  });

  it("refuses malformed files with 422 and stores nothing", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    const bad: [string, string][] = [
      ["truncated XML", OSM.toString("utf8").slice(0, 900)],
      ["not an osm root", '<?xml version="1.0"?><gpx><wpt lat="1" lon="2"/></gpx>'],
      ["an entity bomb", '<?xml version="1.0"?><!DOCTYPE osm [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><osm><node id="1" lat="1" lon="1"><tag k="man_made" v="&b;"/></node></osm>'],
      ["broken JSON", GEOJSON.toString("utf8").slice(0, 400)],
      ["JSON but not GeoJSON", '{"elements": []}'],
      ["a feature that is not one", '{"type": "FeatureCollection", "features": [42]}'],
      ["neither", "id,lat,lon\n1,45,5\n"],
      ["empty", ""],
      ["binary", "\u0000\u0001PK\u0003\u0004"],
    ];
    for (const [what, content] of bad) {
      const res = await upload(admin, content);
      expect(res.status, what).toBe(422);
      expect(res.body.error, what).toMatch(/Malformed|too large|blank/);
    }
    // the instance account is not even created by a refused file
    expect(await countRows(t, "accounts")).toBe(1);
    await nothingStored();
  });

  it("refuses a missing file, another field name, and a file over the size limit", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    expect((await t.http.post(IMPORT).set("Authorization", admin.auth).send({})).status).toBe(422);
    expect((await t.http.post(IMPORT).set("Authorization", admin.auth).attach("data", OSM, "x.osm")).status).toBe(422);
    expect((await t.http.post(IMPORT).set("Authorization", admin.auth).field("file", "not a file")).status).toBe(422);
    const huge = Buffer.alloc(10 * 1024 * 1024 + 10, 0x20);
    const res = await t.http.post(IMPORT).set("Authorization", admin.auth).attach("file", huge, "huge.osm");
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/too large/);
    await nothingStored();
  });

  it("is for admins only: residents and moderators get 403, visitors 401", async () => {
    const alice = await createResident(t, "alice");
    const mod = await createResident(t, "mod", { role: "moderator" });
    expect((await upload(alice, OSM)).status).toBe(403);
    expect((await upload(mod, OSM)).status).toBe(403);
    expect((await t.http.post(IMPORT).attach("file", OSM, "x.osm")).status).toBe(401);
    await nothingStored();
  });
});
