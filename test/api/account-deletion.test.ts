import { describe, expect, it } from "vitest";
import { follow } from "../../server/domain/follows";
import { upsertRemoteAccount } from "../../server/domain/accounts";
import type { DomainEvents } from "../../server/events";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident } from "../helpers/factories";

let t: TestInstance;
// without a grace period: the deletion is immediate (account-deletion-grace.test.ts has the default)
useTestInstance((instance) => (t = instance), { env: { PARVIS_ACCOUNT_DELETION_GRACE_DAYS: "0" } });

describe("deleting one's own account", () => {
  it("a resident deletes their account: posts gone, token refused, name not reusable", async () => {
    const alice = await createResident(t, "alice");
    const post = await createPost(t, alice, "bientôt parti");
    const res = await t.http.post("/api/parvis/account/delete").set("Authorization", alice.auth).send({ password: "correct horse battery" });
    expect(res.status).toBe(200);
    expect((await t.http.get(`/api/v1/statuses/${post.id}`)).status).toBe(404);
    expect((await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", alice.auth)).status).toBe(401);
    expect((await t.http.get(`/api/v1/accounts/${alice.account.id}`)).status).toBe(404);
    const again = await t.http.post("/api/v1/accounts").send({ username: "alice", password: "another password", agreement: true });
    expect(again.status).toBe(422);
  });

  it("a wrong password deletes nothing", async () => {
    const alice = await createResident(t, "alice");
    const post = await createPost(t, alice, "toujours là");
    const res = await t.http.post("/api/parvis/account/delete").set("Authorization", alice.auth).send({ password: "wrong" });
    expect(res.status).toBe(422);
    expect((await t.http.get(`/api/v1/statuses/${post.id}`)).status).toBe(200);
    expect((await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", alice.auth)).status).toBe(200);
  });

  it("deleting needs a logged-in resident and a password", async () => {
    const alice = await createResident(t, "alice");
    expect((await t.http.post("/api/parvis/account/delete").send({ password: "correct horse battery" })).status).toBe(401);
    expect((await t.http.post("/api/parvis/account/delete").set("Authorization", alice.auth).send({})).status).toBe(422);
    expect((await t.http.post("/api/parvis/account/delete").set("Authorization", alice.auth).send({ password: 12 })).status).toBe(422);
  });

  it("the deletion is announced with the inboxes of remote followers", async () => {
    const alice = await createResident(t, "alice");
    const remote = await upsertRemoteAccount(t.services.domain, {
      uri: "https://ailleurs.example/users/zoe",
      username: "zoe",
      domain: "ailleurs.example",
      inboxUrl: "https://ailleurs.example/users/zoe/inbox",
      sharedInboxUrl: "https://ailleurs.example/inbox",
    });
    await follow(t.services.domain, remote, alice.account);
    const seen: DomainEvents["account.deleted"][] = [];
    const off = t.services.events.on("account.deleted", (e) => {
      seen.push(e);
    });
    await t.http.post("/api/parvis/account/delete").set("Authorization", alice.auth).send({ password: "correct horse battery" });
    off();
    expect(seen).toEqual([{ accountId: alice.account.id, uri: alice.account.uri, local: true, followerInboxes: ["https://ailleurs.example/inbox"] }]);
  });
});
