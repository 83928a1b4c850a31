// POST /api/parvis/account/move: a resident moves to another account, which
// lists theirs among its aliases. Here between two residents of one instance
// (test/federation/multi/move.test.ts moves between instances).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueToken } from "../../server/auth/tokens";
import { accounts, follows } from "../../server/db/schema";
import { upsertRemoteAccount } from "../../server/domain/accounts";
import { follow } from "../../server/domain/follows";
import type { DomainEvents } from "../../server/events";
import { createResident, type Resident } from "../helpers/factories";
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

const PASSWORD = "correct horse battery";
const row = async (id: string) => (await t.services.db.select().from(accounts).where(eq(accounts.id, id)))[0];
const followsOf = async (id: string) => (await t.services.db.select().from(follows).where(eq(follows.accountId, id))).map((f) => f.targetAccountId);
const move = (who: Resident | null, body: unknown) => {
  const req = t.http.post("/api/parvis/account/move");
  if (who) req.set("Authorization", who.auth);
  return req.send(body as object);
};
const aliasOf = async (target: Resident, old: Resident) =>
  t.services.db.update(accounts).set({ alsoKnownAs: [old.account.uri] }).where(eq(accounts.id, target.account.id));

describe("POST /api/parvis/account/move", () => {
  it("moves the resident: moved_to set, `moved` shown, local followers follow the new account, account.moved published", async () => {
    const alice = await createResident(t, "alice");
    const nouvelle = await createResident(t, "nouvelle");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    await aliasOf(nouvelle, alice);
    const seen: DomainEvents["account.moved"][] = [];
    const off = t.services.events.on("account.moved", (e) => void seen.push(e));
    const res = await move(alice, { target_acct: `@nouvelle@${t.config.domain}`, password: PASSWORD });
    off();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: alice.account.id, moved: { id: nouvelle.account.id, acct: "nouvelle" } });
    expect((await row(alice.account.id)).movedToAccountId).toBe(nouvelle.account.id);
    expect(await followsOf(bob.account.id)).toEqual([nouvelle.account.id]);
    expect(seen).toEqual([{ accountId: alice.account.id, targetAccountId: nouvelle.account.id, local: true }]);
    // everyone reading the account sees where it went; the new one has no `moved`
    const shown = await t.http.get(`/api/v1/accounts/${alice.account.id}`);
    expect(shown.body.moved).toMatchObject({ id: nouvelle.account.id, acct: "nouvelle" });
    expect((await t.http.get(`/api/v1/accounts/${nouvelle.account.id}`)).body).not.toHaveProperty("moved");
  });

  it("the new account may be named by its ActivityPub id", async () => {
    const alice = await createResident(t, "alice");
    const nouvelle = await createResident(t, "nouvelle");
    await aliasOf(nouvelle, alice);
    await move(alice, { target_uri: nouvelle.account.uri, password: PASSWORD }).expect(200);
    expect((await row(alice.account.id)).movedToAccountId).toBe(nouvelle.account.id);
  });

  it("permissions: a token without write:accounts is refused, nothing stored", async () => {
    const alice = await createResident(t, "alice");
    const nouvelle = await createResident(t, "nouvelle");
    await aliasOf(nouvelle, alice);
    const { accessToken } = await issueToken(t.services.domain, { userId: alice.user.id, scopes: "read" });
    const res = await t.http.post("/api/parvis/account/move").set("Authorization", `Bearer ${accessToken}`).send({ target_acct: "nouvelle", password: PASSWORD });
    expect(res.status).toBe(403);
    expect((await row(alice.account.id)).movedToAccountId).toBeNull();
  });

  it("bad input: a clear 4xx and nothing stored", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const nouvelle = await createResident(t, "nouvelle");
    const other = await createResident(t, "other");
    await follow(t.services.domain, bob.account, alice.account);
    await aliasOf(nouvelle, alice);
    const elsewhere = await upsertRemoteAccount(t.services.domain, { uri: "https://ailleurs.example/users/zoe", username: "zoe", domain: "ailleurs.example" });
    const local = (name: string) => `${name}@${t.config.domain}`;
    const cases: [string, () => import("supertest").Test, number][] = [
      ["no auth", () => move(null, { target_acct: local("nouvelle"), password: PASSWORD }), 401],
      ["malformed JSON", () => t.http.post("/api/parvis/account/move").set("Authorization", alice.auth).set("Content-Type", "application/json").send("{"), 400],
      ["no password", () => move(alice, { target_acct: local("nouvelle") }), 422],
      ["wrong password", () => move(alice, { target_acct: local("nouvelle"), password: "wrong horse" }), 422],
      ["no target", () => move(alice, { password: PASSWORD }), 422],
      ["both targets", () => move(alice, { target_acct: local("nouvelle"), target_uri: nouvelle.account.uri, password: PASSWORD }), 422],
      ["wrong types", () => move(alice, { target_acct: ["nouvelle"], password: 12 }), 422],
      ["huge", () => move(alice, { target_acct: `${"a".repeat(5000)}@x.example`, password: PASSWORD }), 422],
      ["injection", () => move(alice, { target_acct: "'; drop table accounts; --", password: PASSWORD }), 422],
      ["not a URL", () => move(alice, { target_uri: "javascript:alert(1)", password: PASSWORD }), 422],
      ["unknown local", () => move(alice, { target_acct: local("nobody"), password: PASSWORD }), 404],
      ["unknown local uri", () => move(alice, { target_uri: `${t.config.origin}/users/nobody`, password: PASSWORD }), 404],
      ["unreachable remote", () => move(alice, { target_acct: "zoe@unreachable.invalid", password: PASSWORD }), 404],
      ["target without the alias", () => move(alice, { target_acct: local("other"), password: PASSWORD }), 422],
      ["remote target without the alias", () => move(alice, { target_uri: elsewhere.uri, password: PASSWORD }), 422],
      ["self", () => move(alice, { target_acct: local("alice"), password: PASSWORD }), 422],
    ];
    for (const [name, req, status] of cases) {
      const res = await req();
      expect(res.status, name).toBe(status);
      expect(res.body.error, name).toEqual(expect.any(String));
    }
    expect((await row(alice.account.id)).movedToAccountId).toBeNull();
    expect(await followsOf(bob.account.id)).toEqual([alice.account.id]);
    expect((await row(other.account.id)).alsoKnownAs).toEqual([]);
  });
});
