// The web client's cookie session: POST/DELETE /api/parvis/web/session, CSRF,
// GET /api/parvis/web/sessions, DELETE /api/parvis/web/sessions/:id, POST /api/parvis/web/password.
import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accounts, users } from "../../server/db/schema";
import { createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { cookiesOf, counts, expectError, INJECTIONS, oversizedJson, PASSWORD, passwordGrant } from "../helpers/accounts-suite";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

interface WebSession {
  session: string;
  csrf: string;
  /** Cookie header value */
  cookie: string;
}

async function webLogin(username: string, password = PASSWORD): Promise<WebSession> {
  const res = await t.http.post("/api/parvis/web/session").send({ username, password });
  expect(res.status).toBe(200);
  const jar = cookiesOf(res);
  const session = jar.get("parvis_session")!.value;
  const csrf = jar.get("parvis_csrf")!.value;
  return { session, csrf, cookie: `parvis_session=${session}; parvis_csrf=${csrf}` };
}

const verifyWithCookie = (s: WebSession) => t.http.get("/api/v1/accounts/verify_credentials").set("Cookie", s.cookie);
const verifyWithToken = (token: string) => t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", `Bearer ${token}`);

describe("POST /api/parvis/web/session", () => {
  it("a login sets an HttpOnly SameSite=Strict session cookie", async () => {
    await createResident(t, "alice");
    const res = await t.http.post("/api/parvis/web/session").send({ username: "alice", password: PASSWORD });
    expect(res.status).toBe(200);
    const session = cookiesOf(res).get("parvis_session");
    expect(session?.value).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(session?.attributes).toEqual(expect.arrayContaining(["httponly", "samesite=strict", "path=/"]));
  });

  it("a login sets a readable SameSite=Strict CSRF cookie", async () => {
    await createResident(t, "alice");
    const res = await t.http.post("/api/parvis/web/session").send({ username: "alice", password: PASSWORD });
    const csrf = cookiesOf(res).get("parvis_csrf");
    expect(csrf?.value.length).toBeGreaterThanOrEqual(16);
    expect(csrf?.attributes).toContain("samesite=strict");
    expect(csrf?.attributes).not.toContain("httponly");
  });

  it("a login answers with the credential account", async () => {
    await createResident(t, "alice");
    const res = await t.http.post("/api/parvis/web/session").send({ username: "alice", password: PASSWORD });
    expect(res.body.account).toMatchObject({ username: "alice", source: expect.any(Object) });
    expect(res.body.access_token).toBeUndefined();
  });

  it("a login with the email works", async () => {
    const reg = await t.http.post("/api/v1/accounts").send({ username: "alice", password: PASSWORD, email: "alice@example.org", agreement: true });
    expect(reg.status).toBe(200);
    const res = await t.http.post("/api/parvis/web/session").send({ username: "alice@example.org", password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.account.username).toBe("alice");
  });

  it("a wrong password is refused with 401 and sets no cookie", async () => {
    await createResident(t, "alice");
    const before = await counts(t);
    const res = await t.http.post("/api/parvis/web/session").send({ username: "alice", password: "not the password" });
    expectError(res, 401);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(await counts(t)).toEqual(before);
  });

  it("an unknown user gets the same answer as a wrong password", async () => {
    await createResident(t, "alice");
    const wrong = await t.http.post("/api/parvis/web/session").send({ username: "alice", password: "not the password" });
    const unknown = await t.http.post("/api/parvis/web/session").send({ username: "ghost", password: "not the password" });
    expect({ status: unknown.status, body: unknown.body }).toEqual({ status: wrong.status, body: wrong.body });
  });

  it("a pending resident cannot open a session", async () => {
    const alice = await createResident(t, "alice");
    await t.services.db.update(users).set({ approved: false }).where(eq(users.id, alice.user.id));
    const res = await t.http.post("/api/parvis/web/session").send({ username: "alice", password: PASSWORD });
    expectError(res, 403, /pending/i);
    expect(res.headers["set-cookie"]).toBeUndefined();
  });

  it("a suspended resident cannot open a session", async () => {
    const alice = await createResident(t, "alice");
    await t.services.db.update(accounts).set({ suspendedAt: new Date() }).where(eq(accounts.id, alice.account.id));
    const res = await t.http.post("/api/parvis/web/session").send({ username: "alice", password: PASSWORD });
    expectError(res, 403, /suspended/i);
  });

  it("a login without a password is refused with 422", async () => {
    const res = await t.http.post("/api/parvis/web/session").send({ username: "alice" });
    expectError(res, 422, /password/);
  });

  it("a login with wrong types is refused with 422", async () => {
    const res = await t.http.post("/api/parvis/web/session").send({ username: { $ne: null }, password: ["x"] });
    expectError(res, 422);
  });

  it("a login with malformed JSON is refused with 400", async () => {
    const res = await t.http.post("/api/parvis/web/session").set("Content-Type", "application/json").send('{"username":"alice"');
    expectError(res, 400);
  });

  it("a login body over 256 kB is refused with 413", async () => {
    const res = await t.http.post("/api/parvis/web/session").set("Content-Type", "application/json").send(oversizedJson());
    expectError(res, 413);
  });

  for (const injection of INJECTIONS) {
    it(`the injection string ${JSON.stringify(injection)} as a username is refused like an unknown user`, async () => {
      const res = await t.http.post("/api/parvis/web/session").send({ username: injection, password: injection });
      expectError(res, 401);
    });
  }
});

describe("the session cookie and CSRF", () => {
  let alice: Resident;
  beforeEach(async () => {
    alice = await createResident(t, "alice");
  });

  it("a GET works with the session cookie alone", async () => {
    const s = await webLogin("alice");
    const res = await verifyWithCookie(s);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(alice.account.id);
  });

  it("a cookie-authenticated write without X-CSRF-Token is refused with 403", async () => {
    const s = await webLogin("alice");
    const res = await t.http.patch("/api/v1/accounts/update_credentials").set("Cookie", s.cookie).send({ display_name: "Changed" });
    expectError(res, 403, /csrf/i);
    expect((await verifyWithCookie(s)).body.display_name).toBe("");
  });

  it("a cookie-authenticated write with a wrong X-CSRF-Token is refused with 403", async () => {
    const s = await webLogin("alice");
    const res = await t.http
      .patch("/api/v1/accounts/update_credentials")
      .set("Cookie", s.cookie)
      .set("X-CSRF-Token", "x".repeat(s.csrf.length))
      .send({ display_name: "Changed" });
    expectError(res, 403, /csrf/i);
  });

  it("a cookie-authenticated POST with the X-CSRF-Token works", async () => {
    const s = await webLogin("alice");
    const res = await t.http.post("/api/v1/statuses").set("Cookie", s.cookie).set("X-CSRF-Token", s.csrf).send({ status: "Bonjour" });
    expect(res.status).toBe(200);
    expect(res.body.account.id).toBe(alice.account.id);
  });

  it("a forged session cookie leaves the visitor anonymous", async () => {
    const res = await t.http.get("/api/v1/accounts/verify_credentials").set("Cookie", "parvis_session=forged.jwt.value");
    expectError(res, 401);
  });

  it("the session cookie of a resident suspended since no longer works", async () => {
    const s = await webLogin("alice");
    await t.services.db.update(accounts).set({ suspendedAt: new Date() }).where(eq(accounts.id, alice.account.id));
    expectError(await verifyWithCookie(s), 401);
  });
});

describe("DELETE /api/parvis/web/session", () => {
  beforeEach(async () => {
    await createResident(t, "alice");
  });

  it("logging out revokes the session and clears the cookies", async () => {
    const s = await webLogin("alice");
    const res = await t.http.delete("/api/parvis/web/session").set("Cookie", s.cookie).set("X-CSRF-Token", s.csrf);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const cleared = cookiesOf(res);
    expect(cleared.get("parvis_session")?.value).toBe("");
    expect(cleared.get("parvis_csrf")?.value).toBe("");
    // a copy of the old cookie is useless
    expectError(await verifyWithCookie(s), 401);
  });

  it("logging out without the CSRF token is refused and the session lives on", async () => {
    const s = await webLogin("alice");
    const res = await t.http.delete("/api/parvis/web/session").set("Cookie", s.cookie);
    expectError(res, 403);
    expect((await verifyWithCookie(s)).status).toBe(200);
  });

  it("logging out without a session answers 200", async () => {
    const res = await t.http.delete("/api/parvis/web/session");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });
});

describe("GET /api/parvis/web/sessions", () => {
  it("a resident sees her sessions and app tokens, the current one marked", async () => {
    const alice = await createResident(t, "alice");
    const s = await webLogin("alice");
    const res = await t.http.get("/api/parvis/web/sessions").set("Cookie", s.cookie);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    const current = res.body.filter((x: { current: boolean }) => x.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ kind: "web", id: expect.any(String), created_at: expect.any(String) });
    expect(res.body.find((x: { current: boolean }) => !x.current)).toMatchObject({ kind: "api" });
    void alice;
  });

  it("the session list never shows a token itself", async () => {
    const alice = await createResident(t, "alice");
    const s = await webLogin("alice");
    const res = await t.http.get("/api/parvis/web/sessions").set("Authorization", alice.auth);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(alice.token);
    expect(text).not.toContain(s.session);
  });

  it("a resident never sees another resident's sessions", async () => {
    const alice = await createResident(t, "alice");
    await createResident(t, "bob");
    await passwordGrant(t, "bob");
    const res = await t.http.get("/api/parvis/web/sessions").set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0].current).toBe(true);
  });

  it("revoked sessions are not listed", async () => {
    const alice = await createResident(t, "alice");
    const other = await passwordGrant(t, "alice");
    await t.http.post("/oauth/revoke").send({ token: other.body.access_token });
    const res = await t.http.get("/api/parvis/web/sessions").set("Authorization", alice.auth);
    expect(res.body).toHaveLength(1);
  });

  it("listing sessions without authentication is refused with 401", async () => {
    expectError(await t.http.get("/api/parvis/web/sessions"), 401);
  });

  it("listing sessions with a revoked token is refused with 401", async () => {
    const alice = await createResident(t, "alice");
    await t.http.post("/oauth/revoke").send({ token: alice.token });
    expectError(await t.http.get("/api/parvis/web/sessions").set("Authorization", alice.auth), 401);
  });
});

