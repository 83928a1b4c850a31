// Filters v2 (keywords, statuses, contexts, warn/hide, expiry), v1 filters as
// views of them, and filters applied to timelines, threads, accounts and notifications.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { filterKeywords, filterStatuses, filters } from "../../server/db/schema";
import { applyFilters, keywordPattern } from "../../server/domain/filters";
import { follow } from "../../server/domain/follows";
import { reblog } from "../../server/domain/interactions";
import { countRows, idsOf } from "../helpers/api";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((i) => (t = i));
const ctx = () => t.services.domain;

async function makeFilter(owner: Resident, body: Record<string, unknown>) {
  const res = await t.http.post("/api/v2/filters").set("Authorization", owner.auth).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { id: string; keywords: { id: string; keyword: string; whole_word: boolean }[]; statuses: { id: string; status_id: string }[] };
}

async function pair() {
  const alice = await createResident(t, "alice");
  const bob = await createResident(t, "bob");
  await follow(ctx(), alice.account, bob.account);
  return { alice, bob };
}

const homeOf = async (r: Resident) => (await t.http.get("/api/v1/timelines/home").set("Authorization", r.auth)).body as { id: string; filtered: unknown[]; reblog: { filtered: unknown[] } | null }[];

describe("filters v2 CRUD", () => {
  it("creating a filter with keywords stores it and answers Mastodon's Filter entity", async () => {
    const { alice } = await pair();
    const f = await makeFilter(alice, {
      title: "Travaux",
      context: ["home", "public"],
      filter_action: "warn",
      expires_in: 3600,
      keywords_attributes: [{ keyword: "travaux", whole_word: true }, { keyword: "chantier", whole_word: false }],
    });
    expect(f).toMatchObject({ title: "Travaux", context: ["home", "public"], filter_action: "warn", statuses: [] });
    expect(f.keywords.map((k) => [k.keyword, k.whole_word])).toEqual([["travaux", true], ["chantier", false]]);
    const expires = Date.parse((f as unknown as { expires_at: string }).expires_at);
    expect(expires).toBeGreaterThan(Date.now() + 3500_000);
    const [row] = await t.services.db.select().from(filters).where(eq(filters.id, f.id));
    expect(row).toMatchObject({ accountId: alice.account.id, title: "Travaux", action: "warn" });
    expect(await countRows(t, "filter_keywords")).toBe(2);
  });

  it("form-encoded keywords_attributes (as Mastodon's web forms send them) are understood", async () => {
    const { alice } = await pair();
    const res = await t.http
      .post("/api/v2/filters")
      .set("Authorization", alice.auth)
      .type("form")
      .send("title=F&context[]=home&keywords_attributes[0][keyword]=bruit&keywords_attributes[0][whole_word]=false");
    expect(res.status).toBe(200);
    expect(res.body.keywords).toEqual([{ id: expect.any(String), keyword: "bruit", whole_word: false }]);
  });

  it("updating a filter changes its fields and adds, edits and destroys keywords", async () => {
    const { alice } = await pair();
    const f = await makeFilter(alice, { title: "A", context: ["home"], keywords_attributes: [{ keyword: "un" }, { keyword: "deux" }] });
    const [un, deux] = f.keywords;
    const res = await t.http
      .put(`/api/v2/filters/${f.id}`)
      .set("Authorization", alice.auth)
      .send({
        title: "B",
        context: ["notifications"],
        filter_action: "hide",
        expires_in: "",
        keywords_attributes: [{ id: un.id, keyword: "uno" }, { id: deux.id, _destroy: true }, { keyword: "trois", whole_word: false }],
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: "B", context: ["notifications"], filter_action: "hide", expires_at: null });
    const kws = await t.services.db.select().from(filterKeywords).where(eq(filterKeywords.filterId, f.id));
    expect(kws.map((k) => k.keyword).sort()).toEqual(["trois", "uno"]);
  });

  it("deleting a filter removes it with its keywords and statuses", async () => {
    const { alice, bob } = await pair();
    const s = await createPost(t, bob, "x");
    const f = await makeFilter(alice, { title: "A", context: ["home"], keywords_attributes: [{ keyword: "un" }] });
    await t.http.post(`/api/v2/filters/${f.id}/statuses`).set("Authorization", alice.auth).send({ status_id: s.id }).expect(200);
    const res = await t.http.delete(`/api/v2/filters/${f.id}`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(await countRows(t, "filters")).toBe(0);
    expect(await countRows(t, "filter_keywords")).toBe(0);
    expect(await countRows(t, "filter_statuses")).toBe(0);
  });

  it("keywords and statuses have their own endpoints", async () => {
    const { alice, bob } = await pair();
    const s = await createPost(t, bob, "x");
    const f = await makeFilter(alice, { title: "A", context: ["home"] });
    const kw = await t.http.post(`/api/v2/filters/${f.id}/keywords`).set("Authorization", alice.auth).send({ keyword: "fête", whole_word: false });
    expect(kw.status).toBe(200);
    expect(kw.body).toEqual({ id: expect.any(String), keyword: "fête", whole_word: false });
    expect(idsOf((await t.http.get(`/api/v2/filters/${f.id}/keywords`).set("Authorization", alice.auth)).body)).toEqual([kw.body.id]);
    const upd = await t.http.put(`/api/v2/filters/keywords/${kw.body.id}`).set("Authorization", alice.auth).send({ keyword: "fêtes" });
    expect(upd.body.keyword).toBe("fêtes");
    const fs = await t.http.post(`/api/v2/filters/${f.id}/statuses`).set("Authorization", alice.auth).send({ status_id: s.id });
    expect(fs.body).toEqual({ id: expect.any(String), status_id: s.id });
    expect((await t.http.get(`/api/v2/filters/statuses/${fs.body.id}`).set("Authorization", alice.auth)).body.status_id).toBe(s.id);
    await t.http.delete(`/api/v2/filters/statuses/${fs.body.id}`).set("Authorization", alice.auth).expect(200);
    await t.http.delete(`/api/v2/filters/keywords/${kw.body.id}`).set("Authorization", alice.auth).expect(200);
    expect(await countRows(t, "filter_keywords")).toBe(0);
    expect(await countRows(t, "filter_statuses")).toBe(0);
  });

  it("another resident's filter, keyword or filtered status is not found, and stays", async () => {
    const { alice, bob } = await pair();
    const s = await createPost(t, bob, "x");
    const f = await makeFilter(alice, { title: "A", context: ["home"], keywords_attributes: [{ keyword: "un" }] });
    const fs = await t.http.post(`/api/v2/filters/${f.id}/statuses`).set("Authorization", alice.auth).send({ status_id: s.id });
    for (const [method, path] of [
      ["get", `/api/v2/filters/${f.id}`],
      ["put", `/api/v2/filters/${f.id}`],
      ["delete", `/api/v2/filters/${f.id}`],
      ["get", `/api/v2/filters/${f.id}/keywords`],
      ["post", `/api/v2/filters/${f.id}/keywords`],
      ["post", `/api/v2/filters/${f.id}/statuses`],
      ["get", `/api/v2/filters/keywords/${f.keywords[0].id}`],
      ["put", `/api/v2/filters/keywords/${f.keywords[0].id}`],
      ["delete", `/api/v2/filters/keywords/${f.keywords[0].id}`],
      ["get", `/api/v2/filters/statuses/${fs.body.id}`],
      ["delete", `/api/v2/filters/statuses/${fs.body.id}`],
      ["get", `/api/v1/filters/${f.keywords[0].id}`],
      ["put", `/api/v1/filters/${f.keywords[0].id}`],
      ["delete", `/api/v1/filters/${f.keywords[0].id}`],
    ] as const) {
      const res = await t.http[method](path).set("Authorization", bob.auth).send({ title: "Z", keyword: "z", phrase: "z", status_id: s.id, context: ["home"] });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // a keyword of Alice's cannot be edited through Bob's filter either
    const bobs = await makeFilter(bob, { title: "B", context: ["home"] });
    const cross = await t.http.put(`/api/v2/filters/${bobs.id}`).set("Authorization", bob.auth).send({ keywords_attributes: [{ id: f.keywords[0].id, _destroy: true }] });
    expect(cross.status).toBe(404);
    expect(await countRows(t, "filter_keywords")).toBe(1);
    expect(await countRows(t, "filter_statuses")).toBe(1);
    const [row] = await t.services.db.select().from(filters).where(eq(filters.id, f.id));
    expect(row.title).toBe("A");
  });

  it("bad input is refused with 422 and nothing stored", async () => {
    const { alice } = await pair();
    const bodies: unknown[] = [
      {},
      { title: "", context: ["home"] },
      { title: "A" },
      { title: "A", context: [] },
      { title: "A", context: ["everywhere"] },
      { title: "A", context: "home; drop table filters" },
      { title: "A", context: ["home"], filter_action: "blur-and-delete" },
      { title: "A", context: ["home"], expires_in: -5 },
      { title: "A", context: ["home"], expires_in: "soon" },
      { title: "A", context: ["home"], keywords_attributes: [{ keyword: "" }] },
      { title: "A", context: ["home"], keywords_attributes: "x" },
      { title: "A", context: ["home"], keywords_attributes: [{ keyword: "k".repeat(600) }] },
      { title: ["A"], context: ["home"] },
    ];
    for (const body of bodies) {
      const res = await t.http.post("/api/v2/filters").set("Authorization", alice.auth).send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(typeof res.body.error).toBe("string");
    }
    const malformed = await t.http.post("/api/v2/filters").set("Authorization", alice.auth).set("Content-Type", "application/json").send("[[[");
    expect(malformed.status).toBe(400);
    const huge = await t.http.post("/api/v2/filters").set("Authorization", alice.auth).send({ title: "A", context: ["home"], keywords_attributes: [{ keyword: "k".repeat(1_000_000) }] });
    expect(huge.status).toBe(413);
    const nul = await t.http.post("/api/v2/filters").set("Authorization", alice.auth).send({ title: "A\u0000", context: ["home"] });
    expect(nul.status).toBe(422);
    expect(await countRows(t, "filters")).toBe(0);
    expect(await countRows(t, "filter_keywords")).toBe(0);
  });

  it("injection strings are stored and matched as plain text", async () => {
    const { alice, bob } = await pair();
    const keyword = "'); drop table filters; -- (.*)";
    const f = await makeFilter(alice, { title: "<script>alert(1)</script>", context: ["home"], filter_action: "hide", keywords_attributes: [{ keyword, whole_word: false }] });
    expect(f.keywords[0].keyword).toBe(keyword);
    const plain = await createPost(t, bob, "rien à voir");
    await createPost(t, bob, `texte ${keyword} ici`);
    expect((await homeOf(alice)).map((x) => x.id)).toEqual([plain.id]);
    expect(await countRows(t, "filters")).toBe(1);
  });

  it("filtering a status one cannot see is refused", async () => {
    const { alice, bob } = await pair();
    const carol = await createResident(t, "carol");
    const secret = await createPost(t, bob, "@carol chut", { visibility: "direct" });
    const f = await makeFilter(alice, { title: "A", context: ["home"] });
    const res = await t.http.post(`/api/v2/filters/${f.id}/statuses`).set("Authorization", alice.auth).send({ status_id: secret.id });
    expect(res.status).toBe(422);
    const unknown = await t.http.post(`/api/v2/filters/${f.id}/statuses`).set("Authorization", alice.auth).send({ status_id: "nope" });
    expect(unknown.status).toBe(422);
    expect(await countRows(t, "filter_statuses")).toBe(0);
    void carol;
  });

  it("filters need the filters scope", async () => {
    const { alice } = await pair();
    const { issueToken } = await import("../../server/auth/tokens");
    const { accessToken } = await issueToken(ctx(), { userId: alice.user.id, scopes: "read:filters" });
    expect((await t.http.get("/api/v2/filters").set("Authorization", `Bearer ${accessToken}`)).status).toBe(200);
    const res = await t.http.post("/api/v2/filters").set("Authorization", `Bearer ${accessToken}`).send({ title: "A", context: ["home"] });
    expect(res.status).toBe(403);
    expect((await t.http.get("/api/v2/filters")).status).toBe(401);
    expect(await countRows(t, "filters")).toBe(0);
  });

  it("a filter change is announced on the event bus for the streams", async () => {
    const { alice } = await pair();
    const seen: string[] = [];
    const off = t.services.domain.events.on("filters.changed", (e) => void seen.push(e.accountId));
    await makeFilter(alice, { title: "A", context: ["home"] });
    off();
    expect(seen).toEqual([alice.account.id]);
  });
});

describe("v1 filters, as views of v2", () => {
  it("a v1 filter created is a v2 filter with one keyword; listing, updating and deleting go through it", async () => {
    const { alice } = await pair();
    const res = await t.http.post("/api/v1/filters").set("Authorization", alice.auth).send({ phrase: "Travaux", context: ["home"], irreversible: true, whole_word: false });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.any(String), phrase: "Travaux", context: ["home"], whole_word: false, expires_at: null, irreversible: true });
    const v2 = await t.http.get("/api/v2/filters").set("Authorization", alice.auth);
    expect(v2.body).toHaveLength(1);
    expect(v2.body[0]).toMatchObject({ title: "Travaux", filter_action: "hide", keywords: [{ id: res.body.id, keyword: "Travaux", whole_word: false }] });
    const upd = await t.http.put(`/api/v1/filters/${res.body.id}`).set("Authorization", alice.auth).send({ phrase: "Chantier", context: ["public"], irreversible: false });
    expect(upd.body).toMatchObject({ phrase: "Chantier", context: ["public"], irreversible: false });
    const list = await t.http.get("/api/v1/filters").set("Authorization", alice.auth);
    expect(list.body.map((f: { phrase: string }) => f.phrase)).toEqual(["Chantier"]);
    await t.http.delete(`/api/v1/filters/${res.body.id}`).set("Authorization", alice.auth).expect(200);
    expect(await countRows(t, "filters")).toBe(0);
  });

  it("a v2 filter with two keywords shows as two v1 filters; deleting one keeps the other", async () => {
    const { alice } = await pair();
    await makeFilter(alice, { title: "A", context: ["home"], keywords_attributes: [{ keyword: "un" }, { keyword: "deux" }] });
    const list = await t.http.get("/api/v1/filters").set("Authorization", alice.auth);
    expect(list.body.map((f: { phrase: string }) => f.phrase)).toEqual(["un", "deux"]);
    await t.http.delete(`/api/v1/filters/${list.body[0].id}`).set("Authorization", alice.auth).expect(200);
    expect(await countRows(t, "filters")).toBe(1);
    expect((await t.services.db.select().from(filterKeywords)).map((k) => k.keyword)).toEqual(["deux"]);
  });

  it("a v1 filter without a phrase or context is refused", async () => {
    const { alice } = await pair();
    for (const body of [{ context: ["home"] }, { phrase: "x" }, { phrase: "x", context: ["nowhere"] }]) {
      expect((await t.http.post("/api/v1/filters").set("Authorization", alice.auth).send(body)).status).toBe(422);
    }
    expect(await countRows(t, "filters")).toBe(0);
  });
});

