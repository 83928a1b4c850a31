// Account deletion with its grace period (PARVIS_ACCOUNT_DELETION_GRACE_DAYS,
// 30 days by default): deactivated at once, cancelled by logging in with the
// password, purged by the durable job once the grace ended, with account.deleted
// journaled for the outbox (Delete(Person)).
import { eq } from "drizzle-orm";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accounts, eventJournal, mediaAttachments, users } from "../../server/db/schema";
import { upsertRemoteAccount } from "../../server/domain/accounts";
import { purgeDueDeletions } from "../../server/domain/account-deletion";
import { follow } from "../../server/domain/follows";
import { mediaDir } from "../../server/domain/media";
import { runExports } from "../../server/domain/export";
import type { DomainEvents } from "../../server/events";
import { countRows, createMedia } from "../helpers/api";
import { createPost, createResident } from "../helpers/factories";
import { startInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
beforeAll(async () => {
  t = await startInstance();
});
afterAll(async () => {
  await t.stop();
});
beforeEach(async () => {
  await t.reset();
});

const DAY = 86_400_000;
const login = (username: string, password = "correct horse battery") => t.http.post("/api/parvis/web/session").send({ username, password });

describe("deleting one's account, with a grace period", () => {
  it("the account is deactivated at once: hidden, tokens refused, no posting, no login", async () => {
    const alice = await createResident(t, "alice");
    const post = await createPost(t, alice, "je pars");
    const res = await t.http.post("/api/parvis/account/delete").set("Authorization", alice.auth).send({ password: "correct horse battery" });
    expect(res.status).toBe(200);
    const due = Date.parse(res.body.deletion_due_at);
    expect(Math.abs(due - (Date.now() + 30 * DAY))).toBeLessThan(60_000);
    expect((await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", alice.auth)).status).toBe(401);
    expect((await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "encore" })).status).toBe(401);
    expect((await t.http.get(`/api/v1/accounts/${alice.account.id}`)).status).toBe(404);
    expect((await t.http.get(`/api/v1/statuses/${post.id}`)).status).toBe(404);
    const refused = await login("alice");
    expect(refused.status).toBe(403);
    expect(refused.body.details.account[0].error).toBe("ERR_DELETION_PENDING");
    expect(refused.body.details.deletion_due_at[0].error).toBe(res.body.deletion_due_at);
    // a wrong password says nothing about the pending deletion
    const wrong = await login("alice", "nope");
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain("DELETION");
    // nothing is gone yet
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("logging in during the grace cancels: the account and its posts come back", async () => {
    const alice = await createResident(t, "alice");
    const post = await createPost(t, alice, "je reste finalement");
    await t.http.post("/api/parvis/account/delete").set("Authorization", alice.auth).send({ password: "correct horse battery" }).expect(200);
    expect((await t.http.post("/api/parvis/account/delete/cancel").send({ username: "alice", password: "wrong" })).status).toBe(401);
    expect((await login("alice")).status).toBe(403);
    const cancel = await t.http.post("/api/parvis/account/delete/cancel").send({ username: "alice", password: "correct horse battery" });
    expect(cancel.status).toBe(200);
    const [user] = await t.services.db.select().from(users).where(eq(users.id, alice.user.id));
    expect(user).toMatchObject({ deletionRequestedAt: null, deletionDueAt: null });
    expect((await login("alice")).status).toBe(200);
    expect((await t.http.get(`/api/v1/statuses/${post.id}`)).status).toBe(200);
    expect((await t.http.get(`/api/v1/accounts/${alice.account.id}`)).status).toBe(200);
    // the purge job finds nothing to do, even long after
    expect(await purgeDueDeletions(t.services.domain, new Date(Date.now() + 60 * DAY))).toEqual([]);
    // cancelling what is not pending is a conflict
    expect((await t.http.post("/api/parvis/account/delete/cancel").send({ username: "alice", password: "correct horse battery" })).status).toBe(409);
  });

  it("a moderators' suspension stays when the resident cancels their deletion", async () => {
    const alice = await createResident(t, "alice");
    const suspended = new Date(Date.now() - DAY);
    await t.services.db.update(accounts).set({ suspendedAt: suspended }).where(eq(accounts.id, alice.account.id));
    await t.services.db.update(users).set({ deletionRequestedAt: new Date(), deletionDueAt: new Date(Date.now() + DAY) }).where(eq(users.id, alice.user.id));
    await t.http.post("/api/parvis/account/delete/cancel").send({ username: "alice", password: "correct horse battery" }).expect(200);
    const [account] = await t.services.db.select().from(accounts).where(eq(accounts.id, alice.account.id));
    expect(account.suspendedAt?.getTime()).toBe(suspended.getTime());
  });

  it("once the grace ended, the job purges content, media and archives, and journals account.deleted", async () => {
    const ctx = t.services.domain;
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const media = await createMedia(t, alice);
    await createPost(t, alice, "photo", { mediaIds: [media.id] });
    const [row] = await t.services.db.select().from(mediaAttachments).where(eq(mediaAttachments.id, media.id));
    const file = join(mediaDir(ctx), row.fileName!);
    await t.http.post("/api/parvis/account/export").set("Authorization", alice.auth).expect(202);
    await runExports(ctx);
    const remote = await upsertRemoteAccount(ctx, {
      uri: "https://ailleurs.example/users/zoe",
      username: "zoe",
      domain: "ailleurs.example",
      inboxUrl: "https://ailleurs.example/users/zoe/inbox",
      sharedInboxUrl: "https://ailleurs.example/inbox",
    });
    await follow(ctx, remote, alice.account);
    await follow(ctx, bob.account, alice.account);
    await t.http.post("/api/parvis/account/delete").set("Authorization", alice.auth).send({ password: "correct horse battery" }).expect(200);
    expect(await purgeDueDeletions(ctx, new Date(Date.now() + 29 * DAY))).toEqual([]);
    expect(existsSync(file)).toBe(true);

    const seen: DomainEvents["account.deleted"][] = [];
    const off = t.services.events.on("account.deleted", (e) => {
      seen.push(e);
    });
    // the outbox fails this time: the journaled event must stay to be sent again
    const offFailing = t.services.events.on("account.deleted", () => {
      throw new Error("outbox down");
    });
    expect(await purgeDueDeletions(ctx, new Date(Date.now() + 31 * DAY))).toEqual([alice.account.id]);
    await t.services.events.settle();
    off();
    offFailing();
    expect(seen).toEqual([{ accountId: alice.account.id, uri: alice.account.uri, local: true, followerInboxes: ["https://ailleurs.example/inbox"] }]);
    expect(await countRows(t, "statuses")).toBe(0);
    expect(await countRows(t, "follows")).toBe(0);
    expect(await countRows(t, "data_exports")).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(await t.services.db.select().from(users).where(eq(users.id, alice.user.id))).toEqual([]);
    const [emptied] = await t.services.db.select().from(accounts).where(eq(accounts.id, alice.account.id));
    expect(emptied).toMatchObject({ displayName: "", note: "", alsoKnownAs: [] });
    expect(emptied.suspendedAt).not.toBeNull();
    // journaled in the purge's transaction: a failed (or crashed) outbox gets it again from the journal
    expect(await t.services.db.select().from(eventJournal).where(eq(eventJournal.name, "account.deleted"))).toHaveLength(1);
    // the name stays taken
    expect((await t.http.post("/api/v1/accounts").send({ username: "alice", password: "another password", agreement: true })).status).toBe(422);
  });

  it("bad input: nothing scheduled", async () => {
    const alice = await createResident(t, "alice");
    expect((await t.http.post("/api/parvis/account/delete").set("Authorization", alice.auth).send({ password: "wrong" })).status).toBe(422);
    expect((await t.http.post("/api/parvis/account/delete").set("Authorization", alice.auth).send({ password: ["x"] })).status).toBe(422);
    expect((await t.http.post("/api/parvis/account/delete").set("Authorization", alice.auth).set("Content-Type", "application/json").send("{bad")).status).toBe(400);
    expect((await t.http.post("/api/parvis/account/delete").send({ password: "correct horse battery" })).status).toBe(401);
    for (const body of [{}, { username: "alice" }, { username: 3, password: "x" }, { username: "x".repeat(400), password: "x" }, { username: "alice'; drop table users; --", password: "x" }]) {
      const res = await t.http.post("/api/parvis/account/delete/cancel").send(body);
      expect([401, 422]).toContain(res.status);
      expect(res.body.error).toEqual(expect.any(String));
    }
    const [user] = await t.services.db.select().from(users).where(eq(users.id, alice.user.id));
    expect(user.deletionDueAt).toBeNull();
    expect((await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", alice.auth)).status).toBe(200);
  });
});
