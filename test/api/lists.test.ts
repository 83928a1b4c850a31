// Lists: CRUD, members, the list timeline with its replies policy, exclusive lists
// and the domain function the list stream uses.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listAccounts, lists } from "../../server/db/schema";
import { follow, unfollow } from "../../server/domain/follows";
import { listsShowing } from "../../server/domain/lists";
import { reblog } from "../../server/domain/interactions";
import { homeAudience } from "../../server/domain/timelines";
import { countRows, idsOf, parseLink } from "../helpers/api";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((i) => (t = i));
const ctx = () => t.services.domain;

async function makeList(owner: Resident, body: Record<string, unknown> = { title: "Voisins" }) {
  const res = await t.http.post("/api/v1/lists").set("Authorization", owner.auth).send(body);
  expect(res.status).toBe(200);
  return res.body as { id: string; title: string; replies_policy: string; exclusive: boolean };
}

async function setup() {
  const alice = await createResident(t, "alice");
  const bob = await createResident(t, "bob");
  const carol = await createResident(t, "carol");
  await follow(ctx(), alice.account, bob.account);
  return { alice, bob, carol };
}

describe("lists CRUD", () => {
  it("creating a list stores it with Mastodon's defaults and answers the List entity", async () => {
    const { alice } = await setup();
    const list = await makeList(alice);
    expect(list).toEqual({ id: list.id, title: "Voisins", replies_policy: "list", exclusive: false });
    const [row] = await t.services.db.select().from(lists).where(eq(lists.id, list.id));
    expect(row).toMatchObject({ accountId: alice.account.id, title: "Voisins", repliesPolicy: "list", exclusive: false });
  });

  it("a list is created with replies_policy and exclusive as given (form encoding too)", async () => {
    const { alice } = await setup();
    const res = await t.http
      .post("/api/v1/lists")
      .set("Authorization", alice.auth)
      .type("form")
      .send("title=Mairie&replies_policy=none&exclusive=true");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: "Mairie", replies_policy: "none", exclusive: true });
  });

  it("GET /api/v1/lists gives only the caller's lists", async () => {
    const { alice, bob } = await setup();
    const a = await makeList(alice, { title: "A" });
    await makeList(bob, { title: "B" });
    const res = await t.http.get("/api/v1/lists").set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([a.id]);
  });

  it("updating a list changes its title, policy and exclusivity in the database", async () => {
    const { alice } = await setup();
    const list = await makeList(alice);
    const res = await t.http.put(`/api/v1/lists/${list.id}`).set("Authorization", alice.auth).send({ title: "Quartier", replies_policy: "followed", exclusive: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: "Quartier", replies_policy: "followed", exclusive: true });
    const [row] = await t.services.db.select().from(lists).where(eq(lists.id, list.id));
    expect(row).toMatchObject({ title: "Quartier", repliesPolicy: "followed", exclusive: true });
  });

  it("deleting a list removes it and its members", async () => {
    const { alice, bob } = await setup();
    const list = await makeList(alice);
    await t.http.post(`/api/v1/lists/${list.id}/accounts`).set("Authorization", alice.auth).send({ account_ids: [bob.account.id] }).expect(200);
    const res = await t.http.delete(`/api/v1/lists/${list.id}`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(await countRows(t, "lists")).toBe(0);
    expect(await countRows(t, "list_accounts")).toBe(0);
  });

  it("another resident's list is not found, for reading, changing, deleting or its members", async () => {
    const { alice, bob } = await setup();
    const list = await makeList(alice);
    for (const [method, path] of [
      ["get", `/api/v1/lists/${list.id}`],
      ["put", `/api/v1/lists/${list.id}`],
      ["delete", `/api/v1/lists/${list.id}`],
      ["get", `/api/v1/lists/${list.id}/accounts`],
      ["post", `/api/v1/lists/${list.id}/accounts`],
      ["delete", `/api/v1/lists/${list.id}/accounts`],
      ["get", `/api/v1/timelines/list/${list.id}`],
    ] as const) {
      const res = await t.http[method](path).set("Authorization", bob.auth).send({ title: "Volée", account_ids: [alice.account.id] });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toEqual({ error: "Record not found" });
    }
    const [row] = await t.services.db.select().from(lists).where(eq(lists.id, list.id));
    expect(row.title).toBe("Voisins");
  });

  it("bad input is refused with 422 and nothing stored", async () => {
    const { alice } = await setup();
    const bodies: unknown[] = [
      {},
      { title: "" },
      { title: "   " },
      { title: 42 },
      { title: ["a"] },
      { title: "x".repeat(201) },
      { title: "ok", replies_policy: "everyone" },
      { title: "ok", exclusive: "perhaps" },
      { title: "nul\u0000" },
    ];
    for (const body of bodies) {
      const res = await t.http.post("/api/v1/lists").set("Authorization", alice.auth).send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(typeof res.body.error).toBe("string");
    }
    const malformed = await t.http.post("/api/v1/lists").set("Authorization", alice.auth).set("Content-Type", "application/json").send("{title:");
    expect(malformed.status).toBe(400);
    const huge = await t.http.post("/api/v1/lists").set("Authorization", alice.auth).send({ title: "x".repeat(2_000_000) });
    expect(huge.status).toBe(413);
    expect(await countRows(t, "lists")).toBe(0);
  });

  it("an injection string is stored as plain text", async () => {
    const { alice } = await setup();
    const title = "'); drop table lists; -- <script>alert(1)</script>";
    const list = await makeList(alice, { title });
    expect(list.title).toBe(title);
    expect(await countRows(t, "lists")).toBe(1);
  });

  it("unknown or malformed list ids are not found", async () => {
    const { alice } = await setup();
    for (const id of ["999999999", "abc", "1e3", "99999999999999999999999"]) {
      const res = await t.http.get(`/api/v1/lists/${id}`).set("Authorization", alice.auth);
      expect(res.status).toBe(404);
    }
  });

  it("lists need a token with the lists scope", async () => {
    const { alice } = await setup();
    const res = await t.http.get("/api/v1/lists");
    expect(res.status).toBe(401);
    const { issueToken } = await import("../../server/auth/tokens");
    const { accessToken } = await issueToken(ctx(), { userId: alice.user.id, scopes: "read:statuses" });
    const narrow = await t.http.get("/api/v1/lists").set("Authorization", `Bearer ${accessToken}`);
    expect(narrow.status).toBe(403);
    const { accessToken: readLists } = await issueToken(ctx(), { userId: alice.user.id, scopes: "read:lists" });
    expect((await t.http.get("/api/v1/lists").set("Authorization", `Bearer ${readLists}`)).status).toBe(200);
    expect((await t.http.post("/api/v1/lists").set("Authorization", `Bearer ${readLists}`).send({ title: "x" })).status).toBe(403);
    expect(await countRows(t, "lists")).toBe(0);
  });
});

