// Bad input across the accounts, auth and instance endpoints: malformed and
// oversized bodies, strange encodings, NUL characters, missing or dead
// credentials. Always a 4xx with {"error"}, never a 500, nothing written.
import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accounts, users } from "../../server/db/schema";
import { createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { counts, expectError, oversizedJson, PASSWORD } from "../helpers/accounts-suite";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

let alice: Resident;
beforeEach(async () => {
  alice = await createResident(t, "alice");
});

type Method = "get" | "post" | "patch" | "delete";
interface Endpoint {
  method: Method;
  path: string;
  /** needs a resident's token */
  auth: boolean;
}

const WRITES: Endpoint[] = [
  { method: "post", path: "/api/v1/accounts", auth: false },
  { method: "post", path: "/oauth/token", auth: false },
  { method: "post", path: "/oauth/revoke", auth: false },
  { method: "post", path: "/api/v1/apps", auth: false },
  { method: "patch", path: "/api/v1/accounts/update_credentials", auth: true },
  { method: "post", path: "/api/parvis/web/session", auth: false },
  { method: "post", path: "/api/parvis/web/password", auth: true },
];

/** Endpoints a resident's token is required for (ids filled in per test). */
const AUTHENTICATED: Endpoint[] = [
  { method: "get", path: "/api/v1/accounts/verify_credentials", auth: true },
  { method: "patch", path: "/api/v1/accounts/update_credentials", auth: true },
  { method: "get", path: "/api/parvis/web/sessions", auth: true },
  { method: "delete", path: "/api/parvis/web/sessions/:token", auth: true },
  { method: "post", path: "/api/parvis/web/password", auth: true },
];

function call(e: Endpoint, auth?: string) {
  const path = e.path.replace(":token", "1");
  const req = t.http[e.method](path);
  return auth ? req.set("Authorization", auth) : req;
}

describe("malformed and oversized bodies", () => {
  for (const e of WRITES) {
    it(`malformed JSON to ${e.method.toUpperCase()} ${e.path} is refused with 400 and writes nothing`, async () => {
      const before = await counts(t);
      const res = await call(e, e.auth ? alice.auth : undefined).set("Content-Type", "application/json").send('{"username": "bob", "password": ');
      expectError(res, 400, /malformed/i);
      expect(await counts(t)).toEqual(before);
    });

    it(`a body over 256 kB to ${e.method.toUpperCase()} ${e.path} is refused with 413`, async () => {
      const before = await counts(t);
      const res = await call(e, e.auth ? alice.auth : undefined).set("Content-Type", "application/json").send(oversizedJson());
      expectError(res, 413, /too large/i);
      expect(await counts(t)).toEqual(before);
    });

    it(`a JSON null, number or string body to ${e.method.toUpperCase()} ${e.path} is refused without a 500`, async () => {
      for (const raw of ["null", "42", '"alice"', "true"]) {
        const res = await call(e, e.auth ? alice.auth : undefined).set("Content-Type", "application/json").send(raw);
        expect({ raw, status: res.status, error: typeof res.body.error }).toEqual({ raw, status: 400, error: "string" });
      }
    });
  }

  it("an oversized form-encoded registration is refused with 413", async () => {
    const res = await t.http.post("/api/v1/accounts").type("form").send(`username=bob&password=${"p".repeat(300 * 1024)}`);
    expectError(res, 413);
    expect((await counts(t)).accounts).toBe(1);
  });

  it("a body in an unsupported charset is refused with 415", async () => {
    const res = await t.http.post("/api/v1/accounts").set("Content-Type", "application/json; charset=klingon").send('{"username":"bob"}');
    expectError(res, 415);
  });

  it("a registration sent as text/plain is refused with 422 and writes nothing", async () => {
    const res = await t.http.post("/api/v1/accounts").set("Content-Type", "text/plain").send(`username=bob&password=${PASSWORD}&agreement=true`);
    expectError(res, 422);
    expect((await counts(t)).accounts).toBe(1);
  });

  it("a deeply nested body is refused without a 500", async () => {
    const deep = "[".repeat(5000) + "]".repeat(5000);
    const res = await t.http.post("/api/v1/apps").set("Content-Type", "application/json").send(`{"client_name": ${deep}, "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}`);
    // beyond the nesting limit of every JSON body (server/json-limits.ts): refused before validation
    expectError(res, 400);
    expect((await counts(t)).apps).toBe(0);
  });
});

describe("NUL characters", () => {
  it("a NUL character in a username is refused with 422", async () => {
    const res = await t.http.post("/api/v1/accounts").send({ username: "bob\u0000", password: PASSWORD, agreement: true });
    expectError(res, 422);
    expect((await counts(t)).accounts).toBe(1);
  });

  it("a NUL character in a registration reason or email is refused without a 500", async () => {
    const reason = await t.http.post("/api/v1/accounts").send({ username: "bob", password: PASSWORD, agreement: true, reason: "a\u0000b" });
    const email = await t.http.post("/api/v1/accounts").send({ username: "carl", password: `${PASSWORD}\u0000`, agreement: true });
    expect(reason.status).toBeLessThan(500);
    expect(email.status).toBeLessThan(500);
    expectError(reason, 422);
  });

  it("a NUL character in a login name is refused without a 500", async () => {
    const res = await t.http.post("/oauth/token").send({ grant_type: "password", username: "alice\u0000", password: PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual(expect.any(String));
  });

  it("a NUL character in a web login name is refused without a 500", async () => {
    const res = await t.http.post("/api/parvis/web/session").send({ username: "\u0000", password: PASSWORD });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error).toEqual(expect.any(String));
  });

  it("a NUL character in a display name is refused with 422 and changes nothing", async () => {
    const res = await t.http.patch("/api/v1/accounts/update_credentials").set("Authorization", alice.auth).send({ display_name: "Al\u0000ice", note: "bio" });
    expectError(res, 422);
    const [row] = await t.services.db.select().from(accounts).where(eq(accounts.id, alice.account.id));
    expect({ displayName: row.displayName, noteSource: row.noteSource }).toEqual({ displayName: "", noteSource: "" });
  });

  it("a NUL character in a multipart profile field is refused with 422", async () => {
    const res = await t.http.patch("/api/v1/accounts/update_credentials").set("Authorization", alice.auth).field("note", "hello\u0000world");
    expectError(res, 422);
  });

  it("a NUL character in an app name is refused with 422", async () => {
    const res = await t.http.post("/api/v1/apps").send({ client_name: "Tu\u0000sky", redirect_uris: "urn:ietf:wg:oauth:2.0:oob" });
    expectError(res, 422);
    expect((await counts(t)).apps).toBe(0);
  });

  it("a NUL character in a lookup or a search is refused without a 500", async () => {
    const lookup = await t.http.get("/api/v1/accounts/lookup?acct=al%00ice");
    const search = await t.http.get("/api/v1/accounts/search?q=al%00").set("Authorization", alice.auth);
    expect([lookup.status, search.status]).toEqual([422, 422]);
    expect([typeof lookup.body.error, typeof search.body.error]).toEqual(["string", "string"]);
  });
});

describe("paths and methods", () => {
  it("an unknown API route answers 404 in JSON", async () => {
    const res = await t.http.get("/api/v1/accounts/1/nothing-here");
    expectError(res, 404);
    expect(res.headers["content-type"]).toMatch(/application\/json/);
  });

  it("a wrong method on a known route answers 404 in JSON", async () => {
    expectError(await t.http.put("/api/v1/accounts/verify_credentials").set("Authorization", alice.auth), 404);
  });

  it("a path with broken percent-encoding is refused with 400", async () => {
    const res = await t.http.get("/api/v1/accounts/%E0%A4%A");
    expectError(res, 400);
  });

  it("a CORS preflight is answered for third-party apps", async () => {
    const res = await t.http.options("/api/v1/accounts/verify_credentials").set("Origin", "https://app.example").set("Access-Control-Request-Method", "GET");
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-allow-headers"]).toMatch(/Authorization/);
  });

  it("error answers carry the security headers", async () => {
    const res = await t.http.get("/api/v1/accounts/abc");
    expect(res.status).toBe(404);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
  });
});

describe("credentials on every authenticated endpoint", () => {
  for (const e of AUTHENTICATED) {
    const name = `${e.method.toUpperCase()} ${e.path}`;

    it(`${name} without a token is refused with 401`, async () => {
      expectError(await call(e), 401);
    });

    it(`${name} with a revoked token is refused with 401`, async () => {
      await t.http.post("/oauth/revoke").send({ token: alice.token });
      expectError(await call(e, alice.auth), 401);
    });

    it(`${name} with a suspended resident's token is refused with 401`, async () => {
      await t.services.db.update(accounts).set({ suspendedAt: new Date() }).where(eq(accounts.id, alice.account.id));
      expectError(await call(e, alice.auth), 401);
    });

    it(`${name} with a pending resident's token is refused with 401`, async () => {
      await t.services.db.update(users).set({ approved: false }).where(eq(users.id, alice.user.id));
      expectError(await call(e, alice.auth), 401);
    });

    it(`${name} with an app's own token is refused with 401`, async () => {
      const app = await t.http.post("/api/v1/apps").send({ client_name: "Bot", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write" });
      const grant = await t.http.post("/oauth/token").send({ grant_type: "client_credentials", client_id: app.body.client_id, client_secret: app.body.client_secret });
      expectError(await call(e, `Bearer ${grant.body.access_token}`), 401);
    });
  }
});
