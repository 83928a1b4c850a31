// The map's HTTP side: GET /tiles/:z/:x/:y.png (the tile proxy, against a fake
// tile server on loopback), GET /api/parvis/map/config, and the map's centre
// and zoom in the admin settings.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../../server/app";
import { createResident } from "../helpers/factories";
import { startInstance, type TestInstance } from "../helpers/instance";
import { fakeTile, startTileServer, type FakeTileServer } from "../helpers/tile-server";

let upstream: FakeTileServer;
let t: TestInstance;
let bare: TestInstance;

beforeAll(async () => {
  upstream = await startTileServer();
  t = await startInstance({
    env: { PARVIS_MAP_TILES_URL: upstream.template, PARVIS_MAP_ATTRIBUTION: "© Contributeurs OpenStreetMap", PARVIS_CONTACT_EMAIL: "mairie@testville.example" },
  });
  bare = await startInstance();
});
afterAll(async () => {
  await t?.stop();
  await bare?.stop();
  await upstream?.close();
});
beforeEach(async () => {
  upstream.reset();
  await t.reset();
  await bare.reset();
});

const png = (res: { body: unknown }) => res.body as Buffer;

describe("GET /tiles/:z/:x/:y.png", () => {
  it("proxies a tile with an identifying User-Agent, then serves it from the cache", async () => {
    const res = await t.http.get("/tiles/3/2/1.png").buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("image/png");
    expect(png(res).equals(fakeTile("/t/3/2/1.png"))).toBe(true);
    expect(res.headers["cache-control"]).toMatch(/^public, max-age=\d+$/);
    expect(Number(/max-age=(\d+)/.exec(res.headers["cache-control"])![1])).toBeGreaterThan(86_000);
    const ua = String(upstream.lastHeaders?.["user-agent"]);
    expect(ua).toMatch(/^Parvis\/\d+\.\d+\.\d+ /);
    expect(ua).toContain(t.config.origin);
    expect(ua).toContain("mairie@testville.example");
    expect(existsSync(join(t.config.dataDir, "tiles", "3", "2", "1.tile"))).toBe(true);

    const again = await t.http.get("/tiles/3/2/1.png").buffer(true);
    expect(again.status).toBe(200);
    expect(png(again).equals(png(res))).toBe(true);
    expect(upstream.hits.get("/t/3/2/1.png")).toBe(1);
  });

  it("fetches a tile once however many browsers ask for it at the same time", async () => {
    upstream.behaviours.set("/t/7/10/20.png", { delayMs: 200 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.http.get("/tiles/7/10/20.png").buffer(true)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(upstream.hits.get("/t/7/10/20.png")).toBe(1);
  });

  it.each(["/tiles/20/0/0.png", "/tiles/3/8/0.png", "/tiles/3/0/8.png", "/tiles/01/0/0.png", "/tiles/1/0/0.5.png", "/tiles/a/b/c.png", "/tiles/1/0/-1.png", "/tiles/1/0/1e0.png", "/tiles/1/0/0;drop.png"])(
    "refuses bad coordinates %s without asking the upstream",
    async (path) => {
      const res = await t.http.get(path);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(upstream.hits.size).toBe(0);
    },
  );

  it("answers 502 when the upstream fails or redirects elsewhere, and keeps serving", async () => {
    upstream.behaviours.set("/t/2/1/1.png", { status: 500 });
    const failed = await t.http.get("/tiles/2/1/1.png");
    expect(failed.status).toBe(502);
    expect(failed.body).toEqual({ error: expect.any(String) });
    upstream.behaviours.set("/t/2/1/2.png", { status: 302, headers: { location: "http://127.0.0.1:9/elsewhere.png" } });
    expect((await t.http.get("/tiles/2/1/2.png")).status).toBe(502);
    upstream.behaviours.set("/t/2/1/3.png", { contentType: "text/html", body: Buffer.from("<script>alert(1)</script>") });
    expect((await t.http.get("/tiles/2/1/3.png")).status).toBe(502);
    expect(existsSync(join(t.config.dataDir, "tiles", "2", "1"))).toBe(false);
    expect((await t.http.get("/tiles/2/0/0.png")).status).toBe(200);
  });

  it("answers 502 when the tile server is down", async () => {
    const down = await startInstance({ env: { PARVIS_MAP_TILES_URL: "http://127.0.0.1:9/{z}/{x}/{y}.png" } });
    try {
      const res = await down.http.get("/tiles/1/0/0.png");
      expect(res.status).toBe(502);
      expect((await down.http.get("/healthz")).status).toBe(200);
    } finally {
      await down.stop();
    }
  });

  it("answers 404 when no tile server is configured", async () => {
    const res = await bare.http.get("/tiles/1/0/0.png");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: expect.any(String) });
  });
});

describe("GET /api/parvis/map/config", () => {
  it("says whether tiles are served, with their credit and the commune's centre", async () => {
    const res = await t.http.get("/api/parvis/map/config");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tiles: true, tile_url: "/tiles/{z}/{x}/{y}.png", attribution: "© Contributeurs OpenStreetMap", center: null, zoom: 13 });
    const none = await bare.http.get("/api/parvis/map/config");
    expect(none.body).toMatchObject({ tiles: false, tile_url: null, center: null });
  });

  it("reads the centre and zoom an admin set; others may not set them; bad values change nothing", async () => {
    const admin = await createResident(t, "maire", { role: "admin" });
    const resident = await createResident(t, "habitant");
    const set = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ map_center: [45.19, 5.72], map_zoom: 15 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ map_center: [45.19, 5.72], map_zoom: 15 });
    expect((await t.http.get("/api/parvis/map/config")).body).toMatchObject({ center: [45.19, 5.72], zoom: 15 });

    expect((await t.http.patch("/api/parvis/admin/settings").set("Authorization", resident.auth).send({ map_zoom: 3 })).status).toBe(403);
    for (const body of [
      { map_center: [91, 0] },
      { map_center: [0, 181] },
      { map_center: ["45", "5"] },
      { map_center: [45] },
      { map_center: { lat: 1, lon: 2 } },
      { map_zoom: 20 },
      { map_zoom: 1.5 },
      { map_zoom: "12; drop table settings" },
    ]) {
      const res = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    const malformed = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).set("Content-Type", "application/json").send("{map_zoom: ");
    expect(malformed.status).toBe(400);
    expect((await t.http.get("/api/parvis/map/config")).body).toMatchObject({ center: [45.19, 5.72], zoom: 15 });

    const cleared = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ map_center: null });
    expect(cleared.body.map_center).toBeNull();
    expect((await t.http.get("/api/parvis/map/config")).body.center).toBeNull();
  });
});

describe("the Content-Security-Policy", () => {
  it("lets pages load images from our own origin only: tiles never come from elsewhere", () => {
    const img = CONTENT_SECURITY_POLICY.split("; ").find((d) => d.startsWith("img-src "))!;
    expect(img.split(" ").slice(1).sort()).toEqual(["'self'", "blob:", "data:"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:/);
  });
});
