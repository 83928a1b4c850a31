// OAuth scopes, enforced from one table (server/auth/scopes.ts): every registered
// route is in the table, refuses a token lacking its scope with Mastodon's 403 and
// does nothing, and accepts a token holding exactly that scope.
import { sql } from "drizzle-orm";
import type { Express } from "express";
import { describe, expect, it } from "vitest";
import { issueToken } from "../../server/auth/tokens";
import { expandScopes, hasAnyScope, KNOWN_SCOPES, ruleFor, SCOPE_TABLE, type Requirement } from "../../server/auth/scopes";
import { follow } from "../../server/domain/follows";
import { getSettings } from "../../server/domain/instance";
import { rowsOf } from "../../server/db/rows";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { passwordGrant, PASSWORD } from "../helpers/accounts-suite";

let t: TestInstance;
useTestInstance((x) => (t = x));

const OUTSIDE = "This action is outside the authorized scopes";

interface RouteInfo {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route registered on the Express app, nested routers included. */
function registeredRoutes(app: Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== "_all")) {
          for (const path of paths) out.push({ method: method.toUpperCase(), path });
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

const appOf = (): Express => t.instance.server.listeners("request")[0] as Express;
const concrete = (path: string) => path.replace(/:[A-Za-z_]+/g, "1");

function requirementOf(route: RouteInfo): Requirement {
  const rule = ruleFor(route.method, concrete(route.path));
  if (!rule) throw new Error(`${route.method} ${route.path} is missing from SCOPE_TABLE`);
  return rule.requirement;
}

/** The most generous scope string that still does not grant the requirement. */
function lacking(need: Requirement): string {
  return [...KNOWN_SCOPES].filter((s) => !hasAnyScope(expandScopes(s), need.scopes)).join(" ");
}

async function tokenFor(who: Resident, scopes: string): Promise<string> {
  const { accessToken } = await issueToken(t.services.domain, { userId: who.user.id, scopes });
  return `Bearer ${accessToken}`;
}

function call(method: string, path: string, auth: string) {
  const verb = method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete";
  return t.http[verb](path).set("Authorization", auth).send({});
}

/** A fingerprint of what the walk could change. */
async function stateOf(): Promise<string> {
  const tables = ["statuses", "media_attachments", "follows", "follow_requests", "blocks", "mutes", "favourites", "bookmarks", "notifications", "instance_rules", "domain_policies", "users", "accounts"];
  const parts: string[] = [];
  for (const table of tables) {
    const r = await t.services.db.execute(sql.raw(`select count(*)::int as n from "${table}"`));
    parts.push(`${table}=${rowsOf<{ n: number }>(r)[0]?.n}`);
  }
  const revoked = await t.services.db.execute(sql.raw(`select count(*)::int as n from access_tokens where revoked_at is not null`));
  const hashes = await t.services.db.execute(sql.raw(`select string_agg(password_hash, ',' order by id) as h from users`));
  const accounts = await t.services.db.execute(sql.raw(`select string_agg(display_name || note, ',' order by id) as a from accounts`));
  parts.push(`revoked=${rowsOf<{ n: number }>(revoked)[0]?.n}`, `hashes=${rowsOf<{ h: string }>(hashes)[0]?.h}`, `profiles=${rowsOf<{ a: string }>(accounts)[0]?.a}`);
  parts.push(JSON.stringify(await getSettings(t.services.domain)));
  return parts.join(";");
}

describe("the scope table", () => {
  it("names every route registered under /api and /oauth, so that a new route cannot forget its scope", () => {
    const routes = registeredRoutes(appOf());
    expect(routes.length).toBeGreaterThan(60);
    const missing = routes
      .filter((r) => /^\/(api|oauth)\//.test(r.path))
      .filter((r) => ruleFor(r.method, concrete(r.path))?.path !== r.path)
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it("has no entry for a route that does not exist", () => {
    const routes = new Set(registeredRoutes(appOf()).map((r) => `${r.method} ${r.path}`));
    const stale = SCOPE_TABLE.map(([m, p]) => `${m} ${p}`).filter((k) => !routes.has(k));
    expect(stale).toEqual([]);
  });

  it("every route refuses a token lacking its scope with Mastodon's 403, and nothing changes", async () => {
    const admin = await createResident(t, "boss", { role: "admin" });
    const bob = await createResident(t, "bob");
    await createPost(t, admin, "a post");
    await follow(t.services.domain, bob.account, admin.account);
    const before = await stateOf();
    const refused: string[] = [];
    let tried = 0;
    for (const route of registeredRoutes(appOf())) {
      const need = requirementOf(route);
      if (need.access === "public" || need.access === "token") continue;
      tried++;
      const res = await call(route.method, concrete(route.path), await tokenFor(admin, lacking(need)));
      if (res.status === 403 && res.body.error === OUTSIDE) refused.push(`${route.method} ${route.path}`);
      else refused.push(`${route.method} ${route.path} answered ${res.status} ${JSON.stringify(res.body).slice(0, 80)}`);
    }
    expect(tried).toBeGreaterThan(50);
    expect(refused.filter((r) => r.includes(" answered "))).toEqual([]);
    expect(await stateOf()).toBe(before);
  });

  it("every route accepts a token holding only (one of) its scopes", async () => {
    const admin = await createResident(t, "boss", { role: "admin" });
    const problems: string[] = [];
    for (const route of registeredRoutes(appOf())) {
      const need = requirementOf(route);
      if (need.access === "public" || need.access === "token") continue;
      for (const scope of need.scopes) {
        const res = await call(route.method, concrete(route.path), await tokenFor(admin, scope));
        if (res.status === 401 || (res.status === 403 && res.body.error === OUTSIDE)) problems.push(`${route.method} ${route.path} with ${scope}: ${res.status}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("routes that need a resident refuse visitors with 401", async () => {
    const problems: string[] = [];
    for (const route of registeredRoutes(appOf())) {
      if (requirementOf(route).access !== "required") continue;
      const verb = route.method.toLowerCase() as "get";
      const res = await t.http[verb](concrete(route.path)).send({});
      if (res.status !== 401) problems.push(`${route.method} ${route.path}: ${res.status}`);
    }
    expect(problems).toEqual([]);
  });
});

describe("reading private posts needs a read scope", () => {
  async function setUp() {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    const post = await createPost(t, alice, "followers only secret", { visibility: "private" });
    return { alice, bob, post };
  }

  for (const scopes of ["push", "write", "write:statuses"]) {
    it(`a follower's "${scopes}" token cannot read a followers-only post anywhere`, async () => {
      const { alice, bob, post } = await setUp();
      const auth = await tokenFor(bob, scopes);
      for (const path of [
        `/api/v1/statuses/${post.id}`,
        `/api/v1/statuses/${post.id}/context`,
        `/api/v1/statuses?id[]=${post.id}`,
        `/api/v1/accounts/${alice.account.id}/statuses`,
        `/api/v2/search?q=secret`,
      ]) {
        const res = await t.http.get(path).set("Authorization", auth);
        expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 403, body: { error: OUTSIDE } });
      }
    });
  }

  it("a follower's read:statuses token reads the followers-only post", async () => {
    const { alice, bob, post } = await setUp();
    const auth = await tokenFor(bob, "read:statuses");
    expect((await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", auth)).body.id).toBe(post.id);
    const list = await t.http.get(`/api/v1/accounts/${alice.account.id}/statuses`).set("Authorization", auth);
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([post.id]);
  });

  it("a read:search token finds the followers-only post, a read:statuses one may not search", async () => {
    const { bob, post } = await setUp();
    const search = await t.http.get("/api/v2/search?q=secret&type=statuses").set("Authorization", await tokenFor(bob, "read:search"));
    expect(search.body.statuses.map((s: { id: string }) => s.id)).toEqual([post.id]);
    expect((await t.http.get("/api/v2/search?q=secret").set("Authorization", await tokenFor(bob, "read:statuses"))).status).toBe(403);
  });

  it("without any token the followers-only post stays not found, public reads still work", async () => {
    const { post } = await setUp();
    expect((await t.http.get(`/api/v1/statuses/${post.id}`)).status).toBe(404);
    expect((await t.http.get("/api/v1/timelines/public")).status).toBe(200);
  });
});

describe("admin and account settings need their scopes", () => {
  it("a read-only admin token changes no setting, blocks no domain, adds no rule", async () => {
    const admin = await createResident(t, "boss", { role: "admin" });
    const auth = await tokenFor(admin, "read admin:read");
    const before = await getSettings(t.services.domain);
    expect((await t.http.patch("/api/parvis/admin/settings").set("Authorization", auth).send({ registration_mode: "closed" })).status).toBe(403);
    expect((await t.http.post("/api/parvis/admin/domains").set("Authorization", auth).send({ domain: "evil.example", policy: "block" })).status).toBe(403);
    expect((await t.http.post("/api/parvis/admin/rules").set("Authorization", auth).send({ text: "No rules" })).status).toBe(403);
    expect(await getSettings(t.services.domain)).toEqual(before);
    expect((await t.http.get("/api/parvis/admin/domains").set("Authorization", auth)).body).toEqual([]);
    expect((await t.http.get("/api/v1/instance/rules")).body).toEqual([]);
    // and reading is allowed
    expect((await t.http.get("/api/parvis/admin/settings").set("Authorization", auth)).status).toBe(200);
  });

  it("an admin:write:domain_blocks token blocks a domain but cannot change settings", async () => {
    const admin = await createResident(t, "boss", { role: "admin" });
    const auth = await tokenFor(admin, "admin:write:domain_blocks");
    expect((await t.http.post("/api/parvis/admin/domains").set("Authorization", auth).send({ domain: "evil.example", policy: "block" })).status).toBe(200);
    expect((await t.http.patch("/api/parvis/admin/settings").set("Authorization", auth).send({ registration_mode: "closed" })).status).toBe(403);
  });

  it("a resident's admin scopes give no admin power: the role still decides", async () => {
    const eve = await createResident(t, "eve");
    const auth = await tokenFor(eve, "admin:read admin:write");
    expect((await t.http.get("/api/parvis/admin/settings").set("Authorization", auth)).status).toBe(403);
    expect((await t.http.get("/api/parvis/admin/settings").set("Authorization", auth)).body.error).not.toBe(OUTSIDE);
  });

  it("a push-only token cannot list sessions with their addresses", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.get("/api/parvis/web/sessions").set("Authorization", await tokenFor(alice, "push"));
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toMatch(/user_agent|ip/);
  });

  it("a read-only token revokes no session and changes no password", async () => {
    const alice = await createResident(t, "alice");
    const phone = await passwordGrant(t, "alice");
    const auth = await tokenFor(alice, "read");
    const list = await t.http.get("/api/parvis/web/sessions").set("Authorization", auth);
    const other = list.body.find((s: { current: boolean }) => !s.current);
    expect((await t.http.delete(`/api/parvis/web/sessions/${other.id}`).set("Authorization", auth)).status).toBe(403);
    const change = await t.http.post("/api/parvis/web/password").set("Authorization", auth).send({ current_password: PASSWORD, new_password: "a brand new password" });
    expect(change.status).toBe(403);
    // the phone still works and the old password still logs in
    expect((await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", `Bearer ${phone.body.access_token}`)).status).toBe(200);
    expect((await passwordGrant(t, "alice")).status).toBe(200);
  });
});

describe("granular scopes as Mastodon defines them", () => {
  it("the legacy follow scope grants blocking and muting but not posting", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const auth = await tokenFor(alice, "follow");
    expect((await t.http.post(`/api/v1/accounts/${bob.account.id}/block`).set("Authorization", auth)).body.blocking).toBe(true);
    expect((await t.http.get("/api/v1/blocks").set("Authorization", auth)).status).toBe(200);
    expect((await t.http.post("/api/v1/statuses").set("Authorization", auth).send({ status: "hello" })).status).toBe(403);
  });

  it("profile alone verifies credentials and nothing else", async () => {
    const alice = await createResident(t, "alice");
    const auth = await tokenFor(alice, "profile");
    expect((await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", auth)).body.id).toBe(alice.account.id);
    expect((await t.http.get("/api/v1/timelines/home").set("Authorization", auth)).status).toBe(403);
  });

  it("admin:read:accounts lists pending registrations but approves none", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const auth = await tokenFor(mod, "admin:read:accounts");
    expect((await t.http.get("/api/v1/admin/accounts?pending=true").set("Authorization", auth)).status).toBe(200);
    expect((await t.http.post(`/api/v1/admin/accounts/${mod.account.id}/approve`).set("Authorization", auth)).status).toBe(403);
  });

  it("an app may register granular scopes, a token gets them, and unknown scopes are refused", async () => {
    await createResident(t, "alice");
    const app = await t.http.post("/api/v1/apps").send({ client_name: "Granular", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read:statuses write:media" });
    expect(app.status).toBe(200);
    expect(app.body.scopes).toEqual(["read:statuses", "write:media"]);
    const grant = await passwordGrant(t, "alice", PASSWORD, { client_id: app.body.client_id, client_secret: app.body.client_secret, scope: "read:statuses" });
    expect(grant.body.scope).toBe("read:statuses");
    const auth = `Bearer ${grant.body.access_token}`;
    expect((await t.http.get("/api/v1/timelines/home").set("Authorization", auth)).status).toBe(200);
    expect((await t.http.get("/api/v1/notifications").set("Authorization", auth)).status).toBe(403);
    const wider = await passwordGrant(t, "alice", PASSWORD, { client_id: app.body.client_id, client_secret: app.body.client_secret, scope: "read" });
    expect(wider.body.error).toBe("invalid_scope");
    const bad = await t.http.post("/api/v1/apps").send({ client_name: "Bad", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read:everything" });
    expect(bad.status).toBe(422);
  });

  it("the authorization page accepts a granular scope within the app's and refuses one outside", async () => {
    const app = await t.http.post("/api/v1/apps").send({ client_name: "Admin app", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read admin:read" });
    const base = `/oauth/authorize?response_type=code&client_id=${app.body.client_id}&redirect_uri=urn:ietf:wg:oauth:2.0:oob`;
    expect((await t.http.get(`${base}&scope=read:statuses+admin:read:accounts`)).status).toBe(200);
    expect((await t.http.get(`${base}&scope=admin:write:accounts`)).status).toBe(400);
    expect((await t.http.get(`${base}&scope=write:statuses`)).status).toBe(400);
  });

  it("through the authorization page, a granular scope is shown as asked and the token holds only it", async () => {
    await createResident(t, "alice");
    const redirect = "https://app.example/cb";
    const app = (await t.http.post("/api/v1/apps").send({ client_name: "Reader", redirect_uris: redirect, scopes: "read write" })).body;
    const login = await t.http.post("/api/parvis/web/session").send({ username: "alice", password: PASSWORD });
    const cookies = ([] as string[]).concat(login.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]);
    const csrf = cookies.find((c) => c.startsWith("parvis_csrf="))!.split("=")[1];
    const params = { response_type: "code", client_id: app.client_id, redirect_uri: redirect, scope: "read:statuses" };
    const consent = await t.http.get(`/oauth/authorize?${new URLSearchParams({ ...params, lang: "en" })}`).set("Cookie", cookies.join("; "));
    expect(consent.status).toBe(200);
    expect(consent.text).toContain("only this part: read:statuses");
    expect(consent.text).not.toContain("read your posts, follows and notifications");
    const approve = await t.http.post("/oauth/authorize").set("Cookie", cookies.join("; ")).type("form").send({ ...params, csrf_token: csrf, action: "approve" });
    expect(approve.status).toBe(302);
    const code = new URL(approve.headers.location).searchParams.get("code")!;
    const token = await t.http
      .post("/oauth/token")
      .type("form")
      .send({ grant_type: "authorization_code", code, redirect_uri: redirect, client_id: app.client_id, client_secret: app.client_secret });
    expect(token.body.scope).toBe("read:statuses");
    const auth = `Bearer ${token.body.access_token}`;
    expect((await t.http.get("/api/v1/timelines/home").set("Authorization", auth)).status).toBe(200);
    expect((await t.http.get("/api/v1/notifications").set("Authorization", auth)).body).toEqual({ error: OUTSIDE });
    expect((await t.http.post("/api/v1/statuses").set("Authorization", auth).send({ status: "no" })).status).toBe(403);
  });

  it("the web session cookie has every scope of the web client", async () => {
    const admin = await createResident(t, "boss", { role: "admin" });
    const login = await t.http.post("/api/parvis/web/session").send({ username: "boss", password: PASSWORD });
    const cookies = ([] as string[]).concat(login.headers["set-cookie"] ?? []);
    const cookie = cookies.map((c) => c.split(";")[0]).join("; ");
    const csrf = cookies.find((c) => c.startsWith("parvis_csrf="))!.split(";")[0].split("=")[1];
    expect((await t.http.get("/api/parvis/web/sessions").set("Cookie", cookie)).status).toBe(200);
    const res = await t.http.patch("/api/parvis/admin/settings").set("Cookie", cookie).set("X-CSRF-Token", csrf).send({ description: "Bienvenue" });
    expect(res.status).toBe(200);
    expect(admin.account.id).toBeTruthy();
  });
});
