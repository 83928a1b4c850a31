// POST/GET /api/parvis/account/export and the archive itself: its files are
// unzipped and read back (CSV headers and rows, ActivityStreams documents,
// media bytes), only its owner downloads it, a worker that died mid-archive
// is replaced after its lease, and expired archives leave the disk.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dataExports, mediaAttachments } from "../../server/db/schema";
import { upsertRemoteAccount } from "../../server/domain/accounts";
import { block, mute } from "../../server/domain/blocks";
import { EXPORT_LEASE_MS, EXPORT_MAX_ATTEMPTS, exportFilePath, expireExports, runExports } from "../../server/domain/export";
import { authorizeFollowRequest, follow } from "../../server/domain/follows";
import { bookmark, favourite, reblog } from "../../server/domain/interactions";
import { mediaDir } from "../../server/domain/media";
import { countRows, createMedia } from "../helpers/api";
import { createPost, createResident } from "../helpers/factories";
import { startInstance, type TestInstance } from "../helpers/instance";
import { openTestDatabase } from "../helpers/db";

let t: TestInstance;
const scratch = mkdtempSync(join(tmpdir(), "parvis-export-test-"));
beforeAll(async () => {
  t = await startInstance();
});
afterAll(async () => {
  await t.stop();
});
beforeEach(async () => {
  await t.reset();
});

const binary = (res: import("superagent").Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on("data", (c: Buffer) => chunks.push(c));
  res.on("end", () => cb(null, Buffer.concat(chunks)));
};

async function download(auth: string): Promise<string> {
  const res = await t.http.get("/api/parvis/account/export/file").set("Authorization", auth).buffer(true).parse(binary);
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toBe("application/zip");
  expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="?parvis-alice-\d{4}-\d{2}-\d{2}\.zip"?$/);
  const path = join(scratch, `${Date.now()}-${Math.random()}.zip`);
  writeFileSync(path, res.body as Buffer);
  return path;
}
const entry = (zip: string, name: string): Buffer => execFileSync("unzip", ["-p", zip, name], { maxBuffer: 1 << 26 });
const text = (zip: string, name: string): string => entry(zip, name).toString("utf8");

