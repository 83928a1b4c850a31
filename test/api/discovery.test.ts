import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { federationModule } from "../../federation/module";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident } from "../helpers/factories";

let t: TestInstance;
useTestInstance((x) => (t = x), { modules: () => [federationModule()] });

const verifier = "v".repeat(50);
const challenge = createHash("sha256").update(verifier).digest("base64url");

function cookiesOf(res: { headers: Record<string, unknown> }): Record<string, string> {
  const raw = (res.headers["set-cookie"] as string[] | undefined) ?? [];
  return Object.fromEntries(raw.map((c) => c.split(";")[0].split("=")).map(([k, ...v]) => [k, v.join("=")]));
}

function formAction(csp: string | undefined): string {
  return (csp ?? "").split(";").map((d) => d.trim()).find((d) => d.startsWith("form-action")) ?? "";
}

async function authorizeQuery(redirect: string) {
  const app = await t.http.post("/api/v1/apps").send({ client_name: "Elk", redirect_uris: redirect, scopes: "read write" });
  expect(app.status).toBe(200);
  return new URLSearchParams({
    response_type: "code",
    client_id: app.body.client_id,
    redirect_uri: redirect,
    scope: "read",
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
}

describe("the OAuth authorize page lets the app's redirect through", () => {
  it("form-action allows 'self' and the redirect URI's origin, and nothing else", async () => {
    const q = await authorizeQuery("https://elk.example:8443/signin/callback?x=1");
    const res = await t.http.get(`/oauth/authorize?${q}`);
    expect(res.status).toBe(200);
    expect(formAction(res.headers["content-security-policy"])).toBe("form-action 'self' https://elk.example:8443");
  });

  it("a native app's own scheme is allowed as a scheme source", async () => {
    const q = await authorizeQuery("com.example.tootapp://oauth");
    const res = await t.http.get(`/oauth/authorize?${q}`);
    expect(formAction(res.headers["content-security-policy"])).toBe("form-action 'self' com.example.tootapp:");
  });

  it("the out-of-band redirect leaves form-action at 'self'", async () => {
    const q = await authorizeQuery("urn:ietf:wg:oauth:2.0:oob");
    const res = await t.http.get(`/oauth/authorize?${q}`);
    expect(formAction(res.headers["content-security-policy"])).toBe("form-action 'self'");
  });

  it("an unregistered redirect URI widens nothing", async () => {
    const q = await authorizeQuery("https://elk.example/callback");
    q.set("redirect_uri", "https://evil.example/callback");
    const res = await t.http.get(`/oauth/authorize?${q}`);
    expect(res.status).toBe(400);
    expect(formAction(res.headers["content-security-policy"])).toBe("form-action 'self'");
  });

  it("the authorize page has no Cross-Origin-Opener-Policy, other pages keep it", async () => {
    const q = await authorizeQuery("https://elk.example/callback");
    const res = await t.http.get(`/oauth/authorize?${q}`);
    expect(res.headers["cross-origin-opener-policy"]).toBeUndefined();
    const other = await t.http.get("/api/v2/instance");
    expect(other.headers["cross-origin-opener-policy"]).toBe("same-origin");
    expect(formAction(other.headers["content-security-policy"])).toBe("form-action 'self'");
  });

  it("the approve post that redirects to the app carries the widened form-action", async () => {
    await createResident(t, "alice");
    const q = await authorizeQuery("https://elk.example/callback");
    const form = await t.http.get(`/oauth/authorize?${q}`);
    const csrf = cookiesOf(form).parvis_csrf;
    const fields = Object.fromEntries(q);
    const login = await t.http
      .post("/oauth/authorize")
      .set("Cookie", `parvis_csrf=${csrf}`)
      .type("form")
      .send({ ...fields, csrf_token: csrf, action: "login", username: "alice", password: "correct horse battery" });
    expect(formAction(login.headers["content-security-policy"])).toBe("form-action 'self' https://elk.example");
    expect(login.headers["cross-origin-opener-policy"]).toBeUndefined();
    const session = cookiesOf(login).parvis_session;
    const approve = await t.http
      .post("/oauth/authorize")
      .set("Cookie", `parvis_csrf=${csrf}; parvis_session=${session}`)
      .type("form")
      .send({ ...fields, csrf_token: csrf, action: "approve" });
    expect(approve.status).toBe(302);
    expect(approve.headers.location).toMatch(/^https:\/\/elk\.example\/callback\?code=/);
  });
});

describe("discovery documents", () => {
  it("the RFC 8414 metadata names our endpoints and S256 PKCE, readable cross-origin", async () => {
    const res = await t.http.get("/.well-known/oauth-authorization-server").set("Origin", "https://elk.example");
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.body.issuer).toBe(`${t.config.origin}/`);
    expect(res.body.authorization_endpoint).toBe(`${t.config.origin}/oauth/authorize`);
    expect(res.body.token_endpoint).toBe(`${t.config.origin}/oauth/token`);
    expect(res.body.revocation_endpoint).toBe(`${t.config.origin}/oauth/revoke`);
    expect(res.body.app_registration_endpoint).toBe(`${t.config.origin}/api/v1/apps`);
    expect(res.body.code_challenge_methods_supported).toEqual(["S256"]);
    expect(res.body.response_types_supported).toEqual(["code"]);
    expect(res.body.grant_types_supported).toContain("authorization_code");
    expect(res.body.scopes_supported).toEqual(expect.arrayContaining(["read", "write", "follow", "push", "read:statuses"]));
    expect(res.body.service_documentation).toMatch(/^https:\/\//);
  });

  it("a CORS preflight on a discovery path is answered without a body", async () => {
    const res = await t.http.options("/.well-known/oauth-authorization-server").set("Origin", "https://elk.example").set("Access-Control-Request-Method", "GET");
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-allow-methods"]).toContain("GET");
  });

  it("host-meta is XRD pointing at WebFinger", async () => {
    const res = await t.http.get("/.well-known/host-meta");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/xrd\+xml/);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.text).toContain(`<Link rel="lrdd" template="${t.config.origin}/.well-known/webfinger?resource={uri}"/>`);
  });

  it("host-meta in JSON, by format=json or host-meta.json", async () => {
    for (const path of ["/.well-known/host-meta?format=json", "/.well-known/host-meta.json"]) {
      const res = await t.http.get(path);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(JSON.parse(res.text)).toEqual({ links: [{ rel: "lrdd", template: `${t.config.origin}/.well-known/webfinger?resource={uri}` }] });
    }
  });

  it("WebFinger and NodeInfo, served by the federation adapter, carry exactly one CORS origin", async () => {
    await createResident(t, "alice");
    const wf = await t.http.get(`/.well-known/webfinger?resource=acct:alice@${t.config.domain}`);
    expect(wf.status).toBe(200);
    expect(wf.headers["access-control-allow-origin"]).toBe("*");
    expect(wf.body.subject).toBe(`acct:alice@${t.config.domain}`);
    const links = await t.http.get("/.well-known/nodeinfo");
    expect(links.status).toBe(200);
    expect(links.headers["access-control-allow-origin"]).toBe("*");
    const href = (links.body.links as { href: string }[])[0].href;
    const info = await t.http.get(new URL(href).pathname);
    expect(info.status).toBe(200);
    expect(info.headers["access-control-allow-origin"]).toBe("*");
    expect(info.body.software.name).toBe("parvis");
  });

  it("an unknown well-known path is a 404 with CORS", async () => {
    const res = await t.http.get("/.well-known/nothing-here%3Cscript%3E");
    expect(res.status).toBe(404);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
  });
});

describe("what older apps read elsewhere", () => {
  it("the metadata offers only the query response mode, the one the authorize page answers with", async () => {
    const res = await t.http.get("/.well-known/oauth-authorization-server");
    expect(res.body.response_modes_supported).toEqual(["query"]);
  });

  it("a registered app carries the instance's Web Push key as vapid_key", async () => {
    const app = await t.http.post("/api/v1/apps").send({ client_name: "Tusky", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read push" });
    const instance = await t.http.get("/api/v2/instance");
    expect(instance.body.configuration.vapid.public_key).toMatch(/^[\w-]{80,}$/);
    expect(app.body.vapid_key).toBe(instance.body.configuration.vapid.public_key);
  });

  it("GET /health answers OK as Mastodon's does", async () => {
    const res = await t.http.get("/health");
    expect(res.status).toBe(200);
    expect(res.text).toBe("OK");
  });
});