describe("DELETE /api/parvis/web/sessions/:id", () => {
  it("revoking one of her sessions makes that token stop working", async () => {
    const alice = await createResident(t, "alice");
    const phone = await passwordGrant(t, "alice");
    const list = await t.http.get("/api/parvis/web/sessions").set("Authorization", alice.auth);
    const target = list.body.find((x: { current: boolean }) => !x.current);
    const res = await t.http.delete(`/api/parvis/web/sessions/${target.id}`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expectError(await verifyWithToken(phone.body.access_token), 401);
    expect((await verifyWithToken(alice.token)).status).toBe(200);
  });

  it("revoking a browser session from another device logs that browser out", async () => {
    const alice = await createResident(t, "alice");
    const browser = await webLogin("alice");
    const list = await t.http.get("/api/parvis/web/sessions").set("Authorization", alice.auth);
    const web = list.body.find((x: { kind: string }) => x.kind === "web");
    expect((await t.http.delete(`/api/parvis/web/sessions/${web.id}`).set("Authorization", alice.auth)).status).toBe(200);
    expectError(await verifyWithCookie(browser), 401);
  });

  it("another resident's session is not found and keeps working", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const bobs = await t.http.get("/api/parvis/web/sessions").set("Authorization", bob.auth);
    const res = await t.http.delete(`/api/parvis/web/sessions/${bobs.body[0].id}`).set("Authorization", alice.auth);
    expectError(res, 404);
    expect((await verifyWithToken(bob.token)).status).toBe(200);
  });

  it("an unknown session id is not found", async () => {
    const alice = await createResident(t, "alice");
    expectError(await t.http.delete("/api/parvis/web/sessions/123456789").set("Authorization", alice.auth), 404);
  });

  it("a non-numeric session id is not found", async () => {
    const alice = await createResident(t, "alice");
    for (const id of ["abc", "1e5", encodeURIComponent("'; drop table accounts; --"), "99999999999999999999"]) {
      expectError(await t.http.delete(`/api/parvis/web/sessions/${id}`).set("Authorization", alice.auth), 404);
    }
    expect((await counts(t)).access_tokens).toBe(1);
  });

  it("revoking a session without authentication is refused with 401", async () => {
    const alice = await createResident(t, "alice");
    const list = await t.http.get("/api/parvis/web/sessions").set("Authorization", alice.auth);
    expectError(await t.http.delete(`/api/parvis/web/sessions/${list.body[0].id}`), 401);
    expect((await verifyWithToken(alice.token)).status).toBe(200);
  });
});