describe("a resident's archive", () => {
  it("holds their profile, posts, likes, bookmarks, relationships as Mastodon CSV, and their media", async () => {
    const ctx = t.services.domain;
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const dave = await createResident(t, "dave");
    const eve = await createResident(t, "eve");
    const zoe = await upsertRemoteAccount(ctx, { uri: "https://ailleurs.example/users/zoe", username: "zoe", domain: "ailleurs.example", inboxUrl: "https://ailleurs.example/users/zoe/inbox" });
    const media = await createMedia(t, alice, "La fontaine");
    const withMedia = await createPost(t, alice, "La fontaine est réparée", { mediaIds: [media.id] });
    const tagged = await createPost(t, alice, "Marché dimanche #marche avec @bob", { visibility: "unlisted" });
    const bobPost = await createPost(t, bob, "Conseil municipal jeudi");
    await reblog(ctx, alice.account, bobPost.id);
    await favourite(ctx, alice.account, bobPost.id);
    await bookmark(ctx, alice.account.id, bobPost.id);
    await follow(ctx, alice.account, bob.account, { reblogs: false, notify: true });
    await follow(ctx, alice.account, zoe);
    // zoe's server accepted (a follow request until then, not in Mastodon's export either)
    await authorizeFollowRequest(ctx, zoe.id, alice.account.id);
    await follow(ctx, eve.account, alice.account);
    await block(ctx, alice.account.id, carol.account.id);
    await mute(ctx, alice.account.id, dave.account.id, { notifications: false });

    const asked = await t.http.post("/api/parvis/account/export").set("Authorization", alice.auth);
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ state: "queued", download_url: null });
    expect((await t.http.get("/api/parvis/account/export/file").set("Authorization", alice.auth)).status).toBe(404);
    const { built } = await runExports(ctx);
    expect(built).toEqual([asked.body.id]);
    const state = await t.http.get("/api/parvis/account/export").set("Authorization", alice.auth);
    expect(state.body).toMatchObject({ id: asked.body.id, state: "ready", download_url: "/api/parvis/account/export/file", progress: { done: 4, total: 4 } });
    expect(Date.parse(state.body.expires_at) - Date.parse(state.body.finished_at)).toBe(7 * 86_400_000);

    const zip = await download(alice.auth);
    expect(execFileSync("unzip", ["-tq", zip]).toString()).toMatch(/No errors detected/);
    const [row] = await t.services.db.select().from(mediaAttachments).where(eq(mediaAttachments.id, media.id));
    expect(execFileSync("unzip", ["-Z1", zip]).toString().trim().split("\n").sort()).toEqual(
      [
        "actor.json",
        "outbox.json",
        "likes.json",
        "bookmarks.json",
        "bookmarks.csv",
        "following_accounts.csv",
        "followers.csv",
        "blocked_accounts.csv",
        "muted_accounts.csv",
        `media_attachments/files/${row.fileName}`,
      ].sort(),
    );
    const here = t.config.domain;
    expect(text(zip, "following_accounts.csv")).toBe(`Account address,Show boosts,Notify on new posts,Languages\nbob@${here},false,true,\nzoe@ailleurs.example,true,false,\n`);
    expect(text(zip, "followers.csv")).toBe(`Account address\neve@${here}\n`);
    expect(text(zip, "blocked_accounts.csv")).toBe(`carol@${here}\n`);
    expect(text(zip, "muted_accounts.csv")).toBe(`Account address,Hide notifications\ndave@${here},false\n`);
    expect(text(zip, "bookmarks.csv")).toBe(`${bobPost.uri}\n`);
    expect(JSON.parse(text(zip, "likes.json"))).toMatchObject({ type: "OrderedCollection", totalItems: 1, orderedItems: [bobPost.uri] });
    expect(JSON.parse(text(zip, "bookmarks.json"))).toMatchObject({ type: "OrderedCollection", totalItems: 1, orderedItems: [bobPost.uri] });

    const actor = JSON.parse(text(zip, "actor.json"));
    expect(actor).toMatchObject({ id: alice.account.uri, type: "Person", preferredUsername: "alice", outbox: "outbox.json" });
    const outbox = JSON.parse(text(zip, "outbox.json"));
    expect(outbox).toMatchObject({ type: "OrderedCollection", totalItems: 3 });
    const [first, second, third] = outbox.orderedItems;
    expect(first).toMatchObject({
      type: "Create",
      actor: alice.account.uri,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      object: { id: withMedia.uri, type: "Note", attachment: [{ type: "Document", url: `media_attachments/files/${row.fileName}`, name: "La fontaine" }] },
    });
    expect(first.object.content).toContain("La fontaine est réparée");
    expect(second.object.id).toBe(tagged.uri);
    expect(second.to).toEqual([alice.account.followersUrl ?? `${alice.account.uri}/followers`]);
    expect(second.object.tag).toEqual(
      expect.arrayContaining([
        { type: "Mention", href: bob.account.uri, name: `@bob@${here}` },
        expect.objectContaining({ type: "Hashtag", name: "#marche" }),
      ]),
    );
    expect(third).toMatchObject({ type: "Announce", object: bobPost.uri });
    // the media file, byte for byte
    expect(Buffer.compare(entry(zip, `media_attachments/files/${row.fileName}`), readFileSync(join(mediaDir(ctx), row.fileName!)))).toBe(0);
  });

  it("a resident without anything still gets a valid archive with the CSV headers", async () => {
    const alice = await createResident(t, "alice");
    await t.http.post("/api/parvis/account/export").set("Authorization", alice.auth).expect(202);
    await runExports(t.services.domain);
    const zip = await download(alice.auth);
    expect(text(zip, "following_accounts.csv")).toBe("Account address,Show boosts,Notify on new posts,Languages\n");
    expect(text(zip, "blocked_accounts.csv")).toBe("");
    expect(JSON.parse(text(zip, "outbox.json"))).toMatchObject({ totalItems: 0, orderedItems: [] });
  });

  it("only its owner sees or downloads it", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await createPost(t, alice, "privé", { visibility: "private" });
    await t.http.post("/api/parvis/account/export").set("Authorization", alice.auth).expect(202);
    await runExports(t.services.domain);
    expect((await t.http.get("/api/parvis/account/export/file")).status).toBe(401);
    expect((await t.http.get("/api/parvis/account/export")).status).toBe(401);
    expect((await t.http.post("/api/parvis/account/export")).status).toBe(401);
    expect((await t.http.get("/api/parvis/account/export/file").set("Authorization", bob.auth)).status).toBe(404);
    expect((await t.http.get("/api/parvis/account/export").set("Authorization", bob.auth)).body).toEqual({ state: "none" });
    // the archive is not under /media or anywhere else served
    const [row] = await t.services.db.select().from(dataExports);
    expect((await t.http.get(`/media/${row.id}.zip`)).status).toBe(404);
    expect((await t.http.get(`/exports/${row.id}.zip`)).status).not.toBe(200);
  });

  it("asking again while one is under way returns it; a new one waits a day after the last", async () => {
    const alice = await createResident(t, "alice");
    const first = await t.http.post("/api/parvis/account/export").set("Authorization", alice.auth);
    const again = await t.http.post("/api/parvis/account/export").set("Authorization", alice.auth);
    expect(again.body.id).toBe(first.body.id);
    expect(await countRows(t, "data_exports")).toBe(1);
    await runExports(t.services.domain);
    const refused = await t.http.post("/api/parvis/account/export").set("Authorization", alice.auth);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/already made today/);
    // a day later the old archive is replaced, its file removed
    await t.services.db.update(dataExports).set({ createdAt: new Date(Date.now() - 25 * 3_600_000) });
    const oldPath = exportFilePath(t.services.domain, first.body.id);
    expect(existsSync(oldPath)).toBe(true);
    const next = await t.http.post("/api/parvis/account/export").set("Authorization", alice.auth);
    expect(next.status).toBe(202);
    expect(next.body.id).not.toBe(first.body.id);
    expect(existsSync(oldPath)).toBe(false);
    expect(await countRows(t, "data_exports")).toBe(1);
  });

  it("expired archives are deleted, file and row", async () => {
    const alice = await createResident(t, "alice");
    const { body } = await t.http.post("/api/parvis/account/export").set("Authorization", alice.auth);
    await runExports(t.services.domain);
    const path = exportFilePath(t.services.domain, body.id);
    expect(existsSync(path)).toBe(true);
    expect(await expireExports(t.services.domain, new Date(Date.now() + 6 * 86_400_000))).toBe(0);
    expect(await expireExports(t.services.domain, new Date(Date.now() + 8 * 86_400_000))).toBe(1);
    expect(existsSync(path)).toBe(false);
    expect(await countRows(t, "data_exports")).toBe(0);
    expect((await t.http.get("/api/parvis/account/export/file").set("Authorization", alice.auth)).status).toBe(404);
  });

  it("a missing media file is left out instead of failing the archive", async () => {
    const alice = await createResident(t, "alice");
    const media = await createMedia(t, alice);
    await createPost(t, alice, "photo", { mediaIds: [media.id] });
    const [row] = await t.services.db.select().from(mediaAttachments).where(eq(mediaAttachments.id, media.id));
    execFileSync("rm", [join(mediaDir(t.services.domain), row.fileName!)]);
    await t.http.post("/api/parvis/account/export").set("Authorization", alice.auth);
    expect((await runExports(t.services.domain)).built).toHaveLength(1);
    const zip = await download(alice.auth);
    expect(execFileSync("unzip", ["-Z1", zip]).toString()).not.toContain("media_attachments");
  });
});

