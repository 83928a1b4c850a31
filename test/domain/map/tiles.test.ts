// The tile proxy's rules without HTTP in front: coordinates, the disk cache
// (hits, size cap, eviction of the oldest, cache headers honoured), coalesced
// fetches, and what an upstream failure becomes.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTileProxy, parseTileCoordinates, upstreamMaxAge, type TileProxyOptions } from "../../../server/domain/map";
import { fakeTile, startTileServer, type FakeTileServer } from "../../helpers/tile-server";

let upstream: FakeTileServer;
let dir: string;

beforeAll(async () => {
  upstream = await startTileServer();
});
afterAll(async () => {
  await upstream.close();
});
beforeEach(() => {
  upstream.reset();
  dir = mkdtempSync(join(tmpdir(), "parvis-tiles-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const proxy = (extra: Partial<TileProxyOptions> = {}) =>
  createTileProxy({ template: upstream.template, cacheDir: dir, maxBytes: 10 * 1024 * 1024, userAgent: "Parvis/test (+http://localhost/)", ...extra });

describe("tile coordinates", () => {
  it("accepts z 0..19 with x and y inside 2^z", () => {
    expect(parseTileCoordinates("0", "0", "0")).toEqual({ z: 0, x: 0, y: 0 });
    expect(parseTileCoordinates("19", "524287", "524287")).toEqual({ z: 19, x: 524287, y: 524287 });
    expect(parseTileCoordinates("3", "7", "5")).toEqual({ z: 3, x: 7, y: 5 });
  });

  it.each([
    ["20", "0", "0"],
    ["3", "8", "0"],
    ["3", "0", "8"],
    ["-1", "0", "0"],
    ["1", "-1", "0"],
    ["01", "0", "0"],
    ["1.0", "0", "0"],
    ["1", "0", "1e0"],
    [" 1", "0", "0"],
    ["1", "0x1", "0"],
    ["", "0", "0"],
    ["99999999999", "0", "0"],
  ])("refuses %j/%j/%j", (z, x, y) => {
    expect(parseTileCoordinates(z, x, y)).toBeNull();
  });
});

describe("upstream cache headers", () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it("reads max-age, Expires, no-store, and defaults to 7 days", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(upstreamMaxAge(h({ "cache-control": "public, max-age=3600" }), now)).toBe(3600);
    expect(upstreamMaxAge(h({ expires: "Thu, 01 Jan 2026 01:00:00 GMT" }), now)).toBe(3600);
    expect(upstreamMaxAge(h({ "cache-control": "no-store" }), now)).toBeNull();
    expect(upstreamMaxAge(h({ "cache-control": "no-cache" }), now)).toBe(0);
    expect(upstreamMaxAge(h({}), now)).toBe(7 * 86400);
  });
});

describe("the tile proxy", () => {
  it("fetches a tile once, with an identifying User-Agent, then serves it from the disk cache", async () => {
    const p = proxy();
    const first = await p.get({ z: 3, x: 2, y: 1 });
    expect(first.bytes.equals(fakeTile("/t/3/2/1.png"))).toBe(true);
    expect(first.contentType).toBe("image/png");
    expect(first.maxAgeS).toBeGreaterThan(86_000);
    expect(upstream.lastHeaders?.["user-agent"]).toBe("Parvis/test (+http://localhost/)");
    expect(existsSync(join(dir, "3", "2", "1.tile"))).toBe(true);

    const again = await p.get({ z: 3, x: 2, y: 1 });
    expect(again.bytes.equals(first.bytes)).toBe(true);
    expect(upstream.hits.get("/t/3/2/1.png")).toBe(1);
    // another process (a restart) finds it on disk too
    const restarted = proxy();
    await restarted.get({ z: 3, x: 2, y: 1 });
    expect(upstream.hits.get("/t/3/2/1.png")).toBe(1);
    expect(await restarted.cachedBytes()).toBeGreaterThan(first.bytes.length);
  });

  it("coalesces concurrent requests for the same tile into one upstream fetch", async () => {
    upstream.behaviours.set("/t/5/1/1.png", { delayMs: 200 });
    const p = proxy();
    const tiles = await Promise.all(Array.from({ length: 6 }, () => p.get({ z: 5, x: 1, y: 1 })));
    expect(new Set(tiles.map((t) => t.bytes.toString("hex"))).size).toBe(1);
    expect(upstream.hits.get("/t/5/1/1.png")).toBe(1);
  });

  it("keeps the cache under its size cap by evicting the oldest tiles", async () => {
    // each cached file: the tile (1000 bytes) and a short metadata line
    for (const y of [0, 1, 2]) upstream.behaviours.set(`/t/2/0/${y}.png`, { body: fakeTile(`/t/2/0/${y}.png`, 1000), headers: { "cache-control": "max-age=600" } });
    const p = proxy({ maxBytes: 2500 });
    await p.get({ z: 2, x: 0, y: 0 });
    await p.get({ z: 2, x: 0, y: 1 });
    expect(existsSync(join(dir, "2", "0", "0.tile"))).toBe(true);
    await p.get({ z: 2, x: 0, y: 2 });
    expect(existsSync(join(dir, "2", "0", "0.tile"))).toBe(false);
    expect(existsSync(join(dir, "2", "0", "1.tile"))).toBe(true);
    expect(existsSync(join(dir, "2", "0", "2.tile"))).toBe(true);
    expect(await p.cachedBytes()).toBeLessThanOrEqual(2500);
    // the evicted tile is fetched again on demand
    await p.get({ z: 2, x: 0, y: 0 });
    expect(upstream.hits.get("/t/2/0/0.png")).toBe(2);
    expect(upstream.hits.get("/t/2/0/2.png")).toBe(1);
  });

  it("keeps nothing on disk when the upstream says no-store, or when the cap is 0", async () => {
    upstream.behaviours.set("/t/1/1/1.png", { headers: { "cache-control": "no-store" } });
    await proxy().get({ z: 1, x: 1, y: 1 });
    expect(existsSync(join(dir, "1", "1", "1.tile"))).toBe(false);
    const none = proxy({ maxBytes: 0 });
    await none.get({ z: 1, x: 0, y: 1 });
    await none.get({ z: 1, x: 0, y: 1 });
    expect(upstream.hits.get("/t/1/0/1.png")).toBe(2);
    expect(existsSync(join(dir, "1"))).toBe(false);
  });

  it("revalidates an expired tile with its ETag and keeps it on 304", async () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const p = proxy({ now: () => clock });
    upstream.behaviours.set("/t/4/3/3.png", { headers: { "cache-control": "max-age=60", etag: '"v1"' } });
    const first = await p.get({ z: 4, x: 3, y: 3 });
    clock += 120_000;
    upstream.behaviours.set("/t/4/3/3.png", { status: 304, headers: { "cache-control": "max-age=60", etag: '"v1"' } });
    const second = await p.get({ z: 4, x: 3, y: 3 });
    expect(upstream.lastHeaders?.["if-none-match"]).toBe('"v1"');
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.maxAgeS).toBe(60);
    expect(upstream.hits.get("/t/4/3/3.png")).toBe(2);
  });

  it("serves a stale tile when the upstream fails, and 502 when it has none", async () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const p = proxy({ now: () => clock });
    upstream.behaviours.set("/t/4/1/1.png", { headers: { "cache-control": "max-age=60" } });
    const first = await p.get({ z: 4, x: 1, y: 1 });
    clock += 120_000;
    upstream.behaviours.set("/t/4/1/1.png", { status: 500 });
    const stale = await p.get({ z: 4, x: 1, y: 1 });
    expect(stale.bytes.equals(first.bytes)).toBe(true);
    expect(stale.maxAgeS).toBe(0);
    upstream.behaviours.set("/t/4/2/2.png", { status: 503 });
    await expect(p.get({ z: 4, x: 2, y: 2 })).rejects.toMatchObject({ status: 502 });
  });

  it("refuses what is not a tile: not an image, too large, a redirect to another origin", async () => {
    const p = proxy();
    upstream.behaviours.set("/t/3/0/0.png", { contentType: "text/html", body: Buffer.from("<html>") });
    await expect(p.get({ z: 3, x: 0, y: 0 })).rejects.toMatchObject({ status: 502 });
    upstream.behaviours.set("/t/3/0/1.png", { body: Buffer.alloc(3 * 1024 * 1024, 1) });
    await expect(p.get({ z: 3, x: 0, y: 1 })).rejects.toMatchObject({ status: 502 });
    const other = await startTileServer();
    try {
      upstream.behaviours.set("/t/3/0/2.png", { status: 302, headers: { location: `${other.origin}/t/3/0/2.png` } });
      await expect(p.get({ z: 3, x: 0, y: 2 })).rejects.toMatchObject({ status: 502 });
      expect(other.hits.size).toBe(0);
    } finally {
      await other.close();
    }
    // a redirect on the same server is followed
    upstream.behaviours.set("/t/3/0/3.png", { status: 301, headers: { location: "/t/3/1/3.png" } });
    const moved = await p.get({ z: 3, x: 0, y: 3 });
    expect(moved.bytes.equals(fakeTile("/t/3/1/3.png"))).toBe(true);
    expect(existsSync(join(dir, "3", "0", "0.tile"))).toBe(false);
  });

  it("answers 504 when the upstream is too slow, and 502 when it is down", async () => {
    upstream.behaviours.set("/t/6/0/0.png", { delayMs: 1000 });
    await expect(proxy({ timeoutMs: 100 }).get({ z: 6, x: 0, y: 0 })).rejects.toMatchObject({ status: 504 });
    const down = createTileProxy({ template: "http://127.0.0.1:9/t/{z}/{x}/{y}.png", cacheDir: dir, maxBytes: 1000, userAgent: "Parvis/test" });
    await expect(down.get({ z: 0, x: 0, y: 0 })).rejects.toMatchObject({ status: 502 });
  });
});
