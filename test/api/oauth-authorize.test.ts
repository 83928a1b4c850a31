import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident } from "../helpers/factories";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const REDIRECT = "https://app.example/callback";
const verifier = "a".repeat(20) + "-verifier-" + "b".repeat(20);
const challenge = createHash("sha256").update(verifier).digest("base64url");

async function registerApp() {
  const res = await t.http.post("/api/v1/apps").send({ client_name: "Tusky", redirect_uris: REDIRECT, scopes: "read write follow" });
  expect(res.status).toBe(200);
  return res.body as { client_id: string; client_secret: string };
}

function cookiesOf(res: { headers: Record<string, unknown> }): Record<string, string> {
  const raw = (res.headers["set-cookie"] as string[] | undefined) ?? [];
  return Object.fromEntries(raw.map((c) => c.split(";")[0].split("=")).map(([k, ...v]) => [k, v.join("=")]));
}

function query(app: { client_id: string }, extra: Record<string, string> = {}) {
  return new URLSearchParams({ response_type: "code", client_id: app.client_id, redirect_uri: REDIRECT, scope: "read write", state: "xyz", code_challenge: challenge, code_challenge_method: "S256", ...extra });
}

/** Walks the whole page flow and returns the code given to the app. */
async function obtainCode(app: { client_id: string }) {
  await createResident(t, "alice");
  const form = await t.http.get(`/oauth/authorize?${query(app)}`);
  expect(form.status).toBe(200);
  const csrf = cookiesOf(form).parvis_csrf;
  const fields = Object.fromEntries(query(app));
  const login = await t.http
    .post("/oauth/authorize")
    .set("Cookie", `parvis_csrf=${csrf}`)
    .type("form")
    .send({ ...fields, csrf_token: csrf, action: "login", username: "alice", password: "correct horse battery" });
  expect(login.status).toBe(200);
  const session = cookiesOf(login).parvis_session;
  const approve = await t.http
    .post("/oauth/authorize")
    .set("Cookie", `parvis_csrf=${csrf}; parvis_session=${session}`)
    .type("form")
    .send({ ...fields, csrf_token: csrf, action: "approve" });
  expect(approve.status).toBe(302);
  const location = new URL(approve.headers.location);
  return { location, code: location.searchParams.get("code")! };
}

describe("OAuth authorization-code grant", () => {
  it("the authorize page asks a visitor to log in, in French by default", async () => {
    const app = await registerApp();
    const res = await t.http.get(`/oauth/authorize?${query(app)}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('lang="fr"');
    expect(res.text).toContain("Se connecter");
    expect(res.text).not.toContain("<script");
  });

  it("an approved request redirects to the app with a code and the state", async () => {
    const app = await registerApp();
    const { location, code } = await obtainCode(app);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get("state")).toBe("xyz");
    expect(code).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it("the code with the right PKCE verifier is exchanged for a working token", async () => {
    const app = await registerApp();
    const { code } = await obtainCode(app);
    const token = await t.http.post("/oauth/token").send({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: app.client_id, client_secret: app.client_secret, code_verifier: verifier });
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe("read write");
    const me = await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", `Bearer ${token.body.access_token}`);
    expect(me.body.username).toBe("alice");
  });

  it("a code is refused with a wrong PKCE verifier", async () => {
    const app = await registerApp();
    const { code } = await obtainCode(app);
    const token = await t.http.post("/oauth/token").send({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: app.client_id, client_secret: app.client_secret, code_verifier: "x".repeat(50) });
    expect(token.status).toBe(400);
    expect(token.body.error).toBe("invalid_grant");
  });

  it("a code can be used only once", async () => {
    const app = await registerApp();
    const { code } = await obtainCode(app);
    const body = { grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: app.client_id, client_secret: app.client_secret, code_verifier: verifier };
    expect((await t.http.post("/oauth/token").send(body)).status).toBe(200);
    expect((await t.http.post("/oauth/token").send(body)).status).toBe(400);
  });

  it("a redirect URI the app did not register is refused", async () => {
    const app = await registerApp();
    const res = await t.http.get(`/oauth/authorize?${query(app, { redirect_uri: "https://evil.example/steal" })}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain("adresse de retour");
  });

  it("an unknown client is refused", async () => {
    const res = await t.http.get(`/oauth/authorize?${query({ client_id: "nope" })}`);
    expect(res.status).toBe(400);
  });

  it("a form post without the CSRF token is refused and no code is issued", async () => {
    const app = await registerApp();
    await createResident(t, "alice");
    const res = await t.http
      .post("/oauth/authorize")
      .type("form")
      .send({ ...Object.fromEntries(query(app)), action: "login", username: "alice", password: "correct horse battery" });
    expect(res.status).toBe(403);
    expect(res.headers["set-cookie"]?.toString() ?? "").not.toContain("parvis_session");
  });

  it("a wrong password shows the login form again with an error", async () => {
    const app = await registerApp();
    await createResident(t, "alice");
    const form = await t.http.get(`/oauth/authorize?${query(app)}`);
    const csrf = cookiesOf(form).parvis_csrf;
    const res = await t.http
      .post("/oauth/authorize")
      .set("Cookie", `parvis_csrf=${csrf}`)
      .type("form")
      .send({ ...Object.fromEntries(query(app)), csrf_token: csrf, action: "login", username: "alice", password: "wrong" });
    expect(res.status).toBe(401);
    expect(res.text).toContain("incorrect");
  });

  it("denying sends the app an access_denied error", async () => {
    const app = await registerApp();
    await createResident(t, "alice");
    const form = await t.http.get(`/oauth/authorize?${query(app)}`);
    const csrf = cookiesOf(form).parvis_csrf;
    const fields = Object.fromEntries(query(app));
    const login = await t.http.post("/oauth/authorize").set("Cookie", `parvis_csrf=${csrf}`).type("form").send({ ...fields, csrf_token: csrf, action: "login", username: "alice", password: "correct horse battery" });
    const session = cookiesOf(login).parvis_session;
    const deny = await t.http.post("/oauth/authorize").set("Cookie", `parvis_csrf=${csrf}; parvis_session=${session}`).type("form").send({ ...fields, csrf_token: csrf, action: "deny" });
    expect(deny.status).toBe(302);
    expect(new URL(deny.headers.location).searchParams.get("error")).toBe("access_denied");
  });
});