describe("the export job survives a restart", () => {
  it("an archive whose worker died is built again once its lease ran out, on the restarted instance", async () => {
    const database = await openTestDatabase();
    const first = await startInstance({ database, keepDatabase: true });
    const alice = await createResident(first, "alice");
    await createPost(first, alice, "avant la panne");
    const { body } = await first.http.post("/api/parvis/account/export").set("Authorization", alice.auth);
    // a worker claimed it and was writing when the process died: a running row and a partial file
    const claimedAt = new Date();
    await first.services.db
      .update(dataExports)
      .set({ state: "running", attempts: 1, leaseUntil: new Date(claimedAt.getTime() + EXPORT_LEASE_MS), done: 1, total: 5 })
      .where(eq(dataExports.id, body.id));
    await first.stop();

    const second = await startInstance({ database });
    try {
      const ctx = second.services.domain;
      // while the lease holds, nobody else takes it
      expect((await runExports(ctx, new Date(claimedAt.getTime() + 1000))).built).toEqual([]);
      expect((await second.http.get("/api/parvis/account/export").set("Authorization", alice.auth)).body).toMatchObject({ state: "running", progress: { done: 1, total: 5 } });
      // past it, the next run starts the archive over and finishes it
      const later = new Date(claimedAt.getTime() + EXPORT_LEASE_MS + 1000);
      expect((await runExports(ctx, later)).built).toEqual([body.id]);
      const [row] = await second.services.db.select().from(dataExports).where(eq(dataExports.id, body.id));
      expect(row).toMatchObject({ state: "ready", attempts: 2 });
      const res = await second.http.get("/api/parvis/account/export/file").set("Authorization", alice.auth).buffer(true).parse(binary);
      expect(res.status).toBe(200);
      const path = join(scratch, "restart.zip");
      writeFileSync(path, res.body as Buffer);
      expect(execFileSync("unzip", ["-p", path, "outbox.json"]).toString()).toContain("avant la panne");
    } finally {
      await second.stop();
    }
  });

  it("an archive that keeps killing its worker is given up after a few attempts", async () => {
    const alice = await createResident(t, "alice");
    const { body } = await t.http.post("/api/parvis/account/export").set("Authorization", alice.auth);
    await t.services.db
      .update(dataExports)
      .set({ state: "running", attempts: EXPORT_MAX_ATTEMPTS, leaseUntil: new Date(Date.now() - 1000) })
      .where(eq(dataExports.id, body.id));
    expect((await runExports(t.services.domain)).built).toEqual([]);
    expect((await t.http.get("/api/parvis/account/export").set("Authorization", alice.auth)).body).toMatchObject({ state: "failed", error: "The archive could not be built" });
  });
});
