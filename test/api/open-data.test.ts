// Open data: GET /api/parvis/observations.geojson and .csv — only public
// observations, RFC 7946 structure (longitude first), Link pagination,
// ETag / Last-Modified and 304, the admin's licence, CSV quoting and defused formulas.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts } from "../../server/db/schema";
import { correctObservation } from "../../server/domain/observations";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident, type Resident } from "../helpers/factories";
import { makeGroup } from "../helpers/groups";
import { parseLink } from "../helpers/api";
import { observe } from "../helpers/observations";
import { csvField, defuseCell } from "../../server/entities/open-data";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const GEOJSON = "/api/parvis/observations.geojson";
const CSV = "/api/parvis/observations.csv";

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  if (cell !== "" || row.length) throw new Error("the CSV does not end with CRLF");
  return rows;
}

async function resident(name: string): Promise<Resident> {
  return createResident(t, name);
}

describe("GeoJSON of public observations", () => {
  it("is a FeatureCollection of Points, longitude first, with the properties of the contract", async () => {
    const alice = await resident("alice");
    const cam = await observe(t, alice, { latitude: 45.1885, longitude: 5.7245, tags: { "surveillance:type": "camera", "camera:type": "dome" } });
    const res = await t.http.get(GEOJSON);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/geo\+json/);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    const body = JSON.parse(res.text);
    expect(body.type).toBe("FeatureCollection");
    expect(body.license).toBe("ODbL-1.0");
    expect(body.licence).toBe("ODbL-1.0");
    expect(typeof body.attribution).toBe("string");
    expect(body.features).toHaveLength(1);
    const f = body.features[0];
    expect(f).toMatchObject({ type: "Feature", id: cam.id, geometry: { type: "Point", coordinates: [5.7245, 45.1885] } });
    expect(f.properties).toMatchObject({
      kind: "camera",
      tags: { "surveillance:type": "camera", "camera:type": "dome" },
      state: "present",
      confirmations_count: 0,
      origin: null,
      status_id: cam.id,
    });
    expect(f.properties.url).toBe(`${t.config.origin}/@alice/${cam.id}`);
    expect(new Date(f.properties.created_at).toISOString()).toBe(f.properties.created_at);
    expect(new Date(f.properties.last_seen_at).toISOString()).toBe(f.properties.last_seen_at);
    // RFC 7946: no crs member, every position within WGS 84 bounds
    expect(body.crs).toBeUndefined();
  });

  it("publishes public observations only: not unlisted, followers-only, direct, members-only groups nor suspended authors", async () => {
    const alice = await resident("alice");
    const bob = await resident("bob");
    const open = await observe(t, alice, { latitude: 45.1, longitude: 5.7 });
    await observe(t, alice, { latitude: 45.1, longitude: 5.7, visibility: "unlisted" });
    await observe(t, alice, { latitude: 45.1, longitude: 5.7, visibility: "private" });
    await observe(t, alice, { latitude: 45.1, longitude: 5.7, visibility: "direct" });
    const closed = await makeGroup(t, alice, { visibility: "members", kind: "neighbourhood" });
    await observe(t, alice, { latitude: 45.1, longitude: 5.7, groupId: closed.id });
    const publicGroup = await makeGroup(t, alice, { visibility: "public", kind: "neighbourhood" });
    const inPublicGroup = await observe(t, alice, { latitude: 45.1, longitude: 5.7, groupId: publicGroup.id, visibility: "public" });
    await observe(t, bob, { latitude: 45.1, longitude: 5.7 });
    await t.services.db.update(accounts).set({ suspendedAt: new Date() }).where(eq(accounts.id, bob.account.id));

    const ids = (await t.http.get(GEOJSON)).body.features.map((f: { id: string }) => f.id).sort();
    expect(ids).toEqual([open.id, inPublicGroup.id].sort());
    const csvIds = parseCsv((await t.http.get(CSV)).text)
      .slice(1)
      .map((r) => r[0])
      .sort();
    expect(csvIds).toEqual(ids);
  });

  it("filters by bounding box (west,south,east,north) and by kind", async () => {
    const alice = await resident("alice");
    const grenoble = await observe(t, alice, { latitude: 45.1885, longitude: 5.7245 });
    const lamp = await observe(t, alice, { kind: "issue", latitude: 45.19, longitude: 5.73, tags: { issue: "lighting" } });
    await observe(t, alice, { latitude: 48.8566, longitude: 2.3522 }); // Paris
    await observe(t, alice, { latitude: 5.7245, longitude: 45.1885 }); // the same numbers swapped: outside
    const ids = async (q: string) => (await t.http.get(`${GEOJSON}?${q}`)).body.features.map((f: { id: string }) => f.id);
    expect((await ids("bbox=5.6,45.1,5.8,45.3")).sort()).toEqual([grenoble.id, lamp.id].sort());
    expect(await ids("bbox=5.6,45.1,5.8,45.3&kind=issue")).toEqual([lamp.id]);
    expect(await ids("bbox=5.6,45.1,5.8,45.3&kind=camera")).toEqual([grenoble.id]);
    expect(await ids("bbox=-10,40,-5,42")).toEqual([]);
  });

  it("a box across the antimeridian (west > east) wraps around", async () => {
    const alice = await resident("alice");
    const fiji = await observe(t, alice, { latitude: -17.7, longitude: 178.0 });
    const samoa = await observe(t, alice, { latitude: -13.8, longitude: -171.8 });
    await observe(t, alice, { latitude: -17.7, longitude: 10 });
    const res = await t.http.get(`${GEOJSON}?bbox=170,-20,-170,-10`);
    expect(res.body.features.map((f: { id: string }) => f.id).sort()).toEqual([fiji.id, samoa.id].sort());
  });

  it("pages newest first with a Link to the next page, and the last page has none", async () => {
    const alice = await resident("alice");
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await observe(t, alice, { latitude: 45 + i / 100, longitude: 5 })).id);
    const newestFirst = [...made].reverse();
    const first = await t.http.get(`${GEOJSON}?limit=2&kind=camera`);
    expect(first.body.features.map((f: { id: string }) => f.id)).toEqual(newestFirst.slice(0, 2));
    const next = parseLink(first.headers.link).next!;
    expect(next).toContain("kind=camera");
    expect(next).toContain("limit=2");
    const second = await t.http.get(next);
    expect(second.body.features.map((f: { id: string }) => f.id)).toEqual(newestFirst.slice(2, 4));
    const third = await t.http.get(parseLink(second.headers.link).next!);
    expect(third.body.features.map((f: { id: string }) => f.id)).toEqual(newestFirst.slice(4));
    expect(parseLink(third.headers.link).next).toBeUndefined();
    // CSV pages the same way
    const csv = await t.http.get(`${CSV}?limit=2`);
    expect(parseCsv(csv.text).slice(1).map((r) => r[0])).toEqual(newestFirst.slice(0, 2));
    expect(parseLink(csv.headers.link).next).toContain("/api/parvis/observations.csv?");
  });

  it("answers 304 to If-None-Match and If-Modified-Since while nothing changed, 200 once an observation changes", async () => {
    const alice = await resident("alice");
    const cam = await observe(t, alice, { latitude: 45.1, longitude: 5.7 });
    const first = await t.http.get(GEOJSON);
    const etag = first.headers.etag;
    const lastModified = first.headers["last-modified"];
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(new Date(lastModified).getTime()).toBeGreaterThan(0);

    const again = await t.http.get(GEOJSON).set("If-None-Match", etag);
    expect(again.status).toBe(304);
    expect(again.text ?? "").toBe("");
    expect(again.headers.etag).toBe(etag);
    expect((await t.http.get(GEOJSON).set("If-None-Match", `"other", W/${etag}`)).status).toBe(304);
    expect((await t.http.get(GEOJSON).set("If-Modified-Since", lastModified)).status).toBe(304);
    // If-None-Match decides when both are sent
    expect((await t.http.get(GEOJSON).set("If-None-Match", '"stale"').set("If-Modified-Since", lastModified)).status).toBe(200);
    // a different filter is a different document
    expect((await t.http.get(`${CSV}`).set("If-None-Match", etag)).status).toBe(200);

    await correctObservation(t.services.domain, alice.account.id, cam.id, { tags: { "surveillance:type": "camera", "camera:type": "panning" } });
    const changed = await t.http.get(GEOJSON).set("If-None-Match", etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.features[0].properties.tags["camera:type"]).toBe("panning");
    expect((await t.http.get(GEOJSON).set("If-Modified-Since", new Date(Date.parse(lastModified) - 1000).toUTCString())).status).toBe(200);
  });

  it("a new observation and a removed one both change the ETag", async () => {
    const alice = await resident("alice");
    await observe(t, alice, { latitude: 45.1, longitude: 5.7 });
    const e1 = (await t.http.get(GEOJSON)).headers.etag;
    const added = await observe(t, alice, { latitude: 45.1, longitude: 5.7 });
    const e2 = (await t.http.get(GEOJSON)).headers.etag;
    expect(e2).not.toBe(e1);
    await t.http.delete(`/api/v1/statuses/${added.id}`).set("Authorization", alice.auth).expect(200);
    const e3 = (await t.http.get(GEOJSON).set("If-None-Match", e2)).status;
    expect(e3).toBe(200);
  });

  it("refuses bad parameters with 422 and never a 500", async () => {
    for (const q of [
      "bbox=1,2,3",
      "bbox=a,b,c,d",
      "bbox=0,0,200,10",
      "bbox=0,50,10,40",
      "bbox=0,0,1,1,1",
      "bbox=NaN,0,1,1",
      "bbox=Infinity,0,1,1",
      "bbox[]=1",
      "kind=parking",
      "kind=' or 1=1 --",
      "limit=0",
      "limit=-5",
      "limit=abc",
      "limit=1e3",
      "max_id=abc",
      "max_id=99999999999999999999999",
    ]) {
      const res = await t.http.get(`${GEOJSON}?${q}`);
      expect(res.status, q).toBe(422);
      expect(res.body.error, q).toEqual(expect.any(String));
      expect((await t.http.get(`${CSV}?${q}`)).status, q).toBe(422);
    }
    // a limit above the maximum is capped, not refused
    expect((await t.http.get(`${GEOJSON}?limit=100000`)).status).toBe(200);
  });

  it("is readable from any origin, validators included (CORS)", async () => {
    const preflight = await t.http
      .options(GEOJSON)
      .set("Origin", "https://carto.example")
      .set("Access-Control-Request-Method", "GET")
      .set("Access-Control-Request-Headers", "if-none-match");
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("*");
    expect(preflight.headers["access-control-allow-headers"]).toMatch(/If-None-Match/);
    const res = await t.http.get(CSV).set("Origin", "https://carto.example");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-expose-headers"]).toMatch(/ETag/);
    expect(res.headers["access-control-expose-headers"]).toMatch(/Link/);
  });

  it("does not collide with /api/parvis/observations/:id", async () => {
    const alice = await resident("alice");
    const cam = await observe(t, alice, { latitude: 45.1, longitude: 5.7 });
    const res = await t.http.get(GEOJSON);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe("FeatureCollection");
    expect((await t.http.get(CSV)).headers["content-type"]).toMatch(/^text\/csv/);
    const one = await t.http.get(`/api/parvis/observations/${cam.id}`);
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(cam.id);
  });
});

