// Brute-force protection: a per-address limit on login and registration
// (PARVIS_AUTH_RATE_LIMIT), and a per-account lock after 10 failed logins.
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { createResident } from "../helpers/factories";
import { registerAccount } from "../../server/domain/accounts";
import { startInstance, type TestInstance } from "../helpers/instance";
import { counts, expectError, PASSWORD, passwordGrant } from "../helpers/accounts-suite";

// Two instances: one with a per-address limit of 3, one with a high limit where
// only the per-account lock can trigger. Limiter state lives in memory and is not
// emptied by reset(), so each test uses its own endpoint or its own names.
let limited: TestInstance;
let t: TestInstance;
beforeAll(async () => {
  [limited, t] = await Promise.all([startInstance({ env: { PARVIS_AUTH_RATE_LIMIT: "3" } }), startInstance()]);
});
afterAll(async () => {
  await Promise.all([limited?.stop(), t?.stop()]);
});
beforeEach(async () => {
  await Promise.all([limited.reset(), t.reset()]);
});

const webLogin = (i: TestInstance, username: string, password: string) => i.http.post("/api/parvis/web/session").send({ username, password });

describe("per-address limit", () => {
  it("the fourth login attempt from the same address gets 429, even with the right password", async () => {
    await createResident(limited, "alice");
    for (let i = 0; i < 3; i++) expect((await passwordGrant(limited, "alice", "wrong password")).status).toBe(400);
    const res = await passwordGrant(limited, "alice", PASSWORD);
    expectError(res, 429);
    expect(res.body.access_token).toBeUndefined();
  });

  it("the fourth registration from the same address gets 429 and is not stored", async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await limited.http.post("/api/v1/accounts").send({ username: `newcomer${i}`, password: PASSWORD, agreement: true });
      expect(ok.status).toBe(200);
      expect(ok.headers["ratelimit-policy"]).toMatch(/^3;w=300/);
    }
    const before = await counts(limited);
    const res = await limited.http.post("/api/v1/accounts").send({ username: "newcomer3", password: PASSWORD, agreement: true });
    expectError(res, 429);
    expect(await counts(limited)).toEqual(before);
  });

  it("the fourth web login from the same address gets 429 and sets no cookie", async () => {
    // the login budget is shared by every login form: a fresh instance starts it full
    const own = await startInstance({ env: { PARVIS_AUTH_RATE_LIMIT: "3" } });
    try {
      await createResident(own, "bob");
      for (let i = 0; i < 3; i++) expectError(await webLogin(own, "bob", "wrong password"), 401);
      const res = await webLogin(own, "bob", PASSWORD);
      expectError(res, 429);
      expect(res.headers["set-cookie"]).toBeUndefined();
    } finally {
      await own.stop();
    }
  });

  it("a high limit lets the same number of attempts through", async () => {
    await createResident(t, "carol");
    for (let i = 0; i < 3; i++) expect((await passwordGrant(t, "carol", "wrong password")).status).toBe(400);
    expect((await passwordGrant(t, "carol", PASSWORD)).status).toBe(200);
  });
});

describe("per-account lock", () => {
  it("after 10 failed logins the account is locked even with the right password", async () => {
    await createResident(t, "dora");
    for (let i = 0; i < 10; i++) expect((await passwordGrant(t, "dora", `wrong ${i}`)).status).toBe(400);
    const res = await passwordGrant(t, "dora", PASSWORD);
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ error: "too_many_requests", error_description: expect.any(String) });
  });

  it("the lock of one account leaves the others free", async () => {
    await createResident(t, "emma");
    await createResident(t, "felix");
    for (let i = 0; i < 10; i++) await passwordGrant(t, "emma", `wrong ${i}`);
    expect((await passwordGrant(t, "emma", PASSWORD)).status).toBe(429);
    expect((await passwordGrant(t, "felix", PASSWORD)).status).toBe(200);
  });

  it("the lock ignores the case of the name", async () => {
    await createResident(t, "gina");
    for (let i = 0; i < 10; i++) await passwordGrant(t, i % 2 ? "GINA" : "Gina", `wrong ${i}`);
    expect((await passwordGrant(t, "gina", PASSWORD)).status).toBe(429);
  });

  it("an unknown name is locked the same way, so the lock reveals nothing", async () => {
    await createResident(t, "hugo");
    for (let i = 0; i < 10; i++) {
      await passwordGrant(t, "hugo", `wrong ${i}`);
      await passwordGrant(t, "nobody_at_all", `wrong ${i}`);
    }
    const known = await passwordGrant(t, "hugo", "wrong again");
    const unknown = await passwordGrant(t, "nobody_at_all", "wrong again");
    expect(known.status).toBe(429);
    expect({ status: unknown.status, body: unknown.body }).toEqual({ status: known.status, body: known.body });
  });

  it("a successful login clears the failures", async () => {
    await createResident(t, "iris");
    for (let i = 0; i < 9; i++) await passwordGrant(t, "iris", `wrong ${i}`);
    expect((await passwordGrant(t, "iris", PASSWORD)).status).toBe(200);
    for (let i = 0; i < 9; i++) await passwordGrant(t, "iris", `wrong ${i}`);
    expect((await passwordGrant(t, "iris", PASSWORD)).status).toBe(200);
  });

  it("after 10 failed web logins the web login is locked", async () => {
    await createResident(t, "jules");
    for (let i = 0; i < 10; i++) expectError(await webLogin(t, "jules", `wrong ${i}`), 401);
    expectError(await webLogin(t, "jules", PASSWORD), 429);
  });

  it("failures through the web login and the API count toward the same lock", async () => {
    await createResident(t, "kim");
    for (let i = 0; i < 5; i++) {
      await webLogin(t, "kim", `wrong web ${i}`);
      await passwordGrant(t, "kim", `wrong api ${i}`);
    }
    expect((await passwordGrant(t, "kim", PASSWORD)).status).toBe(429);
    expectError(await webLogin(t, "kim", PASSWORD), 429);
  });
});

