// Followed hashtags (and their posts in the home timeline and its live audience),
// GET /api/v1/tags/:name with `following`, and featured hashtags.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { featuredTags, tagFollows } from "../../server/db/schema";
import { homeAudience } from "../../server/domain/timelines";
import { countRows, idsOf, parseLink } from "../helpers/api";
import { createPost, createResident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((i) => (t = i));
const ctx = () => t.services.domain;

describe("followed hashtags", () => {
  it("following a hashtag stores it and GET /api/v1/tags/:name says following", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/tags/Marche/follow").set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "marche", following: true, history: [] });
    const rows = await t.services.db.select().from(tagFollows).where(eq(tagFollows.accountId, alice.account.id));
    expect(rows).toHaveLength(1);
    const tag = await t.http.get("/api/v1/tags/marche").set("Authorization", alice.auth);
    expect(tag.body.following).toBe(true);
    const anonymous = await t.http.get("/api/v1/tags/marche");
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.following).toBeUndefined();
  });

  it("following twice keeps one row; unfollowing removes it", async () => {
    const alice = await createResident(t, "alice");
    await t.http.post("/api/v1/tags/marche/follow").set("Authorization", alice.auth).expect(200);
    await t.http.post("/api/v1/tags/marche/follow").set("Authorization", alice.auth).expect(200);
    expect(await countRows(t, "tag_follows")).toBe(1);
    const res = await t.http.post("/api/v1/tags/marche/unfollow").set("Authorization", alice.auth);
    expect(res.body.following).toBe(false);
    expect(await countRows(t, "tag_follows")).toBe(0);
  });

  it("a public post with a followed hashtag is in the home timeline and its live audience; a followers-only one is not", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await t.http.post("/api/v1/tags/marche/follow").set("Authorization", alice.auth).expect(200);
    const pub = await createPost(t, bob, "Le #marche est ouvert");
    const priv = await createPost(t, bob, "Le #marche privé", { visibility: "private" });
    await createPost(t, bob, "Sans étiquette");
    const home = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    expect(idsOf(home.body)).toEqual([pub.id]);
    expect(await homeAudience(ctx(), pub.id)).toContain(alice.account.id);
    expect(await homeAudience(ctx(), priv.id)).not.toContain(alice.account.id);
  });

  it("GET /api/v1/followed_tags lists them, paginated by the follow row", async () => {
    const alice = await createResident(t, "alice");
    for (const name of ["un", "deux", "trois"]) await t.http.post(`/api/v1/tags/${name}/follow`).set("Authorization", alice.auth).expect(200);
    const res = await t.http.get("/api/v1/followed_tags?limit=2").set("Authorization", alice.auth);
    expect(res.body.map((x: { name: string }) => x.name)).toEqual(["trois", "deux"]);
    expect(res.body[0].following).toBe(true);
    const next = await t.http.get(parseLink(res.headers.link).next!).set("Authorization", alice.auth);
    expect(next.body.map((x: { name: string }) => x.name)).toEqual(["un"]);
  });

  it("bad hashtag names are not found, and nothing is stored; unfollowing an unknown tag is not found", async () => {
    const alice = await createResident(t, "alice");
    for (const name of ["a b", "x".repeat(101), "'%3B drop table tags", "123", "%00"]) {
      const res = await t.http.post(`/api/v1/tags/${encodeURIComponent(name)}/follow`).set("Authorization", alice.auth);
      expect(res.status, name).toBe(404);
    }
    expect((await t.http.post("/api/v1/tags/inconnu/unfollow").set("Authorization", alice.auth)).status).toBe(404);
    expect(await countRows(t, "tag_follows")).toBe(0);
  });

  it("following needs the write:follows scope; the list needs read:follows", async () => {
    const alice = await createResident(t, "alice");
    const { issueToken } = await import("../../server/auth/tokens");
    const { accessToken } = await issueToken(ctx(), { userId: alice.user.id, scopes: "read" });
    expect((await t.http.post("/api/v1/tags/x/follow").set("Authorization", `Bearer ${accessToken}`)).status).toBe(403);
    expect((await t.http.get("/api/v1/followed_tags").set("Authorization", `Bearer ${accessToken}`)).status).toBe(200);
    expect((await t.http.get("/api/v1/followed_tags")).status).toBe(401);
    expect(await countRows(t, "tag_follows")).toBe(0);
  });
});

describe("featured hashtags", () => {
  it("featuring a hashtag stores it; the account's featured tags show it with counts", async () => {
    const alice = await createResident(t, "alice");
    await createPost(t, alice, "Le #jardin partagé");
    await createPost(t, alice, "Encore le #jardin");
    await createPost(t, alice, "#jardin privé", { visibility: "private" });
    const res = await t.http.post("/api/v1/featured_tags").set("Authorization", alice.auth).send({ name: "#Jardin" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "jardin", statuses_count: "2", url: expect.stringMatching(/\/@alice\/tagged\/jardin$/) });
    expect(res.body.last_status_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await countRows(t, "featured_tags")).toBe(1);
    const mine = await t.http.get("/api/v1/featured_tags").set("Authorization", alice.auth);
    expect(idsOf(mine.body)).toEqual([res.body.id]);
    const pub = await t.http.get(`/api/v1/accounts/${alice.account.id}/featured_tags`);
    expect(pub.status).toBe(200);
    expect(idsOf(pub.body)).toEqual([res.body.id]);
  });

  it("suggestions are the hashtags one used and does not feature yet", async () => {
    const alice = await createResident(t, "alice");
    await createPost(t, alice, "#jardin #velo");
    await createPost(t, alice, "#velo");
    await t.http.post("/api/v1/featured_tags").set("Authorization", alice.auth).send({ name: "jardin" }).expect(200);
    const res = await t.http.get("/api/v1/featured_tags/suggestions").set("Authorization", alice.auth);
    expect(res.body.map((x: { name: string }) => x.name)).toEqual(["velo"]);
  });

  it("featuring the same hashtag twice, or a bad name, is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    await t.http.post("/api/v1/featured_tags").set("Authorization", alice.auth).send({ name: "jardin" }).expect(200);
    for (const body of [{ name: "jardin" }, { name: "" }, { name: "a b" }, {}, { name: ["x"] }, { name: "<script>" }]) {
      const res = await t.http.post("/api/v1/featured_tags").set("Authorization", alice.auth).send(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect(await countRows(t, "featured_tags")).toBe(1);
  });

  it("unfeaturing removes it; another resident's featured tag is not found and stays", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post("/api/v1/featured_tags").set("Authorization", alice.auth).send({ name: "jardin" });
    expect((await t.http.delete(`/api/v1/featured_tags/${res.body.id}`).set("Authorization", bob.auth)).status).toBe(404);
    expect(await countRows(t, "featured_tags")).toBe(1);
    await t.http.delete(`/api/v1/featured_tags/${res.body.id}`).set("Authorization", alice.auth).expect(200);
    const rows = await t.services.db.select().from(featuredTags);
    expect(rows).toEqual([]);
  });

  it("at most ten hashtags are featured", async () => {
    const alice = await createResident(t, "alice");
    for (let i = 0; i < 10; i++) await t.http.post("/api/v1/featured_tags").set("Authorization", alice.auth).send({ name: `tag${i}` }).expect(200);
    expect((await t.http.post("/api/v1/featured_tags").set("Authorization", alice.auth).send({ name: "encore" })).status).toBe(422);
    expect(await countRows(t, "featured_tags")).toBe(10);
  });
});