describe("CSV of public observations", () => {
  it("has a header, one column per known OSM key and RFC 4180 quoting", async () => {
    const alice = await resident("alice");
    const cam = await observe(t, alice, {
      latitude: 45.1885,
      longitude: -1.5,
      tags: { "surveillance:type": "camera", operator: 'Mairie, "service" voirie', "camera:direction": "270" },
    });
    const res = await t.http.get(CSV);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers["x-parvis-license"]).toBe("ODbL-1.0");
    expect(res.text).toContain('"Mairie, ""service"" voirie"');
    const [header, row] = parseCsv(res.text);
    expect(header.slice(0, 4)).toEqual(["id", "kind", "longitude", "latitude"]);
    expect(header).toContain("surveillance:type");
    expect(header).toContain("camera:direction");
    expect(header[header.length - 1]).toBe("other_tags");
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell("id")).toBe(cam.id);
    // numbers are numbers: a negative longitude keeps its sign
    expect(cell("longitude")).toBe("-1.5");
    expect(cell("latitude")).toBe("45.1885");
    expect(cell("operator")).toBe('Mairie, "service" voirie');
    expect(cell("camera:direction")).toBe("270");
    expect(cell("surveillance:zone")).toBe("");
    expect(row).toHaveLength(header.length);
  });

  it("defuses cells a spreadsheet would run as formulas", async () => {
    const alice = await resident("alice");
    await observe(t, alice, {
      latitude: 45,
      longitude: 5,
      tags: { operator: '=HYPERLINK("http://evil.example","clic")', "surveillance:signage:controller": "+33 1 23", description: "@SUM(A1)", note: "-2+3" },
    });
    const [header, row] = parseCsv((await t.http.get(CSV)).text);
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell("operator")).toBe(`'=HYPERLINK("http://evil.example","clic")`);
    expect(cell("surveillance:signage:controller")).toBe("'+33 1 23");
    expect(cell("description")).toBe("'@SUM(A1)");
    expect(cell("note")).toBe("'-2+3");
    const numeric = new Set(["id", "longitude", "latitude", "confirmations_count"]);
    header.forEach((name, i) => {
      if (!numeric.has(name)) expect(row[i], name).not.toMatch(/^[=+\-@]/);
    });
  });
});