describe("list members", () => {
  it("adding a followed account stores the member; the list's accounts and the account's lists show it", async () => {
    const { alice, bob } = await setup();
    const list = await makeList(alice);
    const add = await t.http.post(`/api/v1/lists/${list.id}/accounts`).set("Authorization", alice.auth).send({ account_ids: [bob.account.id] });
    expect(add.status).toBe(200);
    expect(add.body).toEqual({});
    const rows = await t.services.db.select().from(listAccounts).where(eq(listAccounts.listId, list.id));
    expect(rows.map((r) => r.accountId)).toEqual([bob.account.id]);
    const members = await t.http.get(`/api/v1/lists/${list.id}/accounts`).set("Authorization", alice.auth);
    expect(idsOf(members.body)).toEqual([bob.account.id]);
    const ofAccount = await t.http.get(`/api/v1/accounts/${bob.account.id}/lists`).set("Authorization", alice.auth);
    expect(idsOf(ofAccount.body)).toEqual([list.id]);
    // Bob asking about himself sees none of Alice's lists
    const bobs = await t.http.get(`/api/v1/accounts/${bob.account.id}/lists`).set("Authorization", bob.auth);
    expect(bobs.body).toEqual([]);
  });

  it("adding an account one does not follow is refused with 422", async () => {
    const { alice, carol } = await setup();
    const list = await makeList(alice);
    const res = await t.http.post(`/api/v1/lists/${list.id}/accounts`).set("Authorization", alice.auth).send({ account_ids: [carol.account.id] });
    expect(res.status).toBe(422);
    expect(await countRows(t, "list_accounts")).toBe(0);
  });

  it("adding unknown accounts is not found; malformed ids are refused", async () => {
    const { alice } = await setup();
    const list = await makeList(alice);
    const unknown = await t.http.post(`/api/v1/lists/${list.id}/accounts`).set("Authorization", alice.auth).send({ account_ids: ["123456789"] });
    expect(unknown.status).toBe(404);
    for (const body of [{}, { account_ids: [] }, { account_ids: ["x"] }, { account_ids: "nope" }, { account_ids: [{ id: 1 }] }]) {
      const res = await t.http.post(`/api/v1/lists/${list.id}/accounts`).set("Authorization", alice.auth).send(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect(await countRows(t, "list_accounts")).toBe(0);
  });

  it("removing members works with the ids in the query string as well as the body", async () => {
    const { alice, bob, carol } = await setup();
    await follow(ctx(), alice.account, carol.account);
    const list = await makeList(alice);
    await t.http.post(`/api/v1/lists/${list.id}/accounts`).set("Authorization", alice.auth).send({ account_ids: [bob.account.id, carol.account.id] }).expect(200);
    await t.http.delete(`/api/v1/lists/${list.id}/accounts?account_ids[]=${bob.account.id}`).set("Authorization", alice.auth).expect(200);
    await t.http.delete(`/api/v1/lists/${list.id}/accounts`).set("Authorization", alice.auth).send({ account_ids: [carol.account.id] }).expect(200);
    expect(await countRows(t, "list_accounts")).toBe(0);
  });

  it("list members are paginated by the membership row, and limit=0 gives them all", async () => {
    const { alice, bob, carol } = await setup();
    const dave = await createResident(t, "dave");
    await follow(ctx(), alice.account, carol.account);
    await follow(ctx(), alice.account, dave.account);
    const list = await makeList(alice);
    for (const r of [bob, carol, dave]) {
      await t.http.post(`/api/v1/lists/${list.id}/accounts`).set("Authorization", alice.auth).send({ account_ids: [r.account.id] }).expect(200);
    }
    const first = await t.http.get(`/api/v1/lists/${list.id}/accounts?limit=2`).set("Authorization", alice.auth);
    expect(idsOf(first.body)).toEqual([dave.account.id, carol.account.id]);
    const next = parseLink(first.headers.link).next!;
    const second = await t.http.get(next).set("Authorization", alice.auth);
    expect(idsOf(second.body)).toEqual([bob.account.id]);
    const all = await t.http.get(`/api/v1/lists/${list.id}/accounts?limit=0`).set("Authorization", alice.auth);
    expect(idsOf(all.body).sort()).toEqual([bob.account.id, carol.account.id, dave.account.id].sort());
  });

  it("unfollowing an account takes it out of one's lists", async () => {
    const { alice, bob } = await setup();
    const list = await makeList(alice);
    await t.http.post(`/api/v1/lists/${list.id}/accounts`).set("Authorization", alice.auth).send({ account_ids: [bob.account.id] }).expect(200);
    await unfollow(ctx(), alice.account.id, bob.account.id);
    const rows = await t.services.db.select().from(listAccounts).where(and(eq(listAccounts.listId, list.id), eq(listAccounts.accountId, bob.account.id)));
    expect(rows).toEqual([]);
  });
});

describe("GET /api/v1/timelines/list/:id", () => {
  async function listWith(owner: Resident, members: Resident[], body: Record<string, unknown> = { title: "L" }) {
    const list = await makeList(owner, body);
    await t.http.post(`/api/v1/lists/${list.id}/accounts`).set("Authorization", owner.auth).send({ account_ids: members.map((m) => m.account.id) }).expect(200);
    return list;
  }
  const timeline = async (r: Resident, id: string) => {
    const res = await t.http.get(`/api/v1/timelines/list/${id}`).set("Authorization", r.auth);
    expect(res.status).toBe(200);
    return idsOf(res.body);
  };

  it("the list timeline shows members' posts and reblogs, not others'", async () => {
    const { alice, bob, carol } = await setup();
    const list = await listWith(alice, [bob]);
    const s1 = await createPost(t, bob, "Marché samedi");
    await createPost(t, carol, "Pas dans la liste");
    const c = await createPost(t, carol, "Partagé");
    const rb = await reblog(ctx(), bob.account, c.id);
    expect(await timeline(alice, list.id)).toEqual([rb.id, s1.id]);
  });

  it("the list timeline keeps the visibility rule: a direct post to someone else is not shown", async () => {
    const { alice, bob, carol } = await setup();
    const list = await listWith(alice, [bob]);
    await createPost(t, bob, "@carol secret", { visibility: "direct" });
    const priv = await createPost(t, bob, "abonnés", { visibility: "private" });
    void carol;
    expect(await timeline(alice, list.id)).toEqual([priv.id]);
  });

  it("replies_policy list shows replies to members only; none shows no replies; followed shows replies to followed accounts", async () => {
    const { alice, bob, carol } = await setup();
    const dave = await createResident(t, "dave");
    await follow(ctx(), alice.account, dave.account);
    const toCarol = await createPost(t, carol, "question");
    const toDave = await createPost(t, dave, "autre question");
    const replyCarol = await createPost(t, bob, "réponse à Carol", { inReplyToId: toCarol.id });
    const replyDave = await createPost(t, bob, "réponse à Dave", { inReplyToId: toDave.id });
    const plain = await createPost(t, bob, "simple");
    const listPolicy = await listWith(alice, [bob], { title: "list" });
    const nonePolicy = await listWith(alice, [bob], { title: "none", replies_policy: "none" });
    const followedPolicy = await listWith(alice, [bob], { title: "followed", replies_policy: "followed" });
    expect(await timeline(alice, listPolicy.id)).toEqual([plain.id]);
    expect(await timeline(alice, nonePolicy.id)).toEqual([plain.id]);
    expect(await timeline(alice, followedPolicy.id)).toEqual([plain.id, replyDave.id]);
    void replyCarol;
  });

  it("the list timeline is paginated with Link headers", async () => {
    const { alice, bob } = await setup();
    const list = await listWith(alice, [bob]);
    const posts = [];
    for (let i = 0; i < 3; i++) posts.push(await createPost(t, bob, `n${i}`));
    const res = await t.http.get(`/api/v1/timelines/list/${list.id}?limit=2`).set("Authorization", alice.auth);
    expect(idsOf(res.body)).toEqual([posts[2].id, posts[1].id]);
    const next = await t.http.get(parseLink(res.headers.link).next!).set("Authorization", alice.auth);
    expect(idsOf(next.body)).toEqual([posts[0].id]);
  });

  it("an exclusive list keeps its members' posts out of the home timeline, and the live home audience", async () => {
    const { alice, bob } = await setup();
    const before = await createPost(t, bob, "avant");
    let home = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    expect(idsOf(home.body)).toEqual([before.id]);
    await listWith(alice, [bob], { title: "Exclusive", exclusive: true });
    const after = await createPost(t, bob, "après");
    home = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    expect(idsOf(home.body)).toEqual([]);
    expect(await homeAudience(ctx(), after.id)).not.toContain(alice.account.id);
  });

  it("a non-exclusive list leaves members' posts in the home timeline", async () => {
    const { alice, bob } = await setup();
    await listWith(alice, [bob]);
    const s = await createPost(t, bob, "toujours là");
    const home = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    expect(idsOf(home.body)).toEqual([s.id]);
  });

  it("listsShowing names the lists whose timeline shows a new status, with their owners", async () => {
    const { alice, bob, carol } = await setup();
    await follow(ctx(), carol.account, bob.account);
    const a = await listWith(alice, [bob]);
    const c = await listWith(carol, [bob], { title: "none", replies_policy: "none" });
    const s = await createPost(t, bob, "bonjour");
    expect((await listsShowing(ctx(), s.id)).sort((x, y) => x.listId.localeCompare(y.listId))).toEqual(
      [
        { listId: a.id, ownerId: alice.account.id },
        { listId: c.id, ownerId: carol.account.id },
      ].sort((x, y) => x.listId.localeCompare(y.listId)),
    );
    const other = await createPost(t, alice, "q");
    const reply = await createPost(t, bob, "r", { inReplyToId: other.id });
    // Alice's list (policy list) shows a reply to Alice herself; Carol's (none) does not
    expect(await listsShowing(ctx(), reply.id)).toEqual([{ listId: a.id, ownerId: alice.account.id }]);
  });
});
