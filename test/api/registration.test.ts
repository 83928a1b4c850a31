// POST /api/v1/accounts: username rules, uniqueness, reserved names, agreement,
// passwords, emails, the first admin and the three registration modes.
import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { users } from "../../server/db/schema";
import { findLocalAccount } from "../../server/domain/accounts";
import { createResident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { accountsTableIntact, counts, expectError, INJECTIONS, oversizedJson, passwordGrant, setRegistrationMode } from "../helpers/accounts-suite";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const PW = "long enough pw";
const register = (body: Record<string, unknown>) => t.http.post("/api/v1/accounts").send(body);
const valid = (username: string, extra: Record<string, unknown> = {}) => ({ username, password: PW, agreement: true, locale: "fr", ...extra });

async function userOf(username: string) {
  const account = await findLocalAccount(t.services.domain, username);
  if (!account) return undefined;
  const [row] = await t.services.db.select().from(users).where(eq(users.accountId, account.id));
  return row;
}

describe("registration, happy path", () => {
  it("a registration answers with a Mastodon Token entity whose token works", async () => {
    const res = await register(valid("alice"));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ access_token: expect.any(String), token_type: "Bearer", scope: "read write follow push", created_at: expect.any(Number) });
    const me = await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", `Bearer ${res.body.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: "alice", acct: "alice", locked: false });
  });

  it("a form-encoded registration works as a JSON one does", async () => {
    const res = await t.http.post("/api/v1/accounts").type("form").send({ username: "form_user", password: PW, agreement: "true", locale: "en" });
    expect(res.status).toBe(200);
    expect((await userOf("form_user"))?.locale).toBe("en");
  });

  it("the first account of a fresh instance becomes admin", async () => {
    const res = await register(valid("first"));
    expect(res.status).toBe(200);
    expect((await userOf("first"))?.role).toBe("admin");
  });

  it("later accounts are residents", async () => {
    await createResident(t, "founder", { role: "admin" });
    const res = await register(valid("second"));
    expect(res.status).toBe(200);
    expect((await userOf("second"))?.role).toBe("resident");
  });

  it("a username of exactly 30 characters is accepted", async () => {
    const res = await register(valid("a".repeat(30)));
    expect(res.status).toBe(200);
  });

  it("an optional email is stored and can be used to log in", async () => {
    expect((await register(valid("withmail", { email: "Alice@Example.org" }))).status).toBe(200);
    const res = await passwordGrant(t, "alice@example.org", PW);
    expect(res.status).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
  });
});