describe("one lock per account, however it is named", () => {
  async function withEmail(i: TestInstance, username: string) {
    await registerAccount(i.services.domain, { username, password: PASSWORD, email: `${username}@mail.example`, force: true });
  }

  it("failures as @name, email, name@domain and @name@domain share the account's 10 tries", async () => {
    await withEmail(t, "lena");
    const names = ["lena", "@lena", "lena@mail.example", `lena@${t.config.domain}`, `@lena@${t.config.domain}`];
    for (let i = 0; i < 10; i++) expect((await passwordGrant(t, names[i % names.length], `wrong ${i}`)).status).toBe(400);
    for (const name of names) expect((await passwordGrant(t, name, PASSWORD)).status).toBe(429);
    expectError(await webLogin(t, "LENA@MAIL.EXAMPLE", PASSWORD), 429);
  });

  it("the account's other names log in with the right password", async () => {
    await withEmail(t, "milo");
    for (const name of ["@milo", "milo@mail.example", `@milo@${t.config.domain}`]) expect((await passwordGrant(t, name, PASSWORD)).status).toBe(200);
  });

  it("failures on the authorization page count toward the same lock", async () => {
    await withEmail(t, "nina");
    const app = await t.http.post("/api/v1/apps").send({ client_name: "App", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read" });
    const fields = { response_type: "code", client_id: app.body.client_id, redirect_uri: "urn:ietf:wg:oauth:2.0:oob", scope: "read" };
    for (let i = 0; i < 10; i++) {
      const res = await t.http
        .post("/oauth/authorize")
        .set("Cookie", "parvis_csrf=abcdefghijklmnopqrstuvwx")
        .type("form")
        .send({ ...fields, csrf_token: "abcdefghijklmnopqrstuvwx", action: "login", username: i % 2 ? "@nina" : "nina@mail.example", password: `wrong ${i}` });
      expect(res.status).toBe(401);
    }
    expect((await passwordGrant(t, "nina", PASSWORD)).status).toBe(429);
  });
});

describe("one per-address budget for every login form", () => {
  it("failures on the token endpoint, the web login and the authorization page add up", async () => {
    const limited = await startInstance({ env: { PARVIS_AUTH_RATE_LIMIT: "3" } });
    onTestFinished(() => limited.stop());
    await createResident(limited, "olga");
    const app = await limited.http.post("/api/v1/apps").send({ client_name: "App", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read" });
    expect((await passwordGrant(limited, "olga", "wrong password")).status).toBe(400);
    expectError(await webLogin(limited, "olga", "wrong password"), 401);
    const page = await limited.http
      .post("/oauth/authorize")
      .set("Cookie", "parvis_csrf=abcdefghijklmnopqrstuvwx")
      .type("form")
      .send({ response_type: "code", client_id: app.body.client_id, redirect_uri: "urn:ietf:wg:oauth:2.0:oob", csrf_token: "abcdefghijklmnopqrstuvwx", action: "login", username: "olga", password: "wrong" });
    expect(page.status).toBe(401);
    expectError(await passwordGrant(limited, "olga", PASSWORD), 429);
    expectError(await webLogin(limited, "olga", PASSWORD), 429);
  });
});