describe("CSV cells (entities/open-data.ts)", () => {
  it("quotes line breaks, commas and quotes, and leaves plain cells alone", () => {
    expect(csvField("a\r\nb")).toBe('"a\r\nb"');
    expect(csvField("a\nb")).toBe('"a\nb"');
    expect(csvField('say "hi", then')).toBe('"say ""hi"", then"');
    expect(csvField("plain")).toBe("plain");
    expect(defuseCell("\t=1+1")).toBe("'\t=1+1");
    expect(defuseCell("\r=1")).toBe("'\r=1");
    expect(defuseCell("Mairie")).toBe("Mairie");
  });
});

describe("the open data licence", () => {
  it("defaults to ODbL-1.0; an admin changes it and the attribution, which the GeoJSON and its ETag follow", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    const alice = await resident("alice");
    await observe(t, alice, { latitude: 45, longitude: 5 });
    const settings = await t.http.get("/api/parvis/admin/settings").set("Authorization", admin.auth);
    expect(settings.body.open_data_license).toBe("ODbL-1.0");
    expect(settings.body.open_data_attribution).toBe("");
    const before = await t.http.get(GEOJSON);

    const patch = await t.http
      .patch("/api/parvis/admin/settings")
      .set("Authorization", admin.auth)
      .send({ open_data_license: "etalab-2.0", open_data_attribution: "Ville de Grenoble et ses habitants" });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ open_data_license: "etalab-2.0", open_data_attribution: "Ville de Grenoble et ses habitants" });
    const after = await t.http.get(GEOJSON).set("If-None-Match", before.headers.etag);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ license: "etalab-2.0", licence: "etalab-2.0", attribution: "Ville de Grenoble et ses habitants" });
    expect((await t.http.get(CSV)).headers["x-parvis-license"]).toBe("etalab-2.0");
  });

  it("refuses an invalid licence (422) and stores nothing; residents may not change it (403)", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    const alice = await resident("alice");
    for (const value of ["", "Licence\nOuverte", "é".repeat(3), "x".repeat(201), 42, null]) {
      const res = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ open_data_license: value });
      expect(res.status, JSON.stringify(value)).toBe(422);
    }
    const long = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ open_data_attribution: "a".repeat(1001) });
    expect(long.status).toBe(422);
    const byResident = await t.http.patch("/api/parvis/admin/settings").set("Authorization", alice.auth).send({ open_data_license: "CC0-1.0" });
    expect(byResident.status).toBe(403);
    const settings = await t.http.get("/api/parvis/admin/settings").set("Authorization", admin.auth);
    expect(settings.body).toMatchObject({ open_data_license: "ODbL-1.0", open_data_attribution: "" });
    expect((await t.http.get(GEOJSON)).body.license).toBe("ODbL-1.0");
  });
});
