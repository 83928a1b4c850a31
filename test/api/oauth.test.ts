// OAuth as Mastodon apps use it: POST /api/v1/apps, GET /api/v1/apps/verify_credentials,
// POST /oauth/token (password and client_credentials grants), POST /oauth/revoke.
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accessTokens, accounts, users } from "../../server/db/schema";
import { createResident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { accountsTableIntact, counts, expectError, INJECTIONS, oversizedJson, PASSWORD, passwordGrant } from "../helpers/accounts-suite";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const OOB = "urn:ietf:wg:oauth:2.0:oob";

async function registerApp(scopes = "read write follow") {
  const res = await t.http.post("/api/v1/apps").send({ client_name: "Tusky", redirect_uris: OOB, scopes, website: "https://tusky.app" });
  expect(res.status).toBe(200);
  return res.body as { id: string; client_id: string; client_secret: string };
}

function verify(token: string) {
  return t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", `Bearer ${token}`);
}

describe("POST /api/v1/apps", () => {
  it("an app registration answers with its client id and secret", async () => {
    const res = await t.http.post("/api/v1/apps").type("form").send({ client_name: "Tusky", redirect_uris: OOB, scopes: "read write" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      name: "Tusky",
      scopes: ["read", "write"],
      redirect_uri: OOB,
      redirect_uris: [OOB],
      client_id: expect.any(String),
      client_secret: expect.any(String),
    });
    expect((await counts(t)).apps).toBe(1);
  });

  it("an app registered without scopes gets read", async () => {
    const res = await t.http.post("/api/v1/apps").send({ client_name: "Reader", redirect_uris: OOB });
    expect(res.status).toBe(200);
    expect(res.body.scopes).toEqual(["read"]);
  });

  it("an app without a name is refused and not stored", async () => {
    const res = await t.http.post("/api/v1/apps").send({ redirect_uris: OOB });
    expectError(res, 422, /client_name/);
    expect((await counts(t)).apps).toBe(0);
  });

  it("an app without redirect URIs is refused and not stored", async () => {
    const res = await t.http.post("/api/v1/apps").send({ client_name: "Tusky" });
    expectError(res, 422, /redirect_uris/);
    expect((await counts(t)).apps).toBe(0);
  });

  it("an app with a javascript: redirect URI is refused", async () => {
    const res = await t.http.post("/api/v1/apps").send({ client_name: "Evil", redirect_uris: "javascript:alert(1)" });
    expectError(res, 422, /redirect/i);
    expect((await counts(t)).apps).toBe(0);
  });

  it("an app with a relative redirect URI is refused", async () => {
    const res = await t.http.post("/api/v1/apps").send({ client_name: "Evil", redirect_uris: "../../etc/passwd" });
    expectError(res, 422, /redirect/i);
    expect((await counts(t)).apps).toBe(0);
  });

  it("an app asking for an unknown scope is refused", async () => {
    const res = await t.http.post("/api/v1/apps").send({ client_name: "Tusky", redirect_uris: OOB, scopes: "read everything" });
    expectError(res, 422, /scope/);
    expect((await counts(t)).apps).toBe(0);
  });

  it("an app with wrong types is refused with 422", async () => {
    const res = await t.http.post("/api/v1/apps").send({ client_name: 12, redirect_uris: [OOB] });
    expectError(res, 422);
    expect((await counts(t)).apps).toBe(0);
  });

  it("an app registration with malformed JSON is refused with 400", async () => {
    const res = await t.http.post("/api/v1/apps").set("Content-Type", "application/json").send("{client_name: Tusky}");
    expectError(res, 400);
    expect((await counts(t)).apps).toBe(0);
  });

  it("an app registration over 256 kB is refused with 413", async () => {
    const res = await t.http.post("/api/v1/apps").set("Content-Type", "application/json").send(oversizedJson());
    expectError(res, 413);
  });

  it("an app name with markup is kept as text", async () => {
    const res = await t.http.post("/api/v1/apps").send({ client_name: "<script>alert(1)</script>", redirect_uris: OOB });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe("<script>alert(1)</script>");
    expect(res.headers["content-type"]).toMatch(/application\/json/);
  });
});

describe("GET /api/v1/apps/verify_credentials", () => {
  it("an app token describes its app without the secret", async () => {
    const app = await registerApp();
    const grant = await t.http.post("/oauth/token").send({ grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret });
    expect(grant.status).toBe(200);
    const res = await t.http.get("/api/v1/apps/verify_credentials").set("Authorization", `Bearer ${grant.body.access_token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: app.id, name: "Tusky", website: "https://tusky.app" });
    expect(res.body.client_secret).toBeUndefined();
  });

  it("a resident's token obtained through an app describes that app", async () => {
    const app = await registerApp();
    await createResident(t, "alice");
    const grant = await passwordGrant(t, "alice", PASSWORD, { client_id: app.client_id, client_secret: app.client_secret });
    const res = await t.http.get("/api/v1/apps/verify_credentials").set("Authorization", `Bearer ${grant.body.access_token}`);
    expect(res.status).toBe(200);
    expect(res.body.name).toBe("Tusky");
  });

  it("without a token the app cannot be verified", async () => {
    expectError(await t.http.get("/api/v1/apps/verify_credentials"), 401);
  });

  it("a revoked app token is refused", async () => {
    const app = await registerApp();
    const grant = await t.http.post("/oauth/token").send({ grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret });
    await t.http.post("/oauth/revoke").send({ token: grant.body.access_token });
    expectError(await t.http.get("/api/v1/apps/verify_credentials").set("Authorization", `Bearer ${grant.body.access_token}`), 401);
  });
});

describe("POST /oauth/token, password grant", () => {
  it("a resident logs in with the username", async () => {
    await createResident(t, "alice");
    const res = await passwordGrant(t, "alice");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ access_token: expect.any(String), token_type: "Bearer", scope: "read write follow push", created_at: expect.any(Number) });
    expect((await verify(res.body.access_token)).body.username).toBe("alice");
  });

  it("the username is matched whatever its case", async () => {
    await createResident(t, "alice");
    const res = await passwordGrant(t, "ALICE");
    expect(res.status).toBe(200);
    expect((await verify(res.body.access_token)).body.username).toBe("alice");
  });

  it("a resident logs in with the email", async () => {
    const reg = await t.http.post("/api/v1/accounts").send({ username: "alice", password: PASSWORD, email: "alice@example.org", agreement: true });
    expect(reg.status).toBe(200);
    const res = await t.http.post("/oauth/token").send({ grant_type: "password", username: "alice@example.org", password: PASSWORD });
    expect(res.status).toBe(200);
    expect((await verify(res.body.access_token)).body.username).toBe("alice");
  });

  it("a wrong password is refused with invalid_grant", async () => {
    await createResident(t, "alice");
    const res = await passwordGrant(t, "alice", "wrong password!");
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "invalid_grant", error_description: expect.any(String) });
  });

  it("an unknown user gets the same answer as a wrong password", async () => {
    await createResident(t, "alice");
    const wrong = await passwordGrant(t, "alice", "wrong password!");
    const unknown = await passwordGrant(t, "nobody_here", "wrong password!");
    const unknownEmail = await passwordGrant(t, "nobody@example.org", "wrong password!");
    expect({ status: unknown.status, body: unknown.body }).toEqual({ status: wrong.status, body: wrong.body });
    expect({ status: unknownEmail.status, body: unknownEmail.body }).toEqual({ status: wrong.status, body: wrong.body });
  });

  it("a failed login stores no token", async () => {
    await createResident(t, "alice");
    const before = await counts(t);
    await passwordGrant(t, "alice", "wrong password!");
    expect(await counts(t)).toEqual(before);
  });

  it("a login without a password is refused with invalid_request", async () => {
    await createResident(t, "alice");
    const res = await t.http.post("/oauth/token").send({ grant_type: "password", username: "alice" });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_request");
  });

  it("a login with a password of the wrong type is refused with invalid_request", async () => {
    await createResident(t, "alice");
    const res = await t.http.post("/oauth/token").send({ grant_type: "password", username: "alice", password: { $gt: "" } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_request");
  });

  it("a pending resident's correct password is refused with 403", async () => {
    const alice = await createResident(t, "alice");
    await t.services.db.update(users).set({ approved: false }).where(eq(users.id, alice.user.id));
    const res = await passwordGrant(t, "alice");
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual(expect.any(String));
    expect(res.body.access_token).toBeUndefined();
  });

  it("a suspended resident's correct password is refused with 403", async () => {
    const alice = await createResident(t, "alice");
    await t.services.db.update(accounts).set({ suspendedAt: new Date() }).where(eq(accounts.id, alice.account.id));
    const res = await passwordGrant(t, "alice");
    expect(res.status).toBe(403);
    expect(res.body.access_token).toBeUndefined();
  });

  it("a token asked with the read scope cannot write", async () => {
    await createResident(t, "alice");
    const grant = await passwordGrant(t, "alice", PASSWORD, { scope: "read" });
    expect(grant.body.scope).toBe("read");
    const res = await t.http.patch("/api/v1/accounts/update_credentials").set("Authorization", `Bearer ${grant.body.access_token}`).send({ display_name: "Al" });
    expectError(res, 403, /scope/);
  });

  it("a password grant cannot ask for more scopes than its app registered", async () => {
    const app = await registerApp("read");
    await createResident(t, "alice");
    const res = await passwordGrant(t, "alice", PASSWORD, { client_id: app.client_id, client_secret: app.client_secret, scope: "read write admin:write" });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_scope");
    expect(res.body.access_token).toBeUndefined();
  });

  it("a password grant with a wrong client secret is refused with invalid_client", async () => {
    const app = await registerApp();
    await createResident(t, "alice");
    const res = await passwordGrant(t, "alice", PASSWORD, { client_id: app.client_id, client_secret: "not the secret" });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("invalid_client");
  });

  for (const injection of INJECTIONS) {
    it(`the injection string ${JSON.stringify(injection)} as a username is an unknown user`, async () => {
      await createResident(t, "alice");
      const res = await passwordGrant(t, injection, "whatever password");
      expect(res.status).toBe(400);
      expect(res.body.error).toBe("invalid_grant");
      expect(await accountsTableIntact(t)).toBe(true);
    });
  }

  it("malformed JSON to the token endpoint is refused with 400", async () => {
    const res = await t.http.post("/oauth/token").set("Content-Type", "application/json").send('{"grant_type":');
    expectError(res, 400);
  });

  it("a body over 256 kB to the token endpoint is refused with 413", async () => {
    const res = await t.http.post("/oauth/token").set("Content-Type", "application/json").send(oversizedJson());
    expectError(res, 413);
  });
});

describe("POST /oauth/token, other grants", () => {
  it("an app gets a token of its own with client_credentials", async () => {
    const app = await registerApp("read write");
    const res = await t.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ access_token: expect.any(String), token_type: "Bearer", scope: "read write" });
  });

  it("an app token is not a resident's token", async () => {
    const app = await registerApp();
    const grant = await t.http.post("/oauth/token").send({ grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret });
    expectError(await verify(grant.body.access_token), 401);
  });

  it("an app token may register a resident, whose token is tied to the app", async () => {
    const app = await registerApp("read write");
    const grant = await t.http.post("/oauth/token").send({ grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret });
    const reg = await t.http
      .post("/api/v1/accounts")
      .set("Authorization", `Bearer ${grant.body.access_token}`)
      .send({ username: "alice", password: PASSWORD, agreement: true });
    expect(reg.status).toBe(200);
    const [row] = await t.services.db.select().from(accessTokens).where(eq(accessTokens.appId, app.id)).orderBy(accessTokens.id);
    expect(row).toBeDefined();
    const mine = await t.http.get("/api/v1/apps/verify_credentials").set("Authorization", `Bearer ${reg.body.access_token}`);
    expect(mine.status).toBe(200);
    expect(mine.body.id).toBe(app.id);
  });

  it("client_credentials without a client is refused with invalid_client", async () => {
    const res = await t.http.post("/oauth/token").send({ grant_type: "client_credentials" });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("invalid_client");
  });

  it("client_credentials with a wrong secret is refused with invalid_client", async () => {
    const app = await registerApp();
    const res = await t.http.post("/oauth/token").send({ grant_type: "client_credentials", client_id: app.client_id, client_secret: "nope" });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("invalid_client");
    expect((await counts(t)).access_tokens).toBe(0);
  });

  it("client_credentials cannot ask for more scopes than the app registered", async () => {
    const app = await registerApp("read");
    const res = await t.http.post("/oauth/token").send({ grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret, scope: "write" });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_scope");
    expect((await counts(t)).access_tokens).toBe(0);
  });

  it("an unsupported grant type is refused with unsupported_grant_type", async () => {
    const res = await t.http.post("/oauth/token").send({ grant_type: "urn:ietf:params:oauth:grant-type:device_code" });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("unsupported_grant_type");
  });

  it("a token request without grant type is refused with invalid_request", async () => {
    const res = await t.http.post("/oauth/token").send({ username: "alice", password: PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_request");
  });
});

describe("POST /oauth/revoke", () => {
  it("a revoked token stops working at once", async () => {
    await createResident(t, "alice");
    const grant = await passwordGrant(t, "alice");
    expect((await verify(grant.body.access_token)).status).toBe(200);
    const res = await t.http.post("/oauth/revoke").type("form").send({ token: grant.body.access_token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expectError(await verify(grant.body.access_token), 401);
  });

  it("revoking one token leaves the resident's other tokens working", async () => {
    const alice = await createResident(t, "alice");
    const grant = await passwordGrant(t, "alice");
    await t.http.post("/oauth/revoke").send({ token: grant.body.access_token });
    expect((await verify(alice.token)).status).toBe(200);
  });

  it("revoking an unknown token answers 200 and changes nothing", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/oauth/revoke").send({ token: "not.a.jwt" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect((await verify(alice.token)).status).toBe(200);
  });

  it("a revocation without a token is refused with invalid_request", async () => {
    const res = await t.http.post("/oauth/revoke").send({});
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_request");
  });

  it("a revocation with malformed JSON is refused with 400", async () => {
    const res = await t.http.post("/oauth/revoke").set("Content-Type", "application/json").send("{token");
    expectError(res, 400);
  });

  it("a revocation with a token of the wrong type is refused with invalid_request", async () => {
    const res = await t.http.post("/oauth/revoke").send({ token: ["a", "b"] });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_request");
  });
});
