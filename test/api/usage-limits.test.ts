// Per-account limits on posting, uploads and follows (429 with Mastodon's
// X-RateLimit-* headers), and media files that go when nothing uses them.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/config";
import { mediaAttachments } from "../../server/db/schema";
import { removeUnattachedMedia } from "../../server/domain/media";
import { spend } from "../../server/domain/accounts";
import { purgeDueDeletions } from "../../server/domain/account-deletion";
import { createMedia, countRows } from "../helpers/api";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { mediaFiles, PASSWORD, pngBytes } from "../helpers/accounts-suite";

let t: TestInstance;
useTestInstance((x) => (t = x), {
  env: { PARVIS_RATE_LIMIT_STATUSES: "3/1h", PARVIS_RATE_LIMIT_MEDIA: "2/1h", PARVIS_RATE_LIMIT_FOLLOWS: "2/1h" },
});

const post = (who: Resident, status = "hello") => t.http.post("/api/v1/statuses").set("Authorization", who.auth).send({ status });
const upload = (who: Resident) => t.http.post("/api/v2/media").set("Authorization", who.auth).attach("file", pngBytes(), "pic.png");

function expectLimited(res: { status: number; body: unknown; headers: Record<string, string> }, limit: number) {
  expect({ status: res.status, body: res.body }).toEqual({ status: 429, body: { error: "Too many requests" } });
  expect(res.headers["x-ratelimit-limit"]).toBe(String(limit));
  expect(res.headers["x-ratelimit-remaining"]).toBe("0");
  expect(Date.parse(res.headers["x-ratelimit-reset"])).toBeGreaterThan(Date.now());
}

describe("posting limit", () => {
  it("counts down in X-RateLimit-Remaining and refuses the post past the limit, storing nothing", async () => {
    const alice = await createResident(t, "alice");
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post(alice, `post ${i}`);
      expect(res.status).toBe(200);
      expect(res.headers["x-ratelimit-limit"]).toBe("3");
      remaining.push(res.headers["x-ratelimit-remaining"]);
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    expectLimited(await post(alice, "one too many"), 3);
    expect(await countRows(t, "statuses")).toBe(3);
  });

  it("boosts count as posts", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const target = await createPost(t, bob, "boost me");
    for (let i = 0; i < 3; i++) expect((await post(alice, `post ${i}`)).status).toBe(200);
    expectLimited(await t.http.post(`/api/v1/statuses/${target.id}/reblog`).set("Authorization", alice.auth), 3);
    expect(await countRows(t, "statuses")).toBe(4);
  });

  it("one resident's limit leaves the others free", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    for (let i = 0; i < 4; i++) await post(alice, `post ${i}`);
    expect((await post(bob)).status).toBe(200);
  });

  it("the count starts again in the next window", async () => {
    const alice = await createResident(t, "alice");
    const hour = 3_600_000;
    const now = Math.floor(Date.now() / hour) * hour + 1000;
    for (let i = 0; i < 3; i++) await spend(t.services.domain, "statuses", alice.account.id, now);
    await expect(spend(t.services.domain, "statuses", alice.account.id, now)).rejects.toThrow("Too many requests");
    expect((await spend(t.services.domain, "statuses", alice.account.id, now + hour)).remaining).toBe(2);
  });
});

describe("upload limit", () => {
  it("refuses the upload past the limit before storing any file", async () => {
    const alice = await createResident(t, "alice");
    for (let i = 0; i < 2; i++) expect((await upload(alice)).status).toBe(200);
    const files = mediaFiles(t).length;
    expectLimited(await upload(alice), 2);
    expect(mediaFiles(t)).toHaveLength(files);
    expect(await countRows(t, "media_attachments")).toBe(2);
  });
});

describe("follow limit", () => {
  it("refuses the follow past the limit and stores no relationship", async () => {
    const alice = await createResident(t, "alice");
    const others = await Promise.all(["b1", "b2", "b3"].map((n) => createResident(t, n)));
    for (const o of others.slice(0, 2)) expect((await t.http.post(`/api/v1/accounts/${o.account.id}/follow`).set("Authorization", alice.auth)).status).toBe(200);
    expectLimited(await t.http.post(`/api/v1/accounts/${others[2].account.id}/follow`).set("Authorization", alice.auth), 2);
    expect(await countRows(t, "follows")).toBe(2);
  });
});

