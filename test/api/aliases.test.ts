// GET/POST/DELETE /api/parvis/account/aliases (alsoKnownAs), and moveAccount:
// the domain step a Move takes (local followers follow the new account).
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accounts, followRequests, follows } from "../../server/db/schema";
import { upsertRemoteAccount } from "../../server/domain/accounts";
import { moveAccount } from "../../server/domain/follows";
import { block } from "../../server/domain/blocks";
import { follow } from "../../server/domain/follows";
import type { DomainEvents } from "../../server/events";
import { createResident } from "../helpers/factories";
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

const stored = async (id: string) => (await t.services.db.select().from(accounts).where(eq(accounts.id, id)))[0].alsoKnownAs;

describe("aliases", () => {
  it("a resident declares, lists and removes an alias", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const zoe = await upsertRemoteAccount(t.services.domain, { uri: "https://ailleurs.example/users/zoe", username: "zoe", domain: "ailleurs.example" });
    expect((await t.http.get("/api/parvis/account/aliases").set("Authorization", alice.auth)).body).toEqual([]);
    const added = await t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ acct: "@zoe@ailleurs.example" });
    expect(added.status).toBe(200);
    expect(added.body).toEqual([{ uri: zoe.uri, acct: "zoe@ailleurs.example" }]);
    await t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ acct: `bob@${t.config.domain}` }).expect(200);
    // the same one twice is stored once
    await t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ acct: "zoe@ailleurs.example" }).expect(200);
    expect(await stored(alice.account.id)).toEqual([zoe.uri, bob.account.uri]);
    const removed = await t.http.delete("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ alias: zoe.uri });
    expect(removed.body).toEqual([{ uri: bob.account.uri, acct: `bob@${t.config.domain}` }]);
    await t.http.delete("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ alias: `bob@${t.config.domain}` }).expect(200);
    expect(await stored(alice.account.id)).toEqual([]);
    // bob's own list is untouched throughout
    expect(await stored(bob.account.id)).toEqual([]);
  });

  it("bad input: a clear 4xx and nothing stored", async () => {
    const alice = await createResident(t, "alice");
    const cases: [string, import("supertest").Test, number][] = [
      ["no auth", t.http.post("/api/parvis/account/aliases").send({ acct: "zoe@ailleurs.example" }), 401],
      ["missing", t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).send({}), 422],
      ["wrong type", t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ acct: ["x"] }), 422],
      ["not an address", t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ acct: "'; drop table accounts; --" }), 422],
      ["huge", t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ acct: `${"a".repeat(400)}@x.example` }), 422],
      ["unknown local", t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ acct: `nobody@${t.config.domain}` }), 404],
      ["unreachable", t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ acct: "zoe@unreachable.invalid" }), 404],
      ["self", t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ acct: `alice@${t.config.domain}` }), 422],
      ["malformed JSON", t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).set("Content-Type", "application/json").send("{"), 400],
      ["remove unknown", t.http.delete("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ alias: "https://x.example/u/1" }), 404],
      ["remove nothing", t.http.delete("/api/parvis/account/aliases").set("Authorization", alice.auth).send({}), 422],
    ];
    for (const [name, req, status] of cases) {
      const res = await req;
      expect(res.status, name).toBe(status);
      expect(res.body.error, name).toEqual(expect.any(String));
    }
    expect(await stored(alice.account.id)).toEqual([]);
  });

  it("at most ten", async () => {
    const alice = await createResident(t, "alice");
    for (let i = 0; i < 11; i++) await upsertRemoteAccount(t.services.domain, { uri: `https://ailleurs.example/users/u${i}`, username: `u${i}`, domain: "ailleurs.example" });
    for (let i = 0; i < 10; i++) await t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ acct: `u${i}@ailleurs.example` }).expect(200);
    expect((await t.http.post("/api/parvis/account/aliases").set("Authorization", alice.auth).send({ acct: "u10@ailleurs.example" })).status).toBe(422);
    expect(await stored(alice.account.id)).toHaveLength(10);
  });
});

describe("moving an account (the domain step of Move)", () => {
  it("local followers follow the new account instead; the old one points at it", async () => {
    const ctx = t.services.domain;
    const alice = await createResident(t, "alice");
    const carol = await createResident(t, "carol");
    const dan = await createResident(t, "dan");
    const newHome = await upsertRemoteAccount(ctx, {
      uri: "https://ailleurs.example/users/alice",
      username: "alice",
      domain: "ailleurs.example",
      inboxUrl: "https://ailleurs.example/users/alice/inbox",
    });
    await follow(ctx, carol.account, alice.account);
    await follow(ctx, dan.account, alice.account);
    await block(ctx, dan.account.id, newHome.id);
    // without the alias on the new account, nothing moves
    await expect(moveAccount(ctx, { accountId: alice.account.id, targetAccountId: newHome.id })).rejects.toThrow(/aliases/);
    await t.services.db.update(accounts).set({ alsoKnownAs: [alice.account.uri] }).where(eq(accounts.id, newHome.id));
    const seen: DomainEvents["account.moved"][] = [];
    const off = t.services.events.on("account.moved", (e) => void seen.push(e));
    const outcome = await moveAccount(ctx, { accountId: alice.account.id, targetAccountId: newHome.id });
    off();
    expect(outcome).toEqual({ moved: [carol.account.id], kept: [dan.account.id] });
    expect(seen).toEqual([{ accountId: alice.account.id, targetAccountId: newHome.id, local: true }]);
    // a remote new account: a follow request until its server accepts, as through the API
    expect(await t.services.db.select().from(followRequests).where(and(eq(followRequests.accountId, carol.account.id), eq(followRequests.targetAccountId, newHome.id)))).toHaveLength(1);
    expect(await t.services.db.select().from(follows).where(eq(follows.accountId, carol.account.id))).toEqual([]);
    // dan blocks the new account: he keeps following the old one
    expect(await t.services.db.select().from(follows).where(eq(follows.accountId, dan.account.id))).toHaveLength(1);
    const [moved] = await t.services.db.select().from(accounts).where(eq(accounts.id, alice.account.id));
    expect(moved.movedToAccountId).toBe(newHome.id);
  });
});