describe("filters applied", () => {
  it("a warn filter leaves the status in the home timeline with its FilterResult", async () => {
    const { alice, bob } = await pair();
    const s = await createPost(t, bob, "Les travaux rue Haute");
    const f = await makeFilter(alice, { title: "Travaux", context: ["home"], filter_action: "warn", keywords_attributes: [{ keyword: "travaux" }] });
    const home = await homeOf(alice);
    expect(home.map((x) => x.id)).toEqual([s.id]);
    expect(home[0].filtered).toEqual([{ filter: expect.objectContaining({ id: f.id, title: "Travaux", filter_action: "warn" }), keyword_matches: ["travaux"], status_matches: null }]);
  });

  it("a hide filter removes the status from the home timeline", async () => {
    const { alice, bob } = await pair();
    await createPost(t, bob, "Les travaux rue Haute");
    const kept = await createPost(t, bob, "Le marché");
    await makeFilter(alice, { title: "Travaux", context: ["home"], filter_action: "hide", keywords_attributes: [{ keyword: "travaux" }] });
    expect((await homeOf(alice)).map((x) => x.id)).toEqual([kept.id]);
  });

  it("a filter applies only in its contexts", async () => {
    const { alice, bob } = await pair();
    const s = await createPost(t, bob, "Les travaux rue Haute");
    await makeFilter(alice, { title: "Travaux", context: ["public"], filter_action: "hide", keywords_attributes: [{ keyword: "travaux" }] });
    expect((await homeOf(alice)).map((x) => x.id)).toEqual([s.id]);
    const pub = await t.http.get("/api/v1/timelines/public").set("Authorization", alice.auth);
    expect(idsOf(pub.body)).toEqual([]);
    const account = await t.http.get(`/api/v1/accounts/${bob.account.id}/statuses`).set("Authorization", alice.auth);
    expect(idsOf(account.body)).toEqual([s.id]);
  });

  it("an expired filter no longer applies", async () => {
    const { alice, bob } = await pair();
    const s = await createPost(t, bob, "Les travaux");
    const f = await makeFilter(alice, { title: "T", context: ["home"], filter_action: "hide", keywords_attributes: [{ keyword: "travaux" }] });
    await t.services.db.update(filters).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(filters.id, f.id));
    expect((await homeOf(alice)).map((x) => x.id)).toEqual([s.id]);
  });

  it("whole_word matches words only; a partial keyword matches inside words", async () => {
    expect(keywordPattern("eau", true).test("Coupure d'eau demain")).toBe(true);
    expect(keywordPattern("eau", true).test("Le beau temps")).toBe(false);
    expect(keywordPattern("eau", false).test("Le beau temps")).toBe(true);
    expect(keywordPattern("Élection", true).test("les élections")).toBe(false);
    expect(keywordPattern("élection", true).test("L'ÉLECTION municipale")).toBe(true);
    expect(keywordPattern("#fête", true).test("vive la #fête!")).toBe(true);
    expect(keywordPattern("a.b", false).test("axb")).toBe(false);
  });

  it("a status filter hides that status only; one's own posts are never filtered", async () => {
    const { alice, bob } = await pair();
    const s1 = await createPost(t, bob, "un");
    const s2 = await createPost(t, bob, "deux");
    const own = await createPost(t, alice, "travaux chez moi");
    const f = await makeFilter(alice, { title: "T", context: ["home"], filter_action: "hide", keywords_attributes: [{ keyword: "travaux" }] });
    await t.http.post(`/api/v2/filters/${f.id}/statuses`).set("Authorization", alice.auth).send({ status_id: s1.id }).expect(200);
    expect(await countRows(t, "filter_statuses")).toBe(1);
    const [fsRow] = await t.services.db.select().from(filterStatuses);
    expect(fsRow.statusId).toBe(s1.id);
    expect((await homeOf(alice)).map((x) => x.id)).toEqual([own.id, s2.id]);
  });

  it("a reblog is judged by what it shares, and the inner status carries the result too", async () => {
    const { alice, bob } = await pair();
    const carol = await createResident(t, "carol");
    const c = await createPost(t, carol, "Réunion sur les travaux");
    const rb = await reblog(ctx(), bob.account, c.id);
    await makeFilter(alice, { title: "T", context: ["home"], keywords_attributes: [{ keyword: "travaux" }] });
    const home = await homeOf(alice);
    expect(home.map((x) => x.id)).toEqual([rb.id]);
    expect(home[0].filtered).toHaveLength(1);
    expect(home[0].reblog!.filtered).toHaveLength(1);
  });

  it("thread context filters the replies of GET /statuses/:id/context", async () => {
    const { alice, bob } = await pair();
    const root = await createPost(t, alice, "Question");
    const bad = await createPost(t, bob, "réponse avec travaux", { inReplyToId: root.id });
    const good = await createPost(t, bob, "réponse simple", { inReplyToId: root.id });
    await makeFilter(alice, { title: "T", context: ["thread"], filter_action: "hide", keywords_attributes: [{ keyword: "travaux" }] });
    const res = await t.http.get(`/api/v1/statuses/${root.id}/context`).set("Authorization", alice.auth);
    expect(idsOf(res.body.descendants)).toEqual([good.id]);
    void bad;
  });

  it("notifications: a hide filter drops the notification, a warn filter marks its status", async () => {
    const { alice, bob } = await pair();
    await createPost(t, bob, "@alice les travaux commencent");
    await createPost(t, bob, "@alice la fête commence");
    await makeFilter(alice, { title: "T", context: ["notifications"], filter_action: "hide", keywords_attributes: [{ keyword: "travaux" }] });
    await makeFilter(alice, { title: "F", context: ["notifications"], filter_action: "warn", keywords_attributes: [{ keyword: "fête" }] });
    const res = await t.http.get("/api/v1/notifications").set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0].status.content).toContain("fête");
    expect(res.body[0].status.filtered[0].keyword_matches).toEqual(["fête"]);
  });

  it("applyFilters (for the streams) answers hidden and warned statuses for a viewer and context", async () => {
    const { alice, bob } = await pair();
    const s = await createPost(t, bob, "travaux");
    await makeFilter(alice, { title: "T", context: ["public"], filter_action: "hide", keywords_attributes: [{ keyword: "travaux" }] });
    expect([...(await applyFilters(ctx(), alice.account.id, "public", [s])).hidden]).toEqual([s.id]);
    expect([...(await applyFilters(ctx(), alice.account.id, "home", [s])).hidden]).toEqual([]);
    expect([...(await applyFilters(ctx(), bob.account.id, "public", [s])).hidden]).toEqual([]);
  });
});