describe("POST /api/parvis/web/password", () => {
  const change = (auth: string, body: Record<string, unknown>) => t.http.post("/api/parvis/web/password").set("Authorization", auth).send(body);

  it("a resident changes her password and logs in with the new one", async () => {
    const alice = await createResident(t, "alice");
    const res = await change(alice.auth, { current_password: PASSWORD, new_password: "a brand new secret" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect((await passwordGrant(t, "alice", "a brand new secret")).status).toBe(200);
    expect((await passwordGrant(t, "alice", PASSWORD)).status).toBe(400);
  });

  it("after a password change the other sessions are revoked and the current one kept", async () => {
    const alice = await createResident(t, "alice");
    const phone = await passwordGrant(t, "alice");
    const browser = await webLogin("alice");
    const res = await t.http
      .post("/api/parvis/web/password")
      .set("Cookie", browser.cookie)
      .set("X-CSRF-Token", browser.csrf)
      .send({ current_password: PASSWORD, new_password: "a brand new secret" });
    expect(res.status).toBe(200);
    expectError(await verifyWithToken(phone.body.access_token), 401);
    expectError(await verifyWithToken(alice.token), 401);
    expect((await verifyWithCookie(browser)).status).toBe(200);
  });

  it("a wrong current password is refused with 422 and changes nothing", async () => {
    const alice = await createResident(t, "alice");
    const phone = await passwordGrant(t, "alice");
    const res = await change(alice.auth, { current_password: "not my password", new_password: "a brand new secret" });
    expectError(res, 422, /current password/i);
    expect((await passwordGrant(t, "alice", PASSWORD)).status).toBe(200);
    expect((await verifyWithToken(phone.body.access_token)).status).toBe(200);
  });

  it("a new password that is too short is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await change(alice.auth, { current_password: PASSWORD, new_password: "short" });
    expectError(res, 422, /password/i);
    expect((await passwordGrant(t, "alice", PASSWORD)).status).toBe(200);
  });

  it("a password change with a missing field is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    expectError(await change(alice.auth, { current_password: PASSWORD }), 422, /new_password/);
  });

  it("a password change with wrong types is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    expectError(await change(alice.auth, { current_password: true, new_password: 12345678 }), 422);
  });

  it("a password change with malformed JSON is refused with 400", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/parvis/web/password").set("Authorization", alice.auth).set("Content-Type", "application/json").send("{");
    expectError(res, 400);
  });

  it("a password change without authentication is refused with 401", async () => {
    await createResident(t, "alice");
    expectError(await t.http.post("/api/parvis/web/password").send({ current_password: PASSWORD, new_password: "a brand new secret" }), 401);
    expect((await passwordGrant(t, "alice", PASSWORD)).status).toBe(200);
  });

  it("a cookie-authenticated password change without the CSRF token is refused", async () => {
    await createResident(t, "alice");
    const browser = await webLogin("alice");
    const res = await t.http
      .post("/api/parvis/web/password")
      .set("Cookie", browser.cookie)
      .send({ current_password: PASSWORD, new_password: "a brand new secret" });
    expectError(res, 403);
    expect((await passwordGrant(t, "alice", PASSWORD)).status).toBe(200);
  });
});
