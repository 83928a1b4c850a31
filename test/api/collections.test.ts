// Bookmarks and favourites lists (Link pagination by row id), markers and preferences.
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { markers } from "../../server/db/schema";
import { bookmark } from "../../server/domain/interactions";
import { follow, unfollow } from "../../server/domain/follows";
import { favourite } from "../../server/domain/interactions";
import { countRows, idsOf, parseLink } from "../helpers/api";
import { createPost, createResident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((i) => (t = i));
const ctx = () => t.services.domain;

describe("GET /api/v1/bookmarks and /api/v1/favourites", () => {
  for (const kind of ["bookmarks", "favourites"] as const) {
    const mark = (who: Awaited<ReturnType<typeof createResident>>, id: string) =>
      kind === "bookmarks" ? bookmark(ctx(), who.account.id, id) : favourite(ctx(), who.account, id);

    it(`${kind}: newest ${kind === "bookmarks" ? "bookmark" : "favourite"} first (not newest status), paginated by row id`, async () => {
      const alice = await createResident(t, "alice");
      const bob = await createResident(t, "bob");
      const s1 = await createPost(t, bob, "un");
      const s2 = await createPost(t, bob, "deux");
      const s3 = await createPost(t, bob, "trois");
      await mark(alice, s2.id);
      await mark(alice, s1.id);
      await mark(alice, s3.id);
      const res = await t.http.get(`/api/v1/${kind}?limit=2`).set("Authorization", alice.auth);
      expect(res.status).toBe(200);
      expect(idsOf(res.body)).toEqual([s3.id, s1.id]);
      const links = parseLink(res.headers.link);
      expect(links.next).toMatch(/max_id=\d+/);
      // the cursor is the row id, not a status id
      expect(links.next).not.toContain(`max_id=${s1.id}`);
      const next = await t.http.get(links.next!).set("Authorization", alice.auth);
      expect(idsOf(next.body)).toEqual([s2.id]);
      const prev = await t.http.get(links.prev!).set("Authorization", alice.auth);
      expect(idsOf(prev.body)).toEqual([]);
    });

    it(`${kind}: only the caller's, and only what they may still see`, async () => {
      const alice = await createResident(t, "alice");
      const bob = await createResident(t, "bob");
      await follow(ctx(), alice.account, bob.account);
      const priv = await createPost(t, bob, "abonnés", { visibility: "private" });
      const pub = await createPost(t, bob, "public");
      await mark(alice, priv.id);
      await mark(alice, pub.id);
      await unfollow(ctx(), alice.account.id, bob.account.id);
      const res = await t.http.get(`/api/v1/${kind}`).set("Authorization", alice.auth);
      expect(idsOf(res.body)).toEqual([pub.id]);
      expect(res.body[0][kind === "bookmarks" ? "bookmarked" : "favourited"]).toBe(true);
      const other = await t.http.get(`/api/v1/${kind}`).set("Authorization", bob.auth);
      expect(other.body).toEqual([]);
    });

    it(`${kind}: needs its read scope; bad paging parameters fall back to defaults`, async () => {
      const alice = await createResident(t, "alice");
      expect((await t.http.get(`/api/v1/${kind}`)).status).toBe(401);
      const { issueToken } = await import("../../server/auth/tokens");
      const { accessToken } = await issueToken(ctx(), { userId: alice.user.id, scopes: "read:statuses" });
      expect((await t.http.get(`/api/v1/${kind}`).set("Authorization", `Bearer ${accessToken}`)).status).toBe(403);
      const weird = await t.http.get(`/api/v1/${kind}?limit=abc&max_id=';drop&since_id[]=1`).set("Authorization", alice.auth);
      expect(weird.status).toBe(200);
      expect(weird.body).toEqual([]);
    });
  }
});

describe("markers", () => {
  it("saving markers stores them and raises the version on each save", async () => {
    const alice = await createResident(t, "alice");
    const first = await t.http.post("/api/v1/markers").set("Authorization", alice.auth).send({ home: { last_read_id: "103" } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ home: { last_read_id: "103", version: 1, updated_at: expect.any(String) } });
    await t.http.post("/api/v1/markers").set("Authorization", alice.auth).type("form").send("home[last_read_id]=105&notifications[last_read_id]=7").expect(200);
    const [row] = await t.services.db.select().from(markers).where(and(eq(markers.accountId, alice.account.id), eq(markers.timeline, "home")));
    expect(row).toMatchObject({ lastReadId: "105", version: 2 });
    const got = await t.http.get("/api/v1/markers?timeline[]=home&timeline[]=notifications&timeline[]=bogus").set("Authorization", alice.auth);
    expect(got.body).toMatchObject({ home: { last_read_id: "105", version: 2 }, notifications: { last_read_id: "7", version: 1 } });
  });

  it("markers are per resident, and bad input is refused with nothing stored", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await t.http.post("/api/v1/markers").set("Authorization", alice.auth).send({ home: { last_read_id: "1" } }).expect(200);
    expect((await t.http.get("/api/v1/markers?timeline[]=home").set("Authorization", bob.auth)).body).toEqual({});
    for (const body of [{ home: { last_read_id: "abc" } }, { home: "1" }, { home: { last_read_id: 1.5 } }, { notifications: { last_read_id: "1;drop" } }]) {
      expect((await t.http.post("/api/v1/markers").set("Authorization", bob.auth).send(body)).status, JSON.stringify(body)).toBe(422);
    }
    expect(await countRows(t, "markers")).toBe(1);
  });
});

describe("GET /api/v1/preferences", () => {
  it("answers Mastodon's preference keys from the resident's settings", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.get("/api/v1/preferences").set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      "posting:default:visibility": "public",
      "posting:default:sensitive": false,
      "posting:default:language": "fr",
      "reading:expand:media": "default",
      "reading:expand:spoilers": false,
    });
    expect((await t.http.get("/api/v1/preferences")).status).toBe(401);
  });
});
