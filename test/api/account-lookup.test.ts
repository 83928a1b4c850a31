// Reading accounts: GET /api/v1/accounts/:id, /lookup?acct=, /search?q=, and the
// Link-header pagination of /api/v1/accounts/:id/followers and /following.
import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accounts, users } from "../../server/db/schema";
import { follow } from "../../server/domain/follows";
import { createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { accountsTableIntact, expectError, INJECTIONS } from "../helpers/accounts-suite";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

let alice: Resident;
beforeEach(async () => {
  alice = await createResident(t, "alice");
});

const suspend = (r: Resident) => t.services.db.update(accounts).set({ suspendedAt: new Date() }).where(eq(accounts.id, r.account.id));
const usernames = (body: { username: string }[]) => body.map((a) => a.username);

/** Parses a Link header into { next, prev } as path + query. */
function links(header: string | undefined): { next?: string; prev?: string } {
  const out: { next?: string; prev?: string } = {};
  for (const part of (header ?? "").split(",")) {
    const m = part.match(/<([^>]+)>;\s*rel="(next|prev)"/);
    if (m) {
      const u = new URL(m[1]);
      out[m[2] as "next" | "prev"] = u.pathname + u.search;
    }
  }
  return out;
}

describe("GET /api/v1/accounts/:id", () => {
  it("anyone reads a resident's public account", async () => {
    const res = await t.http.get(`/api/v1/accounts/${alice.account.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: alice.account.id, username: "alice", acct: "alice", url: expect.any(String), followers_count: 0 });
  });

  it("the public account never shows private data", async () => {
    const res = await t.http.get(`/api/v1/accounts/${alice.account.id}`).set("Authorization", alice.auth);
    expect(res.body.source).toBeUndefined();
    expect(res.body.parvis?.email).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain("password");
  });

  it("an unknown id is not found", async () => {
    expectError(await t.http.get("/api/v1/accounts/123456789012345"), 404);
  });

  it("non-numeric and out-of-range ids are not found", async () => {
    for (const id of ["abc", "-1", "1.5", "99999999999999999999", "0x10", encodeURIComponent("1 or 1=1")]) {
      expectError(await t.http.get(`/api/v1/accounts/${id}`), 404);
    }
  });

  for (const injection of INJECTIONS) {
    it(`the injection string ${JSON.stringify(injection)} as an id is not found`, async () => {
      expectError(await t.http.get(`/api/v1/accounts/${encodeURIComponent(injection)}`), 404);
      expect(await accountsTableIntact(t)).toBe(true);
    });
  }

  it("a suspended account is not found", async () => {
    const bob = await createResident(t, "bob");
    await suspend(bob);
    expectError(await t.http.get(`/api/v1/accounts/${bob.account.id}`), 404);
  });

  it("an account waiting for approval is not found", async () => {
    const bob = await createResident(t, "bob");
    await t.services.db.update(users).set({ approved: false }).where(eq(users.id, bob.user.id));
    expectError(await t.http.get(`/api/v1/accounts/${bob.account.id}`).set("Authorization", alice.auth), 404);
  });

  it("a revoked token is refused even on a public endpoint", async () => {
    await t.http.post("/oauth/revoke").send({ token: alice.token });
    expectError(await t.http.get(`/api/v1/accounts/${alice.account.id}`).set("Authorization", alice.auth), 401);
  });
});

describe("GET /api/v1/accounts/lookup", () => {
  it("a local account is found by its username", async () => {
    const res = await t.http.get("/api/v1/accounts/lookup").query({ acct: "alice" });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(alice.account.id);
  });

  it("the lookup ignores case, a leading @ and this instance's own domain", async () => {
    for (const acct of ["ALICE", "@alice", `alice@${t.config.domain}`, `@Alice@${t.config.domain.toUpperCase()}`]) {
      const res = await t.http.get("/api/v1/accounts/lookup").query({ acct });
      expect({ acct, status: res.status, id: res.body.id }).toEqual({ acct, status: 200, id: alice.account.id });
    }
  });

  it("an unknown name is not found", async () => {
    expectError(await t.http.get("/api/v1/accounts/lookup").query({ acct: "nobody" }), 404);
  });

  it("an unknown remote account is not found", async () => {
    expectError(await t.http.get("/api/v1/accounts/lookup").query({ acct: "alice@elsewhere.example" }), 404);
  });

  it("a suspended account is not found", async () => {
    await suspend(alice);
    expectError(await t.http.get("/api/v1/accounts/lookup").query({ acct: "alice" }), 404);
  });

  it("an account waiting for approval is not found by lookup", async () => {
    await t.services.db.update(users).set({ approved: false }).where(eq(users.id, alice.user.id));
    expectError(await t.http.get("/api/v1/accounts/lookup").query({ acct: "alice" }), 404);
  });

  it("a lookup without acct is refused with 422", async () => {
    expectError(await t.http.get("/api/v1/accounts/lookup"), 422, /acct/);
  });

  it("a lookup with acct given twice is refused with 422", async () => {
    expectError(await t.http.get("/api/v1/accounts/lookup?acct=alice&acct=bob"), 422);
  });

  it("a lookup with a nested acct is refused with 422", async () => {
    expectError(await t.http.get("/api/v1/accounts/lookup?acct[username]=alice"), 422);
  });

  for (const injection of INJECTIONS) {
    it(`the injection string ${JSON.stringify(injection)} looks up nothing`, async () => {
      expectError(await t.http.get("/api/v1/accounts/lookup").query({ acct: injection }), 404);
      expect(await accountsTableIntact(t)).toBe(true);
    });
  }
});

describe("GET /api/v1/accounts/search", () => {
  const search = (q: Record<string, string | number>) => t.http.get("/api/v1/accounts/search").set("Authorization", alice.auth).query(q);

  it("accounts are found by the start of their username", async () => {
    await createResident(t, "alicia");
    await createResident(t, "bob");
    const res = await search({ q: "ali" });
    expect(res.status).toBe(200);
    expect(usernames(res.body).sort()).toEqual(["alice", "alicia"]);
  });

  it("accounts are found by the start of their display name, whatever the case", async () => {
    const bob = await createResident(t, "bob");
    await t.http.patch("/api/v1/accounts/update_credentials").set("Authorization", bob.auth).send({ display_name: "Robert Durand" });
    const res = await search({ q: "ROBERT" });
    expect(usernames(res.body)).toEqual(["bob"]);
  });

  it("a search with a leading @ finds the account", async () => {
    const res = await search({ q: "@alice" });
    expect(usernames(res.body)).toEqual(["alice"]);
  });

  it("suspended accounts are not found", async () => {
    const alicia = await createResident(t, "alicia");
    await suspend(alicia);
    const res = await search({ q: "ali" });
    expect(usernames(res.body)).toEqual(["alice"]);
  });

  it("accounts waiting for approval are not found", async () => {
    const alicia = await createResident(t, "alicia");
    await t.services.db.update(users).set({ approved: false }).where(eq(users.id, alicia.user.id));
    const res = await search({ q: "ali" });
    expect(usernames(res.body)).toEqual(["alice"]);
  });

  it("the limit is honoured", async () => {
    await createResident(t, "alicia");
    await createResident(t, "alix");
    const res = await search({ q: "ali", limit: 2 });
    expect(res.body).toHaveLength(2);
  });

  it("LIKE wildcards in the query match literally", async () => {
    await createResident(t, "bob");
    for (const q of ["%", "_", "a%", "\\"]) {
      const res = await search({ q });
      expect({ q, status: res.status, found: res.body }).toEqual({ q, status: 200, found: [] });
    }
  });

  it("an underscore in the query matches only an underscore", async () => {
    await createResident(t, "al_x");
    await createResident(t, "alyx");
    const res = await search({ q: "al_" });
    expect(usernames(res.body)).toEqual(["al_x"]);
  });

  for (const injection of INJECTIONS) {
    it(`the injection string ${JSON.stringify(injection)} finds nothing and harms nothing`, async () => {
      const res = await search({ q: injection });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      expect(await accountsTableIntact(t)).toBe(true);
    });
  }

  it("a search without q is refused with 422", async () => {
    expectError(await t.http.get("/api/v1/accounts/search").set("Authorization", alice.auth), 422, /q/);
  });

  it("a search with an array q is refused with 422", async () => {
    expectError(await t.http.get("/api/v1/accounts/search?q[]=a&q[]=b").set("Authorization", alice.auth), 422);
  });

  it("a search with a revoked token is refused", async () => {
    await t.http.post("/oauth/revoke").send({ token: alice.token });
    expectError(await search({ q: "ali" }), 401);
  });

  it("following=true keeps only accounts the resident follows", async () => {
    const alicia = await createResident(t, "alicia");
    await createResident(t, "alix");
    await follow(t.services.domain, alice.account, alicia.account);
    const res = await search({ q: "ali", following: "true" });
    expect(usernames(res.body)).toEqual(["alicia"]);
  });
});

describe("followers and following pagination", () => {
  async function followersOf(target: Resident, n: number): Promise<Resident[]> {
    const made: Resident[] = [];
    for (let i = 0; i < n; i++) {
      const r = await createResident(t, `fan${i}`);
      await follow(t.services.domain, r.account, target.account);
      made.push(r);
    }
    return made;
  }

  it("followers are listed newest first with next and prev links", async () => {
    const fans = await followersOf(alice, 3);
    const res = await t.http.get(`/api/v1/accounts/${alice.account.id}/followers`).query({ limit: 2 });
    expect(res.status).toBe(200);
    expect(usernames(res.body)).toEqual(["fan2", "fan1"]);
    const l = links(res.headers.link);
    expect(l.next).toMatch(new RegExp(`^/api/v1/accounts/${alice.account.id}/followers\\?.*max_id=\\d+`));
    expect(l.next).toContain("limit=2");
    expect(l.prev).toMatch(/min_id=\d+/);
    void fans;
  });

  it("following the next links walks every follower exactly once", async () => {
    await followersOf(alice, 5);
    const seen: string[] = [];
    let path: string | undefined = `/api/v1/accounts/${alice.account.id}/followers?limit=2`;
    for (let page = 0; path && page < 10; page++) {
      const res = await t.http.get(path);
      expect(res.status).toBe(200);
      seen.push(...usernames(res.body));
      path = res.body.length ? links(res.headers.link).next : undefined;
    }
    expect(seen).toEqual(["fan4", "fan3", "fan2", "fan1", "fan0"]);
  });

  it("the prev link gives the followers that arrived since", async () => {
    await followersOf(alice, 2);
    const first = await t.http.get(`/api/v1/accounts/${alice.account.id}/followers`);
    const late = await createResident(t, "latecomer");
    await follow(t.services.domain, late.account, alice.account);
    const prev = links(first.headers.link).prev!;
    const res = await t.http.get(prev);
    expect(usernames(res.body)).toEqual(["latecomer"]);
  });

  it("the last page has no next link", async () => {
    await followersOf(alice, 2);
    const res = await t.http.get(`/api/v1/accounts/${alice.account.id}/followers`).query({ limit: 5 });
    expect(res.body).toHaveLength(2);
    expect(links(res.headers.link).next).toBeUndefined();
  });

  it("following lists the accounts followed, paginated the same way", async () => {
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await follow(t.services.domain, alice.account, bob.account);
    await follow(t.services.domain, alice.account, carol.account);
    const res = await t.http.get(`/api/v1/accounts/${alice.account.id}/following`).query({ limit: 1 });
    expect(usernames(res.body)).toEqual(["carol"]);
    const next = await t.http.get(links(res.headers.link).next!);
    expect(usernames(next.body)).toEqual(["bob"]);
  });

  it("suspended followers are left out", async () => {
    const [fan0] = await followersOf(alice, 2);
    await suspend(fan0);
    const res = await t.http.get(`/api/v1/accounts/${alice.account.id}/followers`);
    expect(usernames(res.body)).toEqual(["fan1"]);
  });

  it("followers of an unknown or non-numeric id are not found", async () => {
    expectError(await t.http.get("/api/v1/accounts/123456789012345/followers"), 404);
    expectError(await t.http.get("/api/v1/accounts/abc/followers"), 404);
  });

  it("bad pagination parameters fall back to defaults, never a 500", async () => {
    await followersOf(alice, 1);
    const res = await t.http.get(`/api/v1/accounts/${alice.account.id}/followers`).query({ limit: "lots", max_id: "'; drop table accounts; --" });
    expect(res.status).toBe(200);
    expect(usernames(res.body)).toEqual(["fan0"]);
  });
});
