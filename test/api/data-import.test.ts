// POST /api/parvis/account/import and its progress: Mastodon's CSV files for
// follows, blocks, mutes and bookmarks, worked line by line by the job (each
// line's result kept), malformed lines reported and never fatal, overwrite
// mode, and bad uploads refused with nothing stored.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { blocks, bookmarks, followRequests, follows, mutes } from "../../server/db/schema";
import { BULK_IMPORT_LINES, runImports } from "../../server/domain/imports";
import { runDataRightsJobs } from "../../server/jobs";
import { rowsOf } from "../../server/db/rows";
import { follow } from "../../server/domain/follows";
import { upsertRemoteAccount } from "../../server/domain/accounts";
import { countRows } from "../helpers/api";
import { createPost, createResident } from "../helpers/factories";
import { startInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
beforeAll(async () => {
  t = await startInstance({ env: { PARVIS_IMPORT_MAX_BYTES: "4096" } });
});
afterAll(async () => {
  await t.stop();
});
beforeEach(async () => {
  await t.reset();
});

const upload = (auth: string, type: string, csv: string | Buffer, mode?: string) => {
  const req = t.http.post("/api/parvis/account/import").set("Authorization", auth).field("type", type);
  if (mode) req.field("mode", mode);
  return req.attach("data", Buffer.isBuffer(csv) ? csv : Buffer.from(csv), { filename: "export.csv", contentType: "text/csv" });
};

describe("importing Mastodon CSV files", () => {
  it("follows: each line resolved and followed as the API would, malformed lines reported, never fatal", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol", { locked: true });
    const here = t.config.domain;
    const csv = [
      "Account address,Show boosts,Notify on new posts,Languages",
      `bob@${here},false,true,fr`,
      "pas une adresse",
      `nobody@${here},true,false,`,
      `@carol@${here},true,false,`,
      `alice@${here},true,false,`,
      `"unclosed@${here},true`,
    ].join("\r\n");
    const res = await upload(alice.auth, "following", csv);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ type: "following", mode: "merge", state: "queued", total: 6, processed: 2, failed: 2 });
    expect(await runImports(t.services.domain)).toEqual([res.body.id]);
    const [f] = await t.services.db.select().from(follows).where(and(eq(follows.accountId, alice.account.id), eq(follows.targetAccountId, bob.account.id)));
    expect(f).toMatchObject({ showReblogs: false, notify: true });
    // a locked account gets a follow request, as through the API
    expect(await t.services.db.select().from(followRequests).where(eq(followRequests.targetAccountId, carol.account.id))).toHaveLength(1);
    const shown = await t.http.get(`/api/parvis/account/import/${res.body.id}`).set("Authorization", alice.auth);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ state: "ready", total: 6, processed: 6, failed: 4 });
    expect(shown.body.lines.map((l: { line: number; state: string; error: string | null }) => [l.line, l.state, l.error])).toEqual([
      [2, "done", null],
      [3, "error", "invalid"],
      [4, "error", "not_found"],
      [5, "done", null],
      [6, "error", "self"],
      [7, "error", "invalid"],
    ]);
    const failedOnly = await t.http.get(`/api/parvis/account/import/${res.body.id}?failed=true&limit=2`).set("Authorization", alice.auth);
    expect(failedOnly.body.lines.map((l: { line: number }) => l.line)).toEqual([3, 4]);
    const list = await t.http.get("/api/parvis/account/imports").set("Authorization", alice.auth);
    expect(list.body.map((i: { id: string }) => i.id)).toEqual([res.body.id]);
  });

  it("a bulk import refreshes the planner's statistics when it ends; a small one leaves them to the upkeep", async () => {
    const alice = await createResident(t, "alice");
    const here = t.config.domain;
    const lastAnalyze = async () => {
      const [row] = rowsOf<{ at: string | Date | null }>(await t.services.db.execute(sql`select last_analyze as at from pg_stat_user_tables where relname = 'data_import_rows'`));
      return row?.at ? new Date(row.at).getTime() : 0;
    };
    const state = async (id: string) => (await t.http.get(`/api/parvis/account/import/${id}`).set("Authorization", alice.auth)).body.state;

    const small = await upload(alice.auth, "blocks", `x1@${here}\nx2@${here}\n`).expect(202);
    const beforeSmall = await lastAnalyze();
    await runDataRightsJobs(t.services);
    expect(await state(small.body.id)).toBe("ready");
    expect(await lastAnalyze()).toBe(beforeSmall);

    const lines = Array.from({ length: BULK_IMPORT_LINES }, (_, i) => `x${i}@${here}`).join("\n");
    const bulk = await upload(alice.auth, "blocks", lines).expect(202);
    await runDataRightsJobs(t.services);
    expect(await state(bulk.body.id)).toBe("ready");
    expect(await lastAnalyze()).toBeGreaterThan(beforeSmall);
  });

  it("a remote address nobody can reach is a line's failure, not the file's", async () => {
    const alice = await createResident(t, "alice");
    const res = await upload(alice.auth, "blocks", "zoe@unreachable.invalid\n");
    await runImports(t.services.domain);
    const shown = await t.http.get(`/api/parvis/account/import/${res.body.id}`).set("Authorization", alice.auth);
    expect(shown.body).toMatchObject({ state: "ready", failed: 1, lines: [{ line: 1, state: "error", error: "not_found" }] });
  });

  it("blocks (no header, as Mastodon writes them), mutes and bookmarks", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const zoe = await upsertRemoteAccount(t.services.domain, { uri: "https://ailleurs.example/users/zoe", username: "zoe", domain: "ailleurs.example" });
    const here = t.config.domain;
    await upload(alice.auth, "blocks", `bob@${here}\nzoe@ailleurs.example\n`).expect(202);
    await upload(alice.auth, "mutes", `Account address,Hide notifications\ncarol@${here},false\n`).expect(202);
    const post = await createPost(t, bob, "à garder");
    const hidden = await createPost(t, carol, "réservé", { visibility: "direct" });
    const b = await upload(alice.auth, "bookmarks", `${post.uri}\n${hidden.uri}\nhttps://ailleurs.example/inconnu\nftp://x\n`);
    await runImports(t.services.domain);
    expect((await t.services.db.select().from(blocks).where(eq(blocks.accountId, alice.account.id))).map((r) => r.targetAccountId).sort()).toEqual([bob.account.id, zoe.id].sort());
    const [m] = await t.services.db.select().from(mutes).where(eq(mutes.accountId, alice.account.id));
    expect(m).toMatchObject({ targetAccountId: carol.account.id, hideNotifications: false });
    expect((await t.services.db.select().from(bookmarks).where(eq(bookmarks.accountId, alice.account.id))).map((r) => r.statusId)).toEqual([post.id]);
    const shown = await t.http.get(`/api/parvis/account/import/${b.body.id}`).set("Authorization", alice.auth);
    expect(shown.body.lines.map((l: { state: string; error: string | null }) => l.error)).toEqual([null, "not_found", "not_found", "invalid"]);
  });

  it("overwrite: what the file does not list goes, what it lists stays", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await follow(t.services.domain, alice.account, carol.account);
    await upload(alice.auth, "following", `bob@${t.config.domain}\n`, "overwrite").expect(202);
    await runImports(t.services.domain);
    expect((await t.services.db.select().from(follows).where(eq(follows.accountId, alice.account.id))).map((f) => f.targetAccountId)).toEqual([bob.account.id]);
  });

  it("the job takes up a half-worked import after a restart (lines are its state)", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const res = await upload(alice.auth, "blocks", `bob@${t.config.domain}\ncarol@${t.config.domain}\n`);
    // a worker claimed it and died: running, lease still held
    const { dataImports } = await import("../../server/db/schema");
    const claimed = new Date();
    await t.services.db.update(dataImports).set({ state: "running", leaseUntil: new Date(claimed.getTime() + 120_000) }).where(eq(dataImports.id, res.body.id));
    expect(await runImports(t.services.domain, claimed)).toEqual([]);
    expect(await runImports(t.services.domain, new Date(claimed.getTime() + 121_000))).toEqual([res.body.id]);
    expect(await countRows(t, "blocks")).toBe(2);
    void bob;
    void carol;
  });

  it("only its owner reads an import", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await upload(alice.auth, "blocks", `bob@${t.config.domain}\n`);
    expect((await t.http.get(`/api/parvis/account/import/${res.body.id}`).set("Authorization", bob.auth)).status).toBe(404);
    expect((await t.http.get(`/api/parvis/account/import/${res.body.id}`)).status).toBe(401);
    expect((await t.http.get("/api/parvis/account/imports").set("Authorization", bob.auth)).body).toEqual([]);
    expect((await t.http.get("/api/parvis/account/import/99999999999").set("Authorization", alice.auth)).status).toBe(404);
    expect((await t.http.get("/api/parvis/account/import/abc").set("Authorization", alice.auth)).status).toBe(404);
    expect((await t.http.get("/api/parvis/account/import/99999999999999999999999").set("Authorization", alice.auth)).status).toBe(404);
  });

  it("bad uploads are refused with nothing stored", async () => {
    const alice = await createResident(t, "alice");
    const ok = `bob@${t.config.domain}\n`;
    const cases: [string, () => import("supertest").Test][] = [
      ["no auth", () => t.http.post("/api/parvis/account/import").field("type", "blocks").attach("data", Buffer.from(ok), "a.csv")],
      ["no file", () => t.http.post("/api/parvis/account/import").set("Authorization", alice.auth).field("type", "blocks")],
      ["unknown type", () => upload(alice.auth, "lists", ok)],
      ["injection type", () => upload(alice.auth, "blocks'; drop table users; --", ok)],
      ["unknown mode", () => upload(alice.auth, "blocks", ok, "replace")],
      ["too large", () => upload(alice.auth, "blocks", ok.repeat(1000))],
      ["not UTF-8", () => upload(alice.auth, "blocks", Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3]))],
      ["empty", () => upload(alice.auth, "blocks", "")],
      ["header only", () => upload(alice.auth, "following", "Account address,Show boosts,Notify on new posts,Languages\n")],
      ["two files", () => upload(alice.auth, "blocks", ok).attach("data", Buffer.from(ok), "b.csv")],
      ["JSON body", () => t.http.post("/api/parvis/account/import").set("Authorization", alice.auth).send({ type: "blocks", data: ok })],
      ["malformed multipart", () => t.http.post("/api/parvis/account/import").set("Authorization", alice.auth).set("Content-Type", "multipart/form-data; boundary=xyz").send("--xyz\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nblo")],
    ];
    for (const [name, send] of cases) {
      const res = await send();
      expect([400, 401, 422], name).toContain(res.status);
      expect(res.body.error, name).toEqual(expect.any(String));
    }
    expect(await countRows(t, "data_imports")).toBe(0);
    expect(await countRows(t, "data_import_rows")).toBe(0);
  });

  it("a NUL byte in a line makes that line invalid, not the file", async () => {
    const alice = await createResident(t, "alice");
    const res = await upload(alice.auth, "blocks", `bo\u0000b@${t.config.domain}\n`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ state: "ready", total: 1, failed: 1 });
  });
});