describe("configuration", () => {
  it("refuses a malformed limit naming the variable", () => {
    for (const bad of ["300", "300/3w", "0/1h", "abc/1h", "5/0s"]) {
      expect(() => loadConfig({ PARVIS_SECRET: "x".repeat(40), PARVIS_DATA_DIR: t.config.dataDir, PARVIS_RATE_LIMIT_STATUSES: bad })).toThrow(ConfigError);
    }
  });

  it("defaults to Mastodon's limits", () => {
    const config = loadConfig({ PARVIS_SECRET: "x".repeat(40), PARVIS_DATA_DIR: t.config.dataDir });
    expect(config.rateLimits).toEqual({
      statuses: { limit: 300, periodMs: 3 * 3_600_000 },
      media: { limit: 30, periodMs: 30 * 60_000 },
      follows: { limit: 400, periodMs: 24 * 3_600_000 },
    });
  });
});

describe("media files that nothing uses any more", () => {
  const fileOf = async (id: string) => (await t.services.db.select().from(mediaAttachments).where(eq(mediaAttachments.id, id)))[0]?.fileName;
  const onDisk = (name: string) => existsSync(join(t.config.dataDir, "media", name));

  it("uploads never attached are removed after a day, rows and files; recent and attached ones stay", async () => {
    const alice = await createResident(t, "alice");
    const old = await createMedia(t, alice);
    const fresh = await createMedia(t, alice);
    const used = await createMedia(t, alice);
    await createPost(t, alice, "with a picture", { mediaIds: [used.id] });
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    for (const m of [old, used]) await t.services.db.update(mediaAttachments).set({ createdAt: twoDaysAgo }).where(eq(mediaAttachments.id, m.id));
    expect(await removeUnattachedMedia(t.services.domain)).toBe(1);
    expect(onDisk(old.fileName!)).toBe(false);
    const [oldRow] = [old as { previewFileName?: string | null }];
    if (oldRow.previewFileName) expect(onDisk(oldRow.previewFileName)).toBe(false);
    expect(await fileOf(old.id)).toBeUndefined();
    expect(onDisk(fresh.fileName!) && onDisk(used.fileName!)).toBe(true);
    expect((await t.http.get(`/media/${old.fileName}`)).status).toBe(404);
  });

  for (const visibility of ["public", "private", "direct"] as const) {
    it(`the picture of a deleted ${visibility} post is no longer served`, async () => {
      const alice = await createResident(t, "alice");
      const media = (await upload(alice)).body;
      const created = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "look", visibility, media_ids: [media.id] });
      expect(created.status).toBe(200);
      const path = new URL(media.url).pathname;
      const preview = new URL(media.preview_url).pathname;
      expect(preview).not.toBe(path);
      expect((await t.http.get(path)).status).toBe(200);
      expect((await t.http.get(preview)).status).toBe(200);
      expect((await t.http.delete(`/api/v1/statuses/${created.body.id}`).set("Authorization", alice.auth)).status).toBe(200);
      expect((await t.http.get(path)).status).toBe(404);
      expect((await t.http.get(preview)).status).toBe(404);
      expect(await countRows(t, "media_attachments")).toBe(0);
    });
  }

  it("a replaced avatar is no longer served", async () => {
    const alice = await createResident(t, "alice");
    const first = await t.http.patch("/api/v1/accounts/update_credentials").set("Authorization", alice.auth).attach("avatar", pngBytes(), "a.png");
    const firstPath = new URL(first.body.avatar).pathname;
    const second = await t.http.patch("/api/v1/accounts/update_credentials").set("Authorization", alice.auth).attach("avatar", pngBytes(), "b.png");
    expect(second.body.avatar).not.toBe(first.body.avatar);
    expect((await t.http.get(firstPath)).status).toBe(404);
    expect((await t.http.get(new URL(second.body.avatar).pathname)).status).toBe(200);
  });

  it("a deleted account's avatar, header and pictures are no longer served", async () => {
    const alice = await createResident(t, "alice");
    const profile = await t.http
      .patch("/api/v1/accounts/update_credentials")
      .set("Authorization", alice.auth)
      .attach("avatar", pngBytes(), "a.png")
      .attach("header", pngBytes(), "h.png");
    const media = (await upload(alice)).body;
    await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "look", visibility: "private", media_ids: [media.id] });
    const paths = [profile.body.avatar, profile.body.header, media.url, media.preview_url].map((u: string) => new URL(u).pathname);
    for (const p of paths) expect((await t.http.get(p)).status).toBe(200);
    expect((await t.http.post("/api/parvis/account/delete").set("Authorization", alice.auth).send({ password: PASSWORD })).status).toBe(200);
    // the files go with the purge, when the deletion's grace period has ended
    await purgeDueDeletions(t.services.domain, new Date(Date.now() + 31 * 86_400_000));
    for (const p of paths) expect({ p, status: (await t.http.get(p)).status }).toEqual({ p, status: 404 });
    const names = paths.map((p) => p.split("/").pop());
    expect(mediaFiles(t).filter((f) => names.includes(f))).toEqual([]);
  });
});