describe("registration, username rules", () => {
  for (const bad of ["al ice", "al-ice", "élise", "alice.dupont", "", "a".repeat(31), "alice@evil.example"]) {
    it(`the username ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 8)}…(${bad.length})` : bad)} is refused with 422 and nothing is stored`, async () => {
      const before = await counts(t);
      const res = await register(valid(bad));
      expectError(res, 422);
      expect(await counts(t)).toEqual(before);
    });
  }

  it("a username taken in another case is refused", async () => {
    expect((await register(valid("alice"))).status).toBe(200);
    const before = await counts(t);
    const res = await register(valid("ALICE"));
    expectError(res, 422, /taken/i);
    expect(await counts(t)).toEqual(before);
  });

  it("a taken username is reported in Mastodon's details shape", async () => {
    expect((await register(valid("alice"))).status).toBe(200);
    const res = await register(valid("Alice"));
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual({ username: [{ error: "ERR_TAKEN", description: expect.any(String) }] });
  });

  it("two simultaneous registrations of the same name store a single account", async () => {
    await createResident(t, "founder", { role: "admin" });
    const [a, b] = await Promise.all([register(valid("racer")), register(valid("RACER"))]);
    expect([a.status, b.status].sort()).toEqual([200, 422]);
    const loser = a.status === 200 ? b : a;
    expectError(loser, 422, /taken/i);
    expect((await counts(t)).accounts).toBe(2);
  });

  for (const reserved of ["admin", "root", "Admin", "ROOT", "instance_actor", "moderator"]) {
    it(`the reserved name ${reserved} is refused`, async () => {
      const before = await counts(t);
      const res = await register(valid(reserved));
      expectError(res, 422, /reserved/i);
      expect(await counts(t)).toEqual(before);
    });
  }
});

describe("registration, other fields", () => {
  it("a registration without agreement is refused", async () => {
    const before = await counts(t);
    const res = await register({ username: "alice", password: PW, locale: "fr" });
    expectError(res, 422);
    expect(await counts(t)).toEqual(before);
  });

  it("a registration with agreement false is refused", async () => {
    const res = await register(valid("alice", { agreement: false }));
    expectError(res, 422, /agreement/i);
    expect((await counts(t)).accounts).toBe(0);
  });

  it("a password shorter than 8 characters is refused", async () => {
    const res = await register(valid("alice", { password: "short" }));
    expectError(res, 422, /password/i);
    expect((await counts(t)).accounts).toBe(0);
  });

  it("a password longer than 256 characters is refused", async () => {
    const res = await register(valid("alice", { password: "p".repeat(257) }));
    expectError(res, 422);
    expect((await counts(t)).accounts).toBe(0);
  });

  it("a missing password is refused", async () => {
    const res = await register({ username: "alice", agreement: true });
    expectError(res, 422, /password/);
    expect((await counts(t)).accounts).toBe(0);
  });

  it("a missing username is refused", async () => {
    const res = await register({ password: PW, agreement: true });
    expectError(res, 422, /username/);
    expect((await counts(t)).accounts).toBe(0);
  });

  it("an email already used, in another case, is refused", async () => {
    expect((await register(valid("alice", { email: "alice@example.org" }))).status).toBe(200);
    const before = await counts(t);
    const res = await register(valid("bob", { email: "ALICE@example.org" }));
    expectError(res, 422, /email/i);
    expect(await counts(t)).toEqual(before);
  });

  it("an address that is not an email is refused", async () => {
    const res = await register(valid("alice", { email: "not-an-email" }));
    expectError(res, 422, /email/);
    expect((await counts(t)).accounts).toBe(0);
  });

  it("a malformed locale is refused", async () => {
    const res = await register(valid("alice", { locale: "../../etc/passwd" }));
    expectError(res, 422, /locale/);
    expect((await counts(t)).accounts).toBe(0);
  });

  it("wrong types are refused with 422", async () => {
    for (const body of [
      { username: 42, password: PW, agreement: true },
      { username: ["alice"], password: PW, agreement: true },
      { username: "alice", password: { $ne: "" }, agreement: true },
      { username: "alice", password: PW, agreement: "maybe" },
      { username: "alice", password: PW, agreement: true, email: 7 },
    ]) {
      const res = await register(body);
      expectError(res, 422);
    }
    expect((await counts(t)).accounts).toBe(0);
  });

  it("a JSON array body is refused with 422", async () => {
    const res = await t.http.post("/api/v1/accounts").set("Content-Type", "application/json").send("[1,2]");
    expectError(res, 422);
    expect((await counts(t)).accounts).toBe(0);
  });

  it("a malformed JSON body is refused with 400", async () => {
    const res = await t.http.post("/api/v1/accounts").set("Content-Type", "application/json").send('{"username": "alice", ');
    expectError(res, 400);
    expect((await counts(t)).accounts).toBe(0);
  });

  it("a body over 256 kB is refused with 413", async () => {
    const res = await t.http.post("/api/v1/accounts").set("Content-Type", "application/json").send(oversizedJson());
    expectError(res, 413);
    expect((await counts(t)).accounts).toBe(0);
  });

  for (const injection of INJECTIONS) {
    it(`the injection string ${JSON.stringify(injection)} as a username is refused and nothing is stored`, async () => {
      const res = await register(valid(injection));
      expectError(res, 422);
      expect(await accountsTableIntact(t)).toBe(true);
      expect((await counts(t)).accounts).toBe(0);
    });
  }

  it("an injection string as a password is only a password", async () => {
    const res = await register(valid("alice", { password: "'; drop table accounts; --" }));
    expect(res.status).toBe(200);
    expect(await accountsTableIntact(t)).toBe(true);
    expect((await passwordGrant(t, "alice", "'; drop table accounts; --")).status).toBe(200);
  });

  it("a prototype-polluting body grants nothing", async () => {
    await createResident(t, "founder", { role: "admin" });
    const res = await t.http
      .post("/api/v1/accounts")
      .set("Content-Type", "application/json")
      .send(`{"username":"mallory","password":"${PW}","agreement":true,"__proto__":{"role":"admin","force":true},"role":"admin"}`);
    expect(res.status).toBe(200);
    expect((await userOf("mallory"))?.role).toBe("resident");
  });
});

describe("registration modes", () => {
  beforeEach(async () => {
    // the first account is always let in: make sure the mode applies to the next ones
    await createResident(t, "founder", { role: "admin" });
  });

  it("in closed mode a registration is refused with 422 and nothing is stored", async () => {
    await setRegistrationMode(t, "closed");
    const before = await counts(t);
    const res = await register(valid("alice", { reason: "I live here" }));
    expectError(res, 422, /closed/i);
    expect(await counts(t)).toEqual(before);
  });

  it("in approval mode a registration without a reason is refused", async () => {
    await setRegistrationMode(t, "approval");
    const res = await register(valid("alice"));
    expectError(res, 422, /reason/i);
    expect((await counts(t)).accounts).toBe(1);
  });

  it("in approval mode a registration with a reason is stored, pending", async () => {
    await setRegistrationMode(t, "approval");
    const res = await register(valid("alice", { reason: "I live on the market square" }));
    expect(res.status).toBe(200);
    expect(res.body.parvis).toEqual({ approval_pending: true });
    const user = await userOf("alice");
    expect(user).toMatchObject({ approved: false, registrationReason: "I live on the market square" });
  });

  it("in approval mode the token given at registration cannot be used until approval", async () => {
    await setRegistrationMode(t, "approval");
    const res = await register(valid("alice", { reason: "neighbour" }));
    const me = await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", `Bearer ${res.body.access_token}`);
    expectError(me, 401);
  });

  it("in approval mode a pending resident's login is refused with 403", async () => {
    await setRegistrationMode(t, "approval");
    await register(valid("alice", { reason: "neighbour" }));
    const res = await passwordGrant(t, "alice", PW);
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual(expect.any(String));
    expect(res.body.access_token).toBeUndefined();
  });

  it("once approved, a resident registered in approval mode can log in", async () => {
    await setRegistrationMode(t, "approval");
    await register(valid("alice", { reason: "neighbour" }));
    const user = await userOf("alice");
    await t.services.db.update(users).set({ approved: true }).where(eq(users.id, user!.id));
    const res = await passwordGrant(t, "alice", PW);
    expect(res.status).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
  });

  it("in open mode a registration is approved at once", async () => {
    await setRegistrationMode(t, "open");
    const res = await register(valid("alice"));
    expect(res.status).toBe(200);
    expect(res.body.parvis).toEqual({ approval_pending: false });
  });
});
