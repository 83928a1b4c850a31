// Small leaks and spoofs a client could see: a public self-boost of a
// followers-only post, replies_count counting replies the viewer may not see,
// the Host header in Link URLs, search matching HTML markup, posts of only
// invisible characters, bidi controls in auto-linked URLs.
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { statuses } from "../../server/db/schema";
import { follow } from "../../server/domain/follows";
import { countRows, parseLink } from "../helpers/api";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));

let alice: Resident;
let bob: Resident;
let carol: Resident;
beforeEach(async () => {
  alice = await createResident(t, "alice");
  bob = await createResident(t, "bob");
  carol = await createResident(t, "carol");
});

describe("an author's boost of their own followers-only post", () => {
  it("stays followers-only when asked to be public", async () => {
    const post = await createPost(t, alice, "For my followers", { visibility: "private" });
    const res = await t.http.post(`/api/v1/statuses/${post.id}/reblog`).set("Authorization", alice.auth).send({ visibility: "public" });
    expect([res.status, res.body.visibility]).toEqual([200, "private"]);
    const [row] = await t.services.db.select().from(statuses).where(eq(statuses.reblogOfId, post.id));
    expect(row.visibility).toBe("private");
  });

  it("is not shown to someone who does not follow the author", async () => {
    const post = await createPost(t, alice, "For my followers", { visibility: "private" });
    const boost = await t.http.post(`/api/v1/statuses/${post.id}/reblog`).set("Authorization", alice.auth).send({ visibility: "public" });
    const seen = await t.http.get(`/api/v1/statuses/${boost.body.id}`).set("Authorization", carol.auth);
    expect(seen.status).toBe(404);
    const timeline = await t.http.get(`/api/v1/accounts/${alice.account.id}/statuses`).set("Authorization", carol.auth);
    expect(timeline.body).toEqual([]);
  });
});

describe("replies_count", () => {
  it("counts only public and unlisted replies, as Mastodon does, for every viewer", async () => {
    const post = await createPost(t, alice, "Question publique");
    await follow(t.services.domain, bob.account, alice.account);
    for (const visibility of ["public", "unlisted", "private", "direct"] as const) {
      await createPost(t, bob, `@alice reply ${visibility}`, { visibility, inReplyToId: post.id });
    }
    const counts = [];
    for (const viewer of [null, carol, alice, bob]) {
      const req = t.http.get(`/api/v1/statuses/${post.id}`);
      const res = viewer ? await req.set("Authorization", viewer.auth) : await req;
      counts.push(res.body.replies_count);
    }
    expect(counts).toEqual([2, 2, 2, 2]);
  });
});

describe("Link pagination headers", () => {
  it("use the configured origin, whatever Host the request names", async () => {
    for (let i = 0; i < 3; i++) await createPost(t, alice, `post ${i}`);
    const res = await t.http.get("/api/v1/timelines/public?limit=2").set("Host", "evil.example");
    expect(res.status).toBe(200);
    const urls = (res.headers.link as string).match(/<([^>]+)>/g)!.map((u) => u.slice(1, -1));
    expect(urls.map((u) => new URL(u).origin)).toEqual([t.config.origin, t.config.origin]);
    expect(parseLink(res.headers.link).next).toMatch(/^\/api\/v1\/timelines\/public\?/);
  });
});

describe("status search", () => {
  it("does not match words of the HTML markup", async () => {
    await createPost(t, alice, "Voir https://example.org/page pour le marché");
    const search = (q: string) => t.http.get("/api/v2/search").query({ q, type: "statuses" }).set("Authorization", bob.auth);
    const markup = await Promise.all(["nofollow", "noopener", "href", "span", "invisible", "target"].map(search));
    expect(markup.map((r) => r.body.statuses.length)).toEqual([0, 0, 0, 0, 0, 0]);
    expect((await search("marché")).body.statuses).toHaveLength(1);
    expect((await search("example.org")).body.statuses).toHaveLength(1);
  });

  it("matches text written with characters HTML escapes", async () => {
    await createPost(t, alice, "Tom & Jerry <3");
    const res = await t.http.get("/api/v2/search").query({ q: "Tom & Jerry <3", type: "statuses" }).set("Authorization", bob.auth);
    expect(res.body.statuses).toHaveLength(1);
  });
});

describe("a post of only invisible characters", () => {
  for (const [name, text] of [
    ["zero-width spaces", "\u200b\u200b\u200b"],
    ["zero-width joiners and a BOM", "\u200d\u200c\ufeff"],
    ["a word joiner, bidi marks and spaces", " \u2060 \u200e\u202e "],
    ["Hangul fillers and a braille blank", "\u3164\u115f\u2800"],
  ]) {
    it(`(${name}) is refused as blank with 422 and nothing is stored`, async () => {
      const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: text });
      expect([res.status, res.body.error]).toEqual([422, expect.stringMatching(/blank/)]);
      expect(await countRows(t, "statuses")).toBe(0);
    });
  }

  it("is refused as the new text of an edit", async () => {
    const post = await createPost(t, alice, "Bonjour");
    const res = await t.http.put(`/api/v1/statuses/${post.id}`).set("Authorization", alice.auth).send({ status: "\u200b" });
    expect(res.status).toBe(422);
    const [row] = await t.services.db.select().from(statuses).where(eq(statuses.id, post.id));
    expect(row.content).toContain("Bonjour");
  });

  it("with one visible character is accepted", async () => {
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "\u200b.\u200b" });
    expect(res.status).toBe(200);
  });
});

describe("bidi controls around an auto-linked URL", () => {
  it("U+202E inside a URL is dropped: the link reads as the address it goes to", async () => {
    const res = await t.http
      .post("/api/v1/statuses")
      .set("Authorization", alice.auth)
      .send({ status: "Mon CV : https://example.org/cv\u202Efdp.exe voilà" });
    expect(res.status).toBe(200);
    expect(res.body.content).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(res.body.content).toContain('href="https://example.org/cvfdp.exe"');
    expect(res.body.content).toContain('<span class="">example.org/cvfdp.exe</span>');
  });

  it("U+202E before a URL does not reverse it", async () => {
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "\u202Ehttps://moc.elpmaxe.example.org/" });
    expect(res.body.content).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  });

  it("a line without a link keeps its bidi controls (right-to-left text needs them)", async () => {
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "\u2067שלום\u2069 bonjour" });
    expect(res.body.content).toContain("\u2067שלום\u2069");
  });

  it("a remote post's link text loses its bidi controls", async () => {
    const { sanitizePostHtml } = await import("../../server/domain/content");
    expect(sanitizePostHtml('<p><a href="https://example.org/x"><span>https://example.org/cv\u202Efdp.exe</span></a></p>')).not.toContain("\u202E");
  });
});
