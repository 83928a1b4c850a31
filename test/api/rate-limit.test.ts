// Brute-force protection: a per-address limit on login and registration
// (PARVIS_AUTH_RATE_LIMIT), and a per-account lock after 10 failed logins.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createResident } from "../helpers/factories";
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
    await createResident(limited, "bob");
    for (let i = 0; i < 3; i++) expectError(await webLogin(limited, "bob", "wrong password"), 401);
    const res = await webLogin(limited, "bob", PASSWORD);
    expectError(res, 429);
    expect(res.headers["set-cookie"]).toBeUndefined();
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
